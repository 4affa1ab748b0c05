package dev.lattice.gateway.api.schemas;

import dev.lattice.gateway.problem.ResourceNotFoundException;
import dev.lattice.schemas.PublishedSchema;
import dev.lattice.schemas.SchemaCatalog;
import dev.lattice.schemas.SchemaVersion;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every published Avro schema with its versions and fingerprints, so that services on the topics
 * can check what they read and write. Open to every authenticated caller: schemas hold no data.
 */
@RestController
@RequestMapping("/api/v1/schemas")
@Tag(name = "Schemas", description = "Published Avro schemas, versions and fingerprints")
public class SchemaController {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final SchemaCatalog catalog = SchemaCatalog.standard();

  /** One schema version; {@code schema} (the Avro JSON) only in the single-schema view. */
  public record VersionView(int version, String fingerprint, JsonNode schema) {}

  /** A schema by its full name with every published version, oldest first. */
  public record SchemaView(String name, String fullName, List<VersionView> versions) {}

  @GetMapping
  @Operation(summary = "Every published schema with its versions and fingerprints")
  public List<SchemaView> list() {
    return catalog.schemas().stream().map(s -> view(s, false)).toList();
  }

  @GetMapping("/{name}")
  @Operation(summary = "One schema (simple or full name) with the Avro text of every version")
  public SchemaView one(@PathVariable String name) {
    return catalog
        .schema(name)
        .or(() -> catalog.schemas().stream().filter(s -> s.fullName().equals(name)).findFirst())
        .map(s -> view(s, true))
        .orElseThrow(() -> new ResourceNotFoundException("schema", name));
  }

  private static SchemaView view(PublishedSchema schema, boolean withText) {
    List<VersionView> versions = schema.versions().stream().map(v -> version(v, withText)).toList();
    return new SchemaView(schema.name(), schema.fullName(), versions);
  }

  private static VersionView version(SchemaVersion v, boolean withText) {
    return new VersionView(
        v.version(), v.fingerprintHex(), withText ? JSON.readTree(v.schema().toString()) : null);
  }
}
