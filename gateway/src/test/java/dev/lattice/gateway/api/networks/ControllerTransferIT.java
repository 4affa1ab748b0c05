package dev.lattice.gateway.api.networks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.gateway.security.Role;
import dev.lattice.gateway.support.GatewayHttp;
import dev.lattice.gateway.support.GatewayHttp.Response;
import dev.lattice.gateway.support.GatewayIntegrationTest;
import dev.lattice.gateway.support.TopicReader;
import dev.lattice.schemas.AvroCodec;
import dev.lattice.schemas.TopicCatalogue;
import dev.lattice.schemas.avro.NoticeRecord;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Build, buy, transit over HTTP with the real broker and topology: a brand-built network, a network
 * whose members consented under its founding association, its acquisition by the brand's
 * organisation (started by an ADMIN, confirmed by the network's own admin), the effect on decisions
 * (flows to the new controller's brand denied {@code consent.controller_changed}, a flow to another
 * brand unaffected), one notice per member, and the re-confirmation that allows the flow again.
 */
class ControllerTransferIT extends GatewayIntegrationTest {

  private static final String SKI = "tr-ski";
  private static final String HUB = "tr-acme-hub";
  private static final String ACME = "tr-acme";
  private static final String OTHER = "tr-other";
  private static final String GROUP = "tr-acme-group";

  static String memberData(String eventId, String member) {
    return """
        {"header": {"event_id": "%s", "event_type": "member_data", "source_network": "%s",
                    "subject_member": "%s", "occurred_at": "2026-11-23T10:00:00Z"},
         "purpose": "analytics", "kind": "profile",
         "personal": {"display_name": "Ann", "interests": ["skiing"]}}
        """
        .formatted(eventId, SKI, member);
  }

  private static Map<String, Object> skiRules() {
    return Map.of(
        "export",
        Map.of(
            "brands", List.of(ACME, OTHER),
            "purposes", List.of("analytics"),
            "categories", List.of("profile", "interests")));
  }

  @Test
  void anAcquisitionStopsFlowsToTheNewControllerUntilMembersReconfirm() {
    GatewayHttp admin = asAdmin();
    GatewayHttp service = as(keyFor(Role.SERVICE, SKI));
    GatewayHttp compliance = as(keyFor(Role.COMPLIANCE, null));
    GatewayHttp skiAdmin = as(keyFor(Role.NETWORK_ADMIN, SKI));
    GatewayHttp hubAdmin = as(keyFor(Role.NETWORK_ADMIN, HUB));

    // Given two brands, a network acme built for itself and a network of a ski association
    assertThat(admin.post("/api/v1/brands", Map.of("id", ACME, "name", "Acme")).status())
        .isEqualTo(201);
    assertThat(admin.post("/api/v1/brands", Map.of("id", OTHER, "name", "Other")).status())
        .isEqualTo(201);
    Response hub =
        admin.post(
            "/api/v1/networks",
            Map.of(
                "id",
                HUB,
                "name",
                "Acme Hub",
                "rules",
                Map.of(),
                "controller",
                Map.of(
                    "organisation", GROUP,
                    "brand", ACME,
                    "privacy_contact", "privacy@acme.example")));
    assertThat(hub.status()).as(hub.body()).isEqualTo(201);
    assertThat(hub.json().get("controller").get("brand").asString()).isEqualTo(ACME);
    Response ski =
        admin.post(
            "/api/v1/networks",
            Map.of(
                "id",
                SKI,
                "name",
                "Ski Club",
                "rules",
                skiRules(),
                "controller",
                Map.of(
                    "organisation", "tr-ski-assoc",
                    "privacy_contact", "https://ski.example/privacy")));
    assertThat(ski.status()).as(ski.body()).isEqualTo(201);

    // and two members who consented to analytics through the ski club's app
    for (String member : List.of("tr-m1", "tr-m2")) {
      assertThat(
              service
                  .post("/api/v1/events/member-data", memberData(member + "-e0", member))
                  .status())
          .isEqualTo(202);
      Response granted = service.put("/api/v1/members/" + member + "/consents/analytics", Map.of());
      assertThat(granted.status()).as(granted.body()).isIn(200, 202);
      assertThat(granted.json().get("dataController").asString()).isEqualTo("tr-ski-assoc");
    }

    // Before the transfer: both brands receive the member's data
    service.post("/api/v1/events/member-data", memberData("tr-e1", "tr-m1"));
    assertThat(outcomes(compliance, "tr-e1"))
        .containsEntry(ACME, "allow")
        .containsEntry(OTHER, "allow");

    // When an ADMIN starts the transfer to acme's organisation and the ski club's admin confirms
    Map<String, Object> to =
        Map.of("organisation", GROUP, "brand", ACME, "privacy_contact", "privacy@acme.example");
    assertThat(skiAdmin.post("/api/v1/networks/" + SKI + "/transfer", Map.of("to", to)).status())
        .as("only an ADMIN starts a transfer")
        .isEqualTo(403);
    Response started = admin.post("/api/v1/networks/" + SKI + "/transfer", Map.of("to", to));
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    String transferId = started.json().get("transferPending").get("id").asString();
    String confirm = "/api/v1/networks/" + SKI + "/transfer/" + transferId + "/confirm";
    assertThat(admin.post(confirm, Map.of()).status())
        .as("the ADMIN who started it cannot confirm it")
        .isEqualTo(403);
    assertThat(hubAdmin.post(confirm, Map.of()).status())
        .as("another network's admin cannot confirm it")
        .isEqualTo(403);
    assertThat(
            skiAdmin
                .post("/api/v1/networks/" + SKI + "/transfer/trf-unknown/confirm", Map.of())
                .status())
        .isEqualTo(404);
    Response confirmed = skiAdmin.post(confirm, Map.of());
    assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);
    JsonNode controller = confirmed.json().get("controller");
    assertThat(controller.get("organisation").asString()).isEqualTo(GROUP);
    assertThat(controller.get("previous").asString()).isEqualTo("tr-ski-assoc");
    assertThat(confirmed.json().get("transferPending").isNull()).isTrue();

    // Then the member's data no longer reaches acme, and still reaches the other brand
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              String id = "tr-e2-" + System.nanoTime();
              service.post("/api/v1/events/member-data", memberData(id, "tr-m1"));
              return "consent.controller_changed".equals(outcomes(compliance, id).get(ACME));
            });
    service.post("/api/v1/events/member-data", memberData("tr-e3", "tr-m1"));
    assertThat(outcomes(compliance, "tr-e3"))
        .containsEntry(ACME, "consent.controller_changed")
        .containsEntry(OTHER, "allow");

    // and every member got exactly one notice naming the new controller and where to object
    await().atMost(Duration.ofSeconds(30)).until(() -> notices().size() >= 2);
    service.post("/api/v1/events/member-data", memberData("tr-e4", "tr-m2"));
    outcomes(compliance, "tr-e4"); // the topology has gone on since
    List<NoticeRecord> notices = notices();
    assertThat(notices)
        .extracting(NoticeRecord::getMemberId)
        .containsExactlyInAnyOrder("tr-m1", "tr-m2");
    assertThat(notices)
        .allSatisfy(
            n -> {
              assertThat(n.getNewController()).isEqualTo(GROUP);
              assertThat(n.getPrivacyContact()).isEqualTo("privacy@acme.example");
              assertThat(n.getTransferId()).isEqualTo(transferId);
            });

    // When the network's app relays that tr-m1 re-confirmed for the new controller
    Response reconfirmed =
        service.post(
            "/api/v1/networks/" + SKI + "/consents/reconfirm",
            Map.of("members", List.of("tr-m1"), "purposes", List.of("analytics")));
    assertThat(reconfirmed.status()).as(reconfirmed.body()).isEqualTo(202);
    assertThat(reconfirmed.json().get("controller").asString()).isEqualTo(GROUP);

    // Then tr-m1's data reaches acme again; tr-m2, who did not, stays protected
    service.post("/api/v1/events/member-data", memberData("tr-e5", "tr-m1"));
    service.post("/api/v1/events/member-data", memberData("tr-e6", "tr-m2"));
    assertThat(outcomes(compliance, "tr-e5"))
        .containsEntry(ACME, "allow")
        .containsEntry(OTHER, "allow");
    assertThat(outcomes(compliance, "tr-e6")).containsEntry(ACME, "consent.controller_changed");

    // And the ski club's admin sees what left its network, per brand, purpose and category
    Response flows = skiAdmin.get("/api/v1/networks/" + SKI + "/flows");
    assertThat(flows.status()).as(flows.body()).isEqualTo(200);
    JsonNode toAcme = flow(flows.json(), ACME, "interests");
    assertThat(toAcme.get("purpose").asString()).isEqualTo("analytics");
    assertThat(toAcme.get("allowed").asLong()).isGreaterThanOrEqualTo(2);
    assertThat(toAcme.get("deniedBy").get("consent.controller_changed").asLong())
        .isGreaterThanOrEqualTo(3);
    JsonNode toOther = flow(flows.json(), OTHER, "interests");
    assertThat(toOther.get("deniedBy").has("consent.controller_changed")).isFalse();
    assertThat(toOther.get("denied").asLong())
        .as("only the two events sent before the members consented")
        .isEqualTo(2);
    assertThat(flows.body()).doesNotContain("tr-m1").doesNotContain("tr-m2");
    assertThat(compliance.get("/api/v1/networks/" + SKI + "/flows").status()).isEqualTo(200);
    assertThat(hubAdmin.get("/api/v1/networks/" + SKI + "/flows").status())
        .as("another network's admin")
        .isEqualTo(403);
    assertThat(service.get("/api/v1/networks/" + SKI + "/flows").status()).isEqualTo(403);
    assertThat(as(keyFor(Role.BRAND, ACME)).get("/api/v1/networks/" + SKI + "/flows").status())
        .isEqualTo(403);
    assertThat(skiAdmin.get("/api/v1/networks/" + SKI + "/flows?from=yesterday").status())
        .isEqualTo(400);
  }

  private static JsonNode flow(JsonNode report, String destination, String category) {
    return report
        .get("flows")
        .valueStream()
        .filter(f -> f.get("destinationId").asString().equals(destination))
        .filter(f -> f.get("category").asString().equals(category))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no flow to " + destination + " in " + report));
  }

  @Test
  void aControllerIsValidatedWithAPathForEveryProblem() {
    Response bad =
        asAdmin()
            .post(
                "/api/v1/networks",
                Map.of(
                    "id",
                    "tr-bad",
                    "name",
                    "Bad",
                    "rules",
                    Map.of("controller", Map.of("organisation", "x")),
                    "controller",
                    Map.of(
                        "organisation",
                        "",
                        "brand",
                        "tr-no-such-brand",
                        "privacy_contact",
                        "nope")));

    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("errors").valueStream().map(e -> e.get("path").asString()))
        .contains(
            "$.controller.organisation",
            "$.controller.brand",
            "$.controller.privacy_contact",
            "$.rules.controller");
    // (fields that are there but wrong are not "required": the message says what they must be)
    assertThat(
            bad.json()
                .get("errors")
                .valueStream()
                .filter(e -> e.get("path").asString().startsWith("$.controller.")))
        .allSatisfy(e -> assertThat(e.get("message").asString()).doesNotStartWith("is required"));
  }

  @Test
  void aTransferConfirmedAfterItsExpiryIsGoneAndChangesNothing() {
    GatewayHttp admin = asAdmin();
    assertThat(
            admin
                .post(
                    "/api/v1/networks",
                    Map.of(
                        "id",
                        "tr-expiring",
                        "name",
                        "Expiring",
                        "rules",
                        Map.of(),
                        "controller",
                        Map.of("organisation", "tr-founders", "privacy_contact", "dpo@x.example")))
                .status())
        .isEqualTo(201);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("to", Map.of("organisation", "tr-buyer", "privacy_contact", "dpo@buyer.example"));
    body.put("expiresIn", "PT0.5S");
    Response started = admin.post("/api/v1/networks/tr-expiring/transfer", body);
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    String confirm =
        "/api/v1/networks/tr-expiring/transfer/"
            + started.json().get("transferPending").get("id").asString()
            + "/confirm";

    GatewayHttp networkAdmin = as(keyFor(Role.NETWORK_ADMIN, "tr-expiring"));
    await()
        .pollDelay(Duration.ofMillis(600))
        .atMost(Duration.ofSeconds(30))
        .until(() -> networkAdmin.post(confirm, Map.of()).status() == 410);
    assertThat(
            admin
                .get("/api/v1/networks/tr-expiring")
                .json()
                .get("controller")
                .get("organisation")
                .asString())
        .isEqualTo("tr-founders");
  }

  /** Destination id → "allow" or the deny's reason codes, once the event's decisions are there. */
  private static Map<String, String> outcomes(GatewayHttp compliance, String eventId) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> compliance.get("/api/v1/decisions?eventId=" + eventId).json().size() >= 2);
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode d : compliance.get("/api/v1/decisions?eventId=" + eventId).json()) {
      out.put(
          d.get("destination").get("id").asString(),
          d.get("allow").asBoolean()
              ? "allow"
              : String.join(
                  ",", d.get("reasons").valueStream().map(r -> r.get("code").asString()).toList()));
    }
    return out;
  }

  private List<NoticeRecord> notices() {
    AvroCodec<NoticeRecord> codec = AvroCodec.of(NoticeRecord.class);
    return TopicReader.readAll(kafka.clientProperties(), TopicCatalogue.NOTICES.name()).stream()
        .map(r -> codec.decode(r.value()))
        .filter(n -> n.getNetworkId().equals(SKI))
        .toList();
  }
}
