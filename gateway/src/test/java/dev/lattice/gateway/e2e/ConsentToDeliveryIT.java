package dev.lattice.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.gateway.events.MemberKeyring;
import dev.lattice.gateway.security.Role;
import dev.lattice.gateway.support.GatewayHttp;
import dev.lattice.gateway.support.GatewayHttp.Response;
import dev.lattice.gateway.support.GatewayIntegrationTest;
import dev.lattice.gateway.support.SseClient;
import dev.lattice.gateway.support.TopicReader;
import dev.lattice.schemas.AvroCodec;
import dev.lattice.schemas.TopicCatalogue;
import dev.lattice.schemas.avro.OfferDelivery;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The whole path over HTTP with a real broker and the real topology: networks and a brand are
 * created, a member consents, an offer reaches the brand's stream and the network's output topic;
 * after a confirmed withdrawal the next offer is denied, its decision says why, and it never
 * appears on the stream or the output topic (checked after a later offer got through); after
 * erasure the export holds nothing readable.
 */
class ConsentToDeliveryIT extends GatewayIntegrationTest {

  private static final String MEMBER = "m-e2e-erasable-7";
  private static final String EMAIL = "skier@e2e.example";
  private static final String NAME = "Skier McE2e";
  private static final String BOUGHT_SKU = "SKU-PRIVATE-77";

  static String purchase(String eventId) {
    return """
        {"header": {"event_id": "%s", "event_type": "purchase", "source_network": "alpine",
                    "subject_member": "%s", "occurred_at": "2026-11-23T10:00:00Z"},
         "purchase_id": "pur-1", "brand": "summit", "sku": "%s", "category": "outdoor"}
        """
        .formatted(eventId, MEMBER, BOUGHT_SKU);
  }

  static String memberData(String eventId) {
    return """
        {"header": {"event_id": "%s", "event_type": "member_data", "source_network": "alpine",
                    "subject_member": "%s", "occurred_at": "2026-11-23T10:00:00Z"},
         "purpose": "analytics", "kind": "profile",
         "personal": {"display_name": "%s", "email": "%s", "interests": ["skiing"]}}
        """
        .formatted(eventId, MEMBER, NAME, EMAIL);
  }

  static String offer(String eventId, String offerId) {
    return """
        {"header": {"event_id": "%s", "event_type": "offer", "source_network": "alpine",
                    "occurred_at": "2026-11-23T10:00:00Z"},
         "offer_id": "%s", "brand": "summit", "sku": "SKI-001", "category": "outdoor",
         "creative": {"headline": "New skis"}, "target_networks": ["alpine"],
         "valid_from": "2026-01-01T00:00:00Z", "valid_until": "2030-01-01T00:00:00Z"}
        """
        .formatted(eventId, offerId);
  }

  @Autowired MemberKeyring keyring;

  private static Map<String, byte[]> needles(byte[] rawKey) {
    Map<String, byte[]> needles = new java.util.LinkedHashMap<>();
    needles.put("id", MEMBER.getBytes(StandardCharsets.UTF_8));
    needles.put("email", EMAIL.getBytes(StandardCharsets.UTF_8));
    needles.put("name", NAME.getBytes(StandardCharsets.UTF_8));
    needles.put("purchased sku", BOUGHT_SKU.getBytes(StandardCharsets.UTF_8));
    needles.put("unwrapped key", rawKey);
    return needles;
  }

  @Test
  void consentGatesOfferDeliveryAndErasureLeavesNothingReadable() {
    GatewayHttp admin = asAdmin();
    GatewayHttp service = as(keyFor(Role.SERVICE, "alpine"));
    GatewayHttp compliance = as(keyFor(Role.COMPLIANCE, null));
    String brandKey = keyFor(Role.BRAND, "summit");
    GatewayHttp brand = as(brandKey);

    // Given two networks and a brand
    Response alpine =
        admin.post(
            "/api/v1/networks",
            Map.of(
                "id", "alpine",
                "name", "Alpine Club",
                "rules",
                    Map.of(
                        "offers",
                        Map.of(
                            "accept", true,
                            "brands_allow", List.of("summit"),
                            "frequency_cap",
                                Map.of("per_member_24h", 10, "per_member_brand_24h", 10)))));
    assertThat(alpine.status()).as(alpine.body()).isEqualTo(201);
    assertThat(
            admin
                .post(
                    "/api/v1/networks",
                    Map.of("id", "readers", "name", "Readers", "rules", Map.of()))
                .status())
        .isEqualTo(201);
    assertThat(admin.post("/api/v1/brands", Map.of("id", "summit", "name", "Summit Gear")).status())
        .isEqualTo(201);

    // and a member of alpine who consents to offers from summit
    assertThat(service.post("/api/v1/events/member-data", memberData("e2e-md-1")).status())
        .isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                service
                    .get("/api/v1/members/" + MEMBER + "/activity")
                    .json()
                    .get("networks")
                    .has("alpine"));
    Response granted =
        service.put(
            "/api/v1/members/" + MEMBER + "/consents/offers",
            Map.of("recipients", List.of("summit")));
    assertThat(granted.status()).as(granted.body()).isEqualTo(200);
    assertThat(granted.json().get("ledgerVersion").asLong()).isPositive();

    try (SseClient stream =
        new SseClient(http().uri("/api/v1/brands/summit/deliveries"), brandKey)) {
      await().atMost(Duration.ofSeconds(20)).until(() -> !stream.events("ready").isEmpty());

      // When an offer is ingested, it reaches the brand's stream and the network's output topic
      assertThat(brand.post("/api/v1/events/offers", offer("e2e-offer-1", "o-1")).status())
          .isEqualTo(202);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> stream.events("delivery").stream().anyMatch(e -> e.data().contains("\"o-1\"")));
      assertThat(stream.events("delivery"))
          .as(
              "the brand never learns the member's id (no identifiers granted: not even a pseudonym)")
          .allSatisfy(
              e ->
                  assertThat(e.data())
                      .doesNotContain(MEMBER)
                      .containsPattern("\"member_id\"\\s*:\\s*\"\""));
      AvroCodec<OfferDelivery> deliveries = AvroCodec.of(OfferDelivery.class);
      assertThat(
              TopicReader.readAll(
                      kafka.clientProperties(), TopicCatalogue.networkOutput("alpine").name())
                  .stream()
                  .map(r -> deliveries.decode(r.value())))
          .anyMatch(d -> d.getOfferId().equals("o-1") && d.getBrand().equals("summit"));

      // When the member withdraws (confirmed: recorded in the ledger, offers no longer granted),
      Response withdrawn = service.delete("/api/v1/members/" + MEMBER + "/consents/offers");
      assertThat(withdrawn.status()).as(withdrawn.body()).isEqualTo(200);
      long withdrawnAt = withdrawn.json().get("ledgerVersion").asLong();
      assertThat(withdrawnAt).isGreaterThan(granted.json().get("ledgerVersion").asLong());
      JsonNode consents = service.get("/api/v1/members/" + MEMBER + "/consents").json();
      assertThat(consents.get("version").asLong()).isEqualTo(withdrawnAt);
      assertThat(consents.get("purposes").get("offers").get("granted").asBoolean()).isFalse();

      // the next offer is denied under that consent version and the decision explains why
      assertThat(brand.post("/api/v1/events/offers", offer("e2e-offer-2", "o-2")).status())
          .isEqualTo(202);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> !compliance.get("/api/v1/decisions?eventId=e2e-offer-2").json().isEmpty());
      JsonNode decisions = compliance.get("/api/v1/decisions?eventId=e2e-offer-2").json();
      assertThat(decisions.size()).as(decisions.toString()).isEqualTo(1);
      JsonNode decision = decisions.get(0);
      assertThat(decision.get("allow").asBoolean()).isFalse();
      assertThat(decision.get("consentVersion").asLong()).isEqualTo(withdrawnAt);
      assertThat(decision.get("reasons").valueStream().map(r -> r.get("code").asString()))
          .contains("consent.purpose_not_granted");
      assertThat(decision.get("explanation").asString())
          .startsWith("Denied")
          .contains("member has not granted offers");

      // and, once a later offer (after consenting again) has reached the stream, o-2 is in
      // neither the brand's stream nor the network's output topic: a late wrong delivery of o-2
      // would have come first (same member, same partition, same order).
      Response regranted =
          service.put(
              "/api/v1/members/" + MEMBER + "/consents/offers",
              Map.of("recipients", List.of("summit")));
      assertThat(regranted.status()).as(regranted.body()).isEqualTo(200);
      assertThat(brand.post("/api/v1/events/offers", offer("e2e-offer-3", "o-3")).status())
          .isEqualTo(202);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> stream.events("delivery").stream().anyMatch(e -> e.data().contains("\"o-3\"")));
      assertThat(stream.events("delivery")).noneMatch(e -> e.data().contains("\"o-2\""));
      assertThat(
              TopicReader.readAll(
                      kafka.clientProperties(), TopicCatalogue.networkOutput("alpine").name())
                  .stream()
                  .map(r -> deliveries.decode(r.value()).getOfferId()))
          .contains("o-1", "o-3")
          .doesNotContain("o-2");
    }

    // and the member bought a product
    assertThat(service.post("/api/v1/events/purchases", purchase("e2e-pur-1")).status())
        .isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                service.get("/api/v1/members/" + MEMBER + "/activity").json().get("events").asLong()
                    >= 2);

    byte[] rawKey = RawKeyBytes.of(keyring.find(MEMBER).orElseThrow().key());

    // When the member is erased, no API shows their email, name or purchased sku any more
    assertThat(service.post("/api/v1/members/" + MEMBER + "/erasure", "{}").status())
        .isEqualTo(202);
    // (after erasure the member belongs to no network any more: these reads are an ADMIN's)
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                admin.get("/api/v1/members/" + MEMBER + "/activity").json().get("events").asLong()
                    == 0);
    // (the member's own endpoints echo the id the caller named, nothing else of the member)
    for (Response r :
        List.of(
            admin.get("/api/v1/members/" + MEMBER + "/activity"),
            admin.get("/api/v1/members/" + MEMBER + "/export"),
            admin.get("/api/v1/members/" + MEMBER + "/consents"),
            compliance.get("/api/v1/decisions?memberId=" + MEMBER))) {
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).doesNotContain(EMAIL).doesNotContain(NAME).doesNotContain(BOUGHT_SKU);
    }
    for (Response r :
        List.of(
            compliance.get("/api/v1/decisions?eventId=e2e-md-1"),
            compliance.get("/api/v1/decisions?eventId=e2e-pur-1"),
            compliance.get("/api/v1/decisions?eventId=e2e-offer-1"),
            compliance.get("/api/v1/decisions?eventId=e2e-offer-2"),
            compliance.get("/api/v1/decisions?eventId=e2e-offer-3"),
            admin.get("/api/v1/overview"),
            admin.get("/api/v1/brands/summit"),
            brand.get("/api/v1/brands/summit/insights"),
            admin.get("/api/v1/brands"))) {
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.body())
          .doesNotContain(EMAIL)
          .doesNotContain(NAME)
          .doesNotContain(BOUGHT_SKU)
          .doesNotContain(MEMBER);
    }

    // and no topic Lattice controls (changelogs included, read with a consumer) holds the member's
    // id, email, name, purchased sku or unwrapped key, beyond the residue docs/privacy.md lists
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(ErasureWalk.hits(kafka.clientProperties(), needles(rawKey)))
                    .as("the walk reads the topics: it finds the purchase on the ingest topic")
                    .contains("lattice.ingest.purchases holds the member's purchased sku")
                    .allMatch(ErasureWalk::isDocumentedResidue));
    Response export = admin.get("/api/v1/members/" + MEMBER + "/export");
    assertThat(export.status()).isEqualTo(200);
    assertThat(export.json().get("summary").get("events").asInt()).isPositive();
    assertThat(export.json().get("summary").get("unreadable").asInt())
        .isEqualTo(export.json().get("summary").get("events").asInt());
    assertThat(export.body()).doesNotContain(EMAIL);
  }
}
