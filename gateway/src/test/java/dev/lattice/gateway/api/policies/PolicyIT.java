package dev.lattice.gateway.api.policies;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.gateway.security.Role;
import dev.lattice.gateway.support.GatewayHttp;
import dev.lattice.gateway.support.GatewayHttp.Response;
import dev.lattice.gateway.support.GatewayIntegrationTest;
import dev.lattice.policy.bundle.BundleBuilder;
import dev.lattice.policy.bundle.DefaultBundle;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class PolicyIT extends GatewayIntegrationTest {

  private GatewayHttp compliance;

  @BeforeEach
  void complianceKey() {
    compliance = as(keyFor(Role.COMPLIANCE, null));
  }

  /** The default bundle under another revision, optionally with one extra module. */
  static byte[] bundle(String revision, String extraModule) {
    Map<String, byte[]> files = new LinkedHashMap<>(DefaultBundle.files());
    files.put(
        ".manifest",
        ("{\"revision\": \"" + revision + "\", \"roots\": [\"lattice\"], \"rego_version\": 1}")
            .getBytes(StandardCharsets.UTF_8));
    if (extraModule != null) {
      files.put("lattice/extra.rego", extraModule.getBytes(StandardCharsets.UTF_8));
    }
    return BundleBuilder.tarGz(files);
  }

  static JsonNode exampleInput() throws IOException {
    try (InputStream in =
        PolicyIT.class.getClassLoader().getResourceAsStream("lattice/examples/offer-input.json")) {
      return GatewayHttp.JSON.readTree(in);
    }
  }

  @Test
  void anUploadedBundleIsCompiledTestedAndStoredAsADraftWithItsAuthor() {
    String revision = "it-" + UUID.randomUUID();

    Response uploaded =
        compliance.postBytes("/api/v1/policies", bundle(revision, null), "application/gzip");

    assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(201);
    assertThat(uploaded.json().get("status").asString()).isEqualTo("draft");
    JsonNode history = compliance.get("/api/v1/policies").json().get("history");
    assertThat(history.valueStream())
        .anyMatch(
            h ->
                h.get("revision").asString().equals(revision)
                    && h.get("by").asString().startsWith("key:"));
  }

  @Test
  void aBundleThatDoesNotCompileIsRejectedWithTheErrorLocation() {
    String broken = "package lattice.extra\n\nallow if {\n  input.x ==\n}\n";

    Response response =
        compliance.postBytes(
            "/api/v1/policies", bundle("broken-" + UUID.randomUUID(), broken), "application/gzip");

    assertThat(response.status()).as(response.body()).isEqualTo(422);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.body()).contains("extra.rego");
  }

  @Test
  void aDraftIsSimulatedWithAnExplanationNextToTheLiveDecision() throws IOException {
    String revision = "sim-" + UUID.randomUUID();
    compliance.postBytes("/api/v1/policies", bundle(revision, null), "application/gzip");

    Response simulated =
        compliance.post(
            "/api/v1/policies/" + revision + "/simulate", Map.of("input", exampleInput()));

    assertThat(simulated.status()).as(simulated.body()).isEqualTo(200);
    assertThat(simulated.json().get("decision").get("allow").isBoolean()).isTrue();
    assertThat(simulated.json().get("decision").has("explanation")).isTrue();
    assertThat(simulated.json().get("differsFromLive").asBoolean()).isFalse();
  }

  @Test
  void simulatingAnUnknownRevisionIs404() throws IOException {
    assertThat(
            compliance
                .post("/api/v1/policies/nope/simulate", Map.of("input", exampleInput()))
                .status())
        .isEqualTo(404);
  }

  @Test
  void activationMakesTheDraftLiveAndRollbackRestoresThePreviousRevision() {
    String revision = "act-" + UUID.randomUUID();
    compliance.postBytes("/api/v1/policies", bundle(revision, null), "application/gzip");
    String before = compliance.get("/api/v1/policies").json().get("activeRevision").asString();

    Response activated = compliance.post("/api/v1/policies/" + revision + "/activate", null);

    assertThat(activated.status()).as(activated.body()).isEqualTo(200);
    assertThat(activated.json().get("effective").asBoolean()).isTrue();
    assertThat(compliance.get("/api/v1/policies").json().get("activeRevision").asString())
        .isEqualTo(revision);

    Response rolledBack = compliance.post("/api/v1/policies/rollback", Map.of());

    assertThat(rolledBack.status()).as(rolledBack.body()).isEqualTo(200);
    assertThat(rolledBack.json().get("revision").asString()).isEqualTo(before);
    assertThat(compliance.get("/api/v1/policies").json().get("activeRevision").asString())
        .isEqualTo(before);
  }

  @Test
  void aReplayReportsTheDifferenceFromTheLiveDecisions() {
    String revision = "replay-" + UUID.randomUUID();
    String denyAll = "package lattice.extra\n\nx := 1\n";
    compliance.postBytes("/api/v1/policies", bundle(revision, denyAll), "application/gzip");

    Response report =
        compliance.post(
            "/api/v1/policies/" + revision + "/replay", Map.of("window", "PT1H", "limit", 500));

    assertThat(report.status()).as(report.body()).isEqualTo(200);
    assertThat(
            report.json().get("newlyAllowed").asInt()
                + report.json().get("newlyDenied").asInt()
                + report.json().get("unchanged").asInt()
                + report.json().get("skipped").asInt())
        .isEqualTo(report.json().get("examined").asInt());
    assertThat(report.json().get("approximations").size()).isPositive();
  }

  @Test
  void theOpaDataApiAnswersTheDecisionWithADecisionId() throws IOException {
    GatewayHttp service = as(keyFor(Role.SERVICE, "ski-club"));

    Response response = service.post("/v1/data/lattice/decision", Map.of("input", exampleInput()));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().get("result").get("allow").isBoolean()).isTrue();
    assertThat(response.json().get("result").has("reasons")).isTrue();
    assertThat(response.json().get("decision_id").asString()).isNotBlank();
  }

  @Test
  void theOpaDataApiLeavesOutResultForAnUndefinedDocument() {
    Response response = compliance.post("/v1/data/lattice/no_such_rule", Map.of("input", Map.of()));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().has("result")).isFalse();
    assertThat(response.json().has("decision_id")).isTrue();
  }
}
