package dev.lattice.gateway.api.policies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.gateway.security.Role;
import dev.lattice.gateway.support.GatewayHttp;
import dev.lattice.gateway.support.GatewayHttp.Response;
import dev.lattice.gateway.support.GatewayIntegrationTest;
import dev.lattice.policy.bundle.BundleBuilder;
import dev.lattice.policy.bundle.DefaultBundle;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

public class PolicyIT extends GatewayIntegrationTest {

  private GatewayHttp compliance;

  @BeforeEach
  void complianceKey() {
    compliance = as(keyFor(Role.COMPLIANCE, null));
  }

  /** The default bundle under another revision, optionally with one extra module. */
  public static byte[] bundle(String revision, String extraModule) {
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
  void aRevisionThatCannotNameADraftInAUrlIsA400AtTheManifest() {
    for (String revision : List.of("r".repeat(600), "with/slash", "with space")) {
      Response response =
          compliance.postBytes("/api/v1/policies", bundle(revision, null), "application/gzip");

      assertThat(response.status()).as(revision).isEqualTo(400);
      assertThat(response.json().get("errors").get(0).get("path").asString())
          .isEqualTo(".manifest.revision");
    }
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
  void aDraftIsSimulatedWithAnExplanationNextToTheLiveDecision() {
    String network = openNetwork();
    String closing = "sim-closing-" + UUID.randomUUID();
    String same = "sim-same-" + UUID.randomUUID();
    compliance.postBytes("/api/v1/policies", bundle(closing, closes(network)), "application/gzip");
    compliance.postBytes("/api/v1/policies", bundle(same, null), "application/gzip");

    Response denied =
        compliance.post(
            "/api/v1/policies/" + closing + "/simulate",
            Map.of("input", offerInput(network, true)));
    Response unchanged =
        compliance.post(
            "/api/v1/policies/" + same + "/simulate", Map.of("input", offerInput(network, true)));

    assertThat(denied.status()).as(denied.body()).isEqualTo(200);
    JsonNode draft = denied.json().get("decision");
    assertThat(draft.get("allow").asBoolean()).isFalse();
    assertThat(codes(draft)).containsExactly("test.network_closed");
    assertThat(draft.get("explanation").isArray()).isTrue();
    assertThat(draft.get("explanation").size()).isPositive();
    assertThat(denied.json().get("liveDecision").get("allow").asBoolean()).isTrue();
    assertThat(denied.json().get("differsFromLive").asBoolean()).isTrue();
    assertThat(unchanged.json().get("decision").get("allow").asBoolean()).isTrue();
    assertThat(codes(unchanged.json().get("decision"))).isEmpty();
    assertThat(unchanged.json().get("differsFromLive").asBoolean()).isFalse();
  }

  @Test
  void aSimulationExplainsEachFiredRuleWithTheValueItProduced() throws IOException {
    String shipped = compliance.get("/api/v1/policies").json().get("shippedRevision").asString();

    Response response =
        compliance.post(
            "/api/v1/policies/" + shipped + "/simulate", Map.of("input", exampleInput()));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonNode decision = response.json().get("decision");
    JsonNode decisionRule =
        decision
            .get("explanation")
            .valueStream()
            .filter(f -> f.get("rule").asString().equals("data.lattice.decision"))
            .findFirst()
            .orElseThrow();
    assertThat(decisionRule.get("value").get("allow").asBoolean())
        .isEqualTo(decision.get("allow").asBoolean());
    assertThat(decisionRule.get("location").asString()).contains(".rego:");
    // every rule but the functions (no value without arguments) carries its value
    assertThat(decision.get("explanation").valueStream().filter(f -> !f.get("value").isNull()))
        .hasSizeGreaterThan(3);
  }

  @Test
  void aSimulationWithAFieldOtherThanInputIsRefusedAtIt() throws IOException {
    String shipped = compliance.get("/api/v1/policies").json().get("shippedRevision").asString();

    Response response =
        compliance.post(
            "/api/v1/policies/" + shipped + "/simulate",
            Map.of("input", exampleInput(), "inptu", Map.of()));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("errors").get(0).get("path").asString()).isEqualTo("$.inptu");
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
  void rollbacksInARowWalkBackThroughTheActivationsAndReactivatingTheLiveRevisionAddsNothing() {
    String before = compliance.get("/api/v1/policies").json().get("activeRevision").asString();
    List<String> revisions = new ArrayList<>();
    for (String name : List.of("walk-a-", "walk-b-", "walk-c-")) {
      String revision = name + UUID.randomUUID();
      compliance.postBytes("/api/v1/policies", bundle(revision, null), "application/gzip");
      assertThat(compliance.post("/api/v1/policies/" + revision + "/activate", null).status())
          .isEqualTo(200);
      revisions.add(revision);
    }
    compliance.post("/api/v1/policies/" + revisions.get(2) + "/activate", null);

    List<String> rolledBackTo = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Response rolledBack = compliance.post("/api/v1/policies/rollback", Map.of());
      assertThat(rolledBack.status()).as(rolledBack.body()).isEqualTo(200);
      rolledBackTo.add(rolledBack.json().get("revision").asString());
    }

    assertThat(rolledBackTo).containsExactly(revisions.get(1), revisions.get(0), before);
    assertThat(compliance.get("/api/v1/policies").json().get("activeRevision").asString())
        .isEqualTo(before);
  }

  @Test
  void aBundleArchivedWithItsDirectoryIsRefusedSayingWhereItsManifestIs() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(
        "mybundle/.manifest",
        "{\"revision\": \"nested-1\", \"roots\": [\"lattice\"]}".getBytes(StandardCharsets.UTF_8));
    DefaultBundle.files().forEach((path, bytes) -> files.put("mybundle/" + path, bytes));

    Response response =
        compliance.postBytes("/api/v1/policies", BundleBuilder.tarGz(files), "application/gzip");

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    JsonNode error = response.json().get("errors").get(0);
    assertThat(error.get("path").asString()).isEqualTo(".manifest");
    assertThat(error.get("message").asString())
        .contains("mybundle/.manifest")
        .contains("-C mybundle .");
  }

  @Test
  void aRollbackToAnUnknownRevisionIs404NamingTheRevisionField() {
    String before = compliance.get("/api/v1/policies").json().get("activeRevision").asString();

    Response response =
        compliance.post("/api/v1/policies/rollback", Map.of("revision", "no-such-revision"));

    assertThat(response.status()).as(response.body()).isEqualTo(404);
    assertThat(response.json().get("errors").get(0).get("path").asString()).isEqualTo("$.revision");
    assertThat(compliance.get("/api/v1/policies").json().get("activeRevision").asString())
        .isEqualTo(before);
  }

  @Test
  void aReplayUnderADraftThatClosesANetworkReportsItsLiveAllowsAsNewlyDenied() {
    String network = openNetwork();
    String offerEvent = allowedOfferInto(network);
    String revision = "replay-" + UUID.randomUUID();
    compliance.postBytes("/api/v1/policies", bundle(revision, closes(network)), "application/gzip");

    Response report =
        compliance.post(
            "/api/v1/policies/" + revision + "/replay", Map.of("window", "PT1H", "limit", 10000));

    assertThat(report.status()).as(report.body()).isEqualTo(200);
    JsonNode r = report.json();
    assertThat(r.get("newlyDenied").asInt()).as(report.body()).isEqualTo(1);
    assertThat(r.get("newlyAllowed").asInt()).isZero();
    assertThat(r.get("newlyDenied").asInt() + r.get("unchanged").asInt() + r.get("skipped").asInt())
        .isEqualTo(r.get("examined").asInt());
    assertThat(r.get("byNetwork").get(network).get("newlyDenied").asInt()).isEqualTo(1);
    assertThat(r.get("byReason").get("test.network_closed").get("newlyDenied").asInt())
        .isEqualTo(1);
    JsonNode example = r.get("examples").get(0);
    assertThat(example.get("eventId").asString()).isEqualTo(offerEvent);
    assertThat(example.get("liveAllow").asBoolean()).isTrue();
    assertThat(example.get("draftAllow").asBoolean()).isFalse();
    assertThat(example.get("draftReasons").valueStream().map(JsonNode::asString))
        .containsExactly("test.network_closed");
  }

  @Test
  void aReplayAppliesAConsentGrantedAgainSinceTheDecisionAsInForceWhenItWasMade() {
    String network = openNetwork();
    String offerEvent = allowedOfferInto(network);
    // the member grants again after the decision: the current grant is younger than the decision
    Response regranted =
        as(keyFor(Role.SERVICE, network))
            .put("/api/v1/members/m-" + network + "/consents/offers", Map.of());
    assertThat(regranted.status()).as(regranted.body()).isEqualTo(200);
    String revision = "replay-regranted-" + UUID.randomUUID();
    compliance.postBytes("/api/v1/policies", bundle(revision, closes(network)), "application/gzip");

    Response report =
        compliance.post(
            "/api/v1/policies/" + revision + "/replay", Map.of("window", "PT1H", "limit", 10000));

    assertThat(report.status()).as(report.body()).isEqualTo(200);
    assertThat(report.json().get("byNetwork").path(network).path("newlyDenied").asInt())
        .as(report.body())
        .isEqualTo(1);
    assertThat(report.json().get("examples").valueStream())
        .filteredOn(e -> e.get("eventId").asString().equals(offerEvent))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.get("liveAllow").asBoolean()).isTrue();
              assertThat(e.get("liveReasons").isEmpty()).isTrue();
            });
  }

  @Test
  void aReplayUnderTheLiveRulesChangesNothing() {
    String network = openNetwork();
    allowedOfferInto(network);
    String revision = "replay-same-" + UUID.randomUUID();
    compliance.postBytes("/api/v1/policies", bundle(revision, null), "application/gzip");

    Response report =
        compliance.post(
            "/api/v1/policies/" + revision + "/replay", Map.of("window", "PT1H", "limit", 10000));

    assertThat(report.status()).as(report.body()).isEqualTo(200);
    JsonNode r = report.json();
    assertThat(r.get("newlyDenied").asInt()).as(report.body()).isZero();
    assertThat(r.get("newlyAllowed").asInt()).isZero();
    assertThat(r.get("unchanged").asInt()).isPositive();
    assertThat(r.get("unchanged").asInt() + r.get("skipped").asInt())
        .isEqualTo(r.get("examined").asInt());
    assertThat(r.get("approximations").size()).isPositive();
  }

  @Test
  void theOpaDataApiAnswersTheLiveDecisionWithADecisionId() {
    String network = openNetwork();
    GatewayHttp service = as(keyFor(Role.SERVICE, network));

    Response allowed =
        service.post("/v1/data/lattice/decision", Map.of("input", offerInput(network, true)));
    Response denied =
        service.post("/v1/data/lattice/decision", Map.of("input", offerInput(network, false)));

    assertThat(allowed.status()).as(allowed.body()).isEqualTo(200);
    assertThat(allowed.json().get("result").get("allow").asBoolean()).isTrue();
    assertThat(codes(allowed.json().get("result"))).isEmpty();
    assertThat(allowed.json().get("decision_id").asString()).isNotBlank();
    assertThat(denied.json().get("result").get("allow").asBoolean()).isFalse();
    assertThat(codes(denied.json().get("result"))).containsExactly("consent.purpose_not_granted");
    assertThat(denied.json().get("decision_id").asString())
        .isNotEqualTo(allowed.json().get("decision_id").asString());
  }

  @Test
  void theOpaDataApiLeavesOutResultForAnUndefinedDocument() {
    Response response = compliance.post("/v1/data/lattice/no_such_rule", Map.of("input", Map.of()));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().has("result")).isFalse();
    assertThat(response.json().has("decision_id")).isTrue();
  }

  @Test
  void theOpaDataApiAnswersARuleAtItsDefaultFalseAsOpaDoes() {
    // an input with no event type is denied: data.lattice.allow is its default, false
    Response response = compliance.post("/v1/data/lattice/allow", Map.of("input", Map.of()));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().has("result")).as(response.body()).isTrue();
    assertThat(response.json().get("result").isBoolean()).as(response.body()).isTrue();
    assertThat(response.json().get("result").asBoolean()).isFalse();
  }

  @Test
  void theOpaDataApiAnswersTheGetFormWithItsUrlEncodedInputAsThePostFormDoes() {
    String input =
        java.net.URLEncoder.encode(
            "{\"event\": {\"type\": \"offer\"}}", java.nio.charset.StandardCharsets.UTF_8);

    Response byGet = compliance.get("/v1/data/lattice/flow/type?input=" + input);
    Response noInput = compliance.get("/v1/data/lattice/allow");
    Response malformed = compliance.get("/v1/data/lattice/allow?input=%7Bnot-json");

    assertThat(byGet.status()).as(byGet.body()).isEqualTo(200);
    assertThat(byGet.json().get("result").asString()).isEqualTo("offer");
    assertThat(noInput.status()).as(noInput.body()).isEqualTo(200);
    assertThat(noInput.json().get("result").asBoolean()).isFalse();
    assertThat(malformed.status()).as(malformed.body()).isEqualTo(400);
    assertThat(malformed.json().get("errors").get(0).get("path").asString()).isEqualTo("input");
  }

  @Test
  void theDecisionDocumentWithoutAnInputObjectIsADenyWithReasonsAsOpaAnswersIt() {
    // OPA evaluates data.lattice.decision over an undefined (or non-object) input too; the default
    // bundle then denies with the unknown event type among its reasons
    Response byGet = compliance.get("/v1/data/lattice/decision");
    Response noInput = compliance.post("/v1/data/lattice/decision", Map.of());
    Response stringInput = compliance.post("/v1/data/lattice/decision", Map.of("input", "x"));

    for (Response response : List.of(byGet, noInput, stringInput)) {
      assertThat(response.status()).as(response.body()).isEqualTo(200);
      JsonNode result = response.json().get("result");
      assertThat(result).as(response.body()).isNotNull();
      assertThat(result.get("allow").asBoolean()).isFalse();
      assertThat(result.get("reasons").valueStream().map(r -> r.get("code").asString()))
          .as(response.body())
          .contains("event.unknown_type");
      assertThat(result.has("obligations")).as(response.body()).isTrue();
    }
  }

  // ---------------------------------------------------------------- helpers

  /** A module that denies every flow into {@code network} (and nothing else). */
  public static String closes(String network) {
    return """
        package lattice

        import rego.v1

        reasons contains {"code": "test.network_closed", "message": "closed for this test"} if {
          input.destination.id == "%s"
        }
        """
        .formatted(network);
  }

  private static java.util.List<String> codes(JsonNode decision) {
    return decision.get("reasons").valueStream().map(r -> r.get("code").asString()).toList();
  }

  /** Registers a network of its own that accepts offers; returns once the live policy knows it. */
  private String openNetwork() {
    String network = "pol-" + UUID.randomUUID().toString().substring(0, 8);
    Response created =
        asAdmin()
            .post(
                "/api/v1/networks",
                Map.of(
                    "id",
                    network,
                    "name",
                    "Policy IT " + network,
                    "rules",
                    Map.of("offers", Map.of("accept", true))));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    GatewayHttp service = as(keyFor(Role.SERVICE, network));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                service
                    .post("/v1/data/lattice/decision", Map.of("input", offerInput(network, true)))
                    .json()
                    .get("result")
                    .get("allow")
                    .asBoolean());
    return network;
  }

  /** An offer decision input into {@code network}, with or without the member's offers consent. */
  private static Map<String, Object> offerInput(String network, boolean consented) {
    Map<String, Object> purposes =
        consented
            ? Map.of(
                "offers",
                Map.of(
                    "granted",
                    true,
                    "categories",
                    java.util.List.of(),
                    "recipients",
                    java.util.List.of(),
                    "networks",
                    java.util.List.of(),
                    "legal_basis",
                    "consent"))
            : Map.of();
    return Map.of(
        "event",
        Map.of(
            "id", "sim-1",
            "type", "offer",
            "purpose", "offers",
            "source_network", network,
            "member_id", "m-sim",
            "brand_id", "acme",
            "category", "outdoor",
            "sku", "SKI-001",
            "payload", Map.of(),
            "fields", Map.of()),
        "consent",
        Map.of("member_id", "m-sim", "version", 1, "gpc", false, "purposes", purposes),
        "source_network",
        network,
        "destination",
        Map.of("kind", "network", "id", network),
        "context",
        Map.of(
            "now",
            "2026-11-23T10:00:01Z",
            "counters",
            Map.of("member_offers_24h", 0, "member_brand_offers_24h", 0),
            "purchases",
            java.util.List.of()));
  }

  /**
   * Real traffic: a member of {@code network} consents to offers and an offer reaches them. Returns
   * the offer's event id once its (allowed) decision is recorded.
   */
  private String allowedOfferInto(String network) {
    GatewayHttp service = as(keyFor(Role.SERVICE, network));
    String member = "m-" + network;
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    Response seen =
        service.post(
            "/api/v1/events/member-data",
            """
            {"header": {"event_id": "md-%s", "event_type": "member_data", "source_network": "%s",
                        "subject_member": "%s", "occurred_at": "2026-11-23T10:00:00Z"},
             "purpose": "analytics", "kind": "profile", "personal": {"interests": ["skiing"]}}
            """
                .formatted(suffix, network, member));
    assertThat(seen.status()).as(seen.body()).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                service
                    .get("/api/v1/members/" + member + "/activity")
                    .json()
                    .path("networks")
                    .has(network));
    Response granted = service.put("/api/v1/members/" + member + "/consents/offers", Map.of());
    assertThat(granted.status()).as(granted.body()).isEqualTo(200);
    String offerEvent = "offer-" + suffix;
    // The brand must be registered (it has an output topic), or the offer is denied as unknown.
    assertThat(asAdmin().post("/api/v1/brands", Map.of("id", "acme", "name", "Acme")).status())
        .isIn(201, 409);
    // Brands publish their own offers (a SERVICE key may not).
    Response offered =
        as(keyFor(Role.BRAND, "acme"))
            .post(
                "/api/v1/events/offers",
                """
            {"header": {"event_id": "%s", "event_type": "offer", "source_network": "%s",
                        "occurred_at": "2026-11-23T10:00:00Z"},
             "offer_id": "o-%s", "brand": "acme", "sku": "SKI-001", "category": "outdoor",
             "creative": {"headline": "New skis"}, "target_networks": ["%s"],
             "valid_from": "2026-01-01T00:00:00Z", "valid_until": "2030-01-01T00:00:00Z"}
            """
                    .formatted(offerEvent, network, suffix, network));
    assertThat(offered.status()).as(offered.body()).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> !compliance.get("/api/v1/decisions?eventId=" + offerEvent).json().isEmpty());
    JsonNode decision = compliance.get("/api/v1/decisions?eventId=" + offerEvent).json().get(0);
    assertThat(decision.get("allow").asBoolean()).as(decision.toString()).isTrue();
    return offerEvent;
  }
}
