package dev.lattice.gateway.api.networks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.SpecVersionDetector;
import com.networknt.schema.ValidationMessage;
import dev.lattice.gateway.problem.FieldProblem;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;

/**
 * Validates network rules against the policy module's JSON Schema (classpath {@value #RESOURCE}),
 * reporting every violation with its JSON path. Thread-safe.
 */
public final class NetworkRulesValidator {

  public static final String RESOURCE = "lattice/network-rules.schema.json";

  // json-schema-validator works on Jackson 2 trees; the rest of the gateway uses Jackson 3.
  private final ObjectMapper jackson2 = new ObjectMapper();
  private final JsonSchema schema;

  public NetworkRulesValidator() {
    try (InputStream in =
        NetworkRulesValidator.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "The network rules JSON Schema " + RESOURCE + " is missing from the classpath");
      }
      JsonNode schemaNode = jackson2.readTree(in);
      SpecVersion.VersionFlag version =
          SpecVersionDetector.detectOptionalVersion(schemaNode, false)
              .orElse(SpecVersion.VersionFlag.V202012);
      // Formats are only annotations in 2020-12 unless asserted: without this an agreement's
      // "expires_at": "never" passed, and the policy (which cannot parse it) treated it as never
      // expiring.
      this.schema =
          JsonSchemaFactory.getInstance(version)
              .getSchema(
                  schemaNode,
                  com.networknt.schema.SchemaValidatorsConfig.builder()
                      .pathType(com.networknt.schema.PathType.LEGACY)
                      .formatAssertionsEnabled(true)
                      .build());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + RESOURCE, e);
    }
  }

  /**
   * Every violation of {@code rulesJson}, each with a path rooted at {@code pathPrefix}; empty when
   * valid.
   */
  public List<FieldProblem> validate(String rulesJson, String pathPrefix) {
    JsonNode rules;
    try {
      rules = jackson2.readTree(rulesJson);
    } catch (IOException e) {
      return List.of(new FieldProblem(pathPrefix, "is not valid JSON"));
    }
    List<FieldProblem> problems =
        new java.util.ArrayList<>(
            schema.validate(rules).stream()
                .sorted(
                    Comparator.comparing(
                        (ValidationMessage m) -> m.getInstanceLocation().toString()))
                .map(
                    m ->
                        new FieldProblem(
                            pathPrefix + m.getInstanceLocation().toString().substring(1),
                            m.getMessage().replaceFirst("^\\$[^:]*: ", "")))
                .toList());
    // A date-time the schema accepts but the policy cannot read (time.parse_rfc3339_ns is Go's:
    // upper-case T and Z, seconds) would make the agreement count as expired at once.
    JsonNode agreements = rules.path("agreements");
    for (int i = 0; i < agreements.size(); i++) {
      JsonNode expiry = agreements.get(i).path("expires_at");
      String path = pathPrefix + ".agreements[" + i + "].expires_at";
      if (expiry.isTextual()
          && !POLICY_DATE_TIME.matcher(expiry.asText()).matches()
          && problems.stream().noneMatch(p -> p.path().equals(path))) {
        problems.add(
            new FieldProblem(
                path,
                "must be written as the policy reads it: an upper-case T and Z (or an offset) and"
                    + " seconds, e.g. 2026-12-01T00:00:00Z"));
      }
    }
    return List.copyOf(problems);
  }

  private static final java.util.regex.Pattern POLICY_DATE_TIME =
      java.util.regex.Pattern.compile(
          "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})");
}
