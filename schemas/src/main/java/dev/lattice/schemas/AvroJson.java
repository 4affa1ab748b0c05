package dev.lattice.schemas;

import dev.lattice.schemas.internal.AvroToJson;
import dev.lattice.schemas.internal.JsonToAvro;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON ⇄ Avro for the REST ingest and for outputs.
 *
 * <p>JSON shape: objects keyed by the Avro (snake_case) field names; absent or null fields take
 * their default, or null when nullable; unknown fields are errors; {@code timestamp-millis} is an
 * ISO-8601 instant ({@code 2026-11-23T10:00:00Z}) or epoch milliseconds on input and an ISO-8601
 * instant on output; {@code bytes} are base64; enums are their symbol; a nullable union is the
 * value or null (no type wrapper). {@link #toJson} output is accepted by {@link #fromJson}.
 *
 * <p>Thread-safe.
 */
public final class AvroJson {

  private static final JsonMapper MAPPER = JsonMapper.shared();

  private AvroJson() {}

  /**
   * Parses and validates a JSON document into a record of the current schema of {@code type}.
   *
   * @throws SchemaViolationException with every error of the document (malformed JSON is one error
   *     at path {@code $})
   */
  public static <T extends SpecificRecord> T fromJson(String json, Class<T> type) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JacksonException e) {
      throw new SchemaViolationException(
          type.getSimpleName(),
          List.of(new FieldError("$", "malformed JSON: " + e.getOriginalMessage())));
    }
    return fromJson(node, type);
  }

  /** Validates a JSON tree into a record; see {@link #fromJson(String, Class)}. */
  public static <T extends SpecificRecord> T fromJson(JsonNode json, Class<T> type) {
    SpecificData model = SpecificData.getForClass(type);
    Schema schema = model.getSchema(type);
    JsonToAvro converter = new JsonToAvro(model);
    Object value = converter.convert(json, schema, "");
    if (!converter.errors().isEmpty()) {
      throw new SchemaViolationException(schema.getName(), converter.errors());
    }
    return type.cast(value);
  }

  /** A record (specific or generic) as a JSON tree. */
  public static JsonNode toJsonNode(IndexedRecord record) {
    GenericData model =
        record instanceof SpecificRecord
            ? SpecificData.getForClass(record.getClass())
            : GenericData.get();
    return new AvroToJson(model).convert(record, record.getSchema());
  }

  /** A record (specific or generic) as compact JSON text. */
  public static String toJson(IndexedRecord record) {
    return MAPPER.writeValueAsString(toJsonNode(record));
  }

  /** What a schema accepts, as worded in error messages (e.g. {@code timestamp-millis}). */
  public static String describe(Schema schema) {
    return JsonToAvro.describe(schema);
  }
}
