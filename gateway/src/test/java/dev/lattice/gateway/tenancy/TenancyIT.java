package dev.lattice.gateway.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.gateway.security.Role;
import dev.lattice.gateway.support.GatewayHttp;
import dev.lattice.gateway.support.GatewayHttp.Response;
import dev.lattice.gateway.support.GatewayIntegrationTest;
import dev.lattice.gateway.support.TopicReader;
import dev.lattice.schemas.AvroCodec;
import dev.lattice.schemas.TopicCatalogue;
import dev.lattice.schemas.avro.MemberDataEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Network-scoped SERVICE keys and brands publishing their own offers, over HTTP against the real
 * broker and topology: a key acts for its own tenant, and for another tenant's members gets the
 * same 404 as for a member nobody knows.
 */
class TenancyIT extends GatewayIntegrationTest {

  private GatewayHttp north;
  private GatewayHttp south;
  private GatewayHttp brand;

  @BeforeEach
  void keys() {
    // The topology records activity only for events of networks it knows.
    for (String network : List.of("t-north", "t-south")) {
      asAdmin().post("/api/v1/networks", Map.of("id", network, "name", network, "rules", Map.of()));
    }
    // A key acts for a tenant that exists (the API refuses keys for unknown ones)
    asAdmin().post("/api/v1/brands", Map.of("id", "t-brand", "name", "T"));
    north = as(keyFor(Role.SERVICE, "t-north"));
    south = as(keyFor(Role.SERVICE, "t-south"));
    brand = as(keyFor(Role.BRAND, "t-brand"));
  }

  static String memberData(String eventId, String network, String memberId, String email) {
    return """
        {"header": {"event_id": "%s", "event_type": "member_data", "source_network": "%s",
                    "subject_member": "%s", "occurred_at": "2026-11-23T10:00:00Z"},
         "purpose": "marketing", "kind": "profile",
         "personal": {"email": "%s", "interests": ["skiing"]}}
        """
        .formatted(eventId, network, memberId, email);
  }

  static String offer(String eventId, String brandId) {
    return """
        {"header": {"event_id": "%s", "event_type": "offer", "source_network": "t-north",
                    "occurred_at": "2026-11-23T10:00:00Z"},
         "offer_id": "o-%s", "brand": "%s", "sku": "SKI-1", "category": "outdoor",
         "creative": {"headline": "Skis"}, "target_networks": ["t-north"],
         "valid_from": "2026-01-01T00:00:00Z", "valid_until": "2030-01-01T00:00:00Z"}
        """
        .formatted(eventId, eventId, brandId);
  }

  private static String id() {
    return "evt-" + UUID.randomUUID();
  }

  private List<String> writtenMemberDataIds() {
    AvroCodec<MemberDataEvent> codec = AvroCodec.of(MemberDataEvent.class);
    return TopicReader.readAll(kafka.clientProperties(), TopicCatalogue.INGEST_MEMBER_DATA.name())
        .stream()
        .map(ConsumerRecord::value)
        .map(codec::decode)
        .map(e -> e.getHeader().getEventId())
        .toList();
  }

  private static List<String> exportedEventIds(Response export) {
    return export
        .json()
        .get("events")
        .valueStream()
        .map(e -> e.get("header").get("event_id").asString())
        .toList();
  }

  @Test
  void aServiceKeyIngestsTheEventsOfItsOwnNetwork() {
    Response response =
        north.post("/api/v1/events/member-data", memberData(id(), "t-north", "m-t-own", "o@x.org"));

    assertThat(response.status()).as(response.body()).isEqualTo(202);
  }

  @Test
  void aServiceKeyCannotIngestInAnotherNetworksNameAndNothingIsWritten() {
    String eventId = id();

    Response response =
        north.post(
            "/api/v1/events/member-data", memberData(eventId, "t-south", "m-t-forge", "f@x.org"));

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.json().get("errors").get(0).get("path").asString())
        .isEqualTo("$.header.source_network");
    assertThat(response.json().get("errors").get(0).get("message").asString())
        .contains("t-south", "t-north");
    assertThat(writtenMemberDataIds()).doesNotContain(eventId);
  }

  @Test
  void aBatchWithOneForeignEventIsRefusedWhole() {
    String own = id();
    String body =
        "["
            + memberData(own, "t-north", "m-t-batch", "b@x.org")
            + ","
            + memberData(id(), "t-south", "m-t-batch", "b@x.org")
            + "]";

    Response response = north.post("/api/v1/events/member-data/batch", body);

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.json().get("errors").valueStream().map(e -> e.get("path").asString()))
        .containsExactly("$[1].header.source_network");
    assertThat(writtenMemberDataIds()).doesNotContain(own);
  }

  @Test
  void aServiceKeyCannotPublishOffers() {
    assertThat(north.post("/api/v1/events/offers", offer(id(), "t-brand")).status()).isEqualTo(403);
    assertThat(
            north.post("/api/v1/events/offers/batch", "[" + offer(id(), "t-brand") + "]").status())
        .isEqualTo(403);
  }

  @Test
  void aBrandPublishesItsOwnOffersOneByOneAndInBatches() {
    Response one = brand.post("/api/v1/events/offers", offer(id(), "t-brand"));
    Response batch =
        brand.post(
            "/api/v1/events/offers/batch",
            "[" + offer(id(), "t-brand") + "," + offer(id(), "t-brand") + "]");

    assertThat(one.status()).as(one.body()).isEqualTo(202);
    assertThat(batch.status()).as(batch.body()).isEqualTo(202);
    assertThat(batch.json().get("count").asInt()).isEqualTo(2);
  }

  @Test
  void aBrandCannotPublishAnotherBrandsOffers() {
    Response response =
        brand.post(
            "/api/v1/events/offers/batch",
            "[" + offer(id(), "t-brand") + "," + offer(id(), "t-other-brand") + "]");

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.json().get("errors").valueStream().map(e -> e.get("path").asString()))
        .containsExactly("$[1].brand");
  }

  @Test
  void aBrandCannotIngestMemberData() {
    assertThat(
            brand
                .post(
                    "/api/v1/events/member-data",
                    memberData(id(), "t-north", "m-t-brand", "x@x.org"))
                .status())
        .isEqualTo(403);
  }

  @Test
  void anEventMakesTheMemberVisibleToItsNetworkAndNotToAnother() {
    String member = "m-t-" + UUID.randomUUID();
    north.post("/api/v1/events/member-data", memberData(id(), "t-north", member, "v@x.org"));
    String base = "/api/v1/members/" + member;

    assertThat(north.get(base + "/consents").status()).isEqualTo(200);
    assertThat(north.get(base + "/activity").status()).isEqualTo(200);
    assertThat(north.get(base + "/export").status()).isEqualTo(200);
    assertThat(south.get(base + "/consents").status()).isEqualTo(404);
    assertThat(south.get(base + "/activity").status()).isEqualTo(404);
    assertThat(south.get(base + "/export").status()).isEqualTo(404);
    assertThat(south.put(base + "/consents/marketing", Map.of()).status()).isEqualTo(404);
    assertThat(south.delete(base + "/consents/marketing").status()).isEqualTo(404);
    assertThat(south.post(base + "/consents/tcf", Map.of("tcString", "x")).status()).isEqualTo(404);
    assertThat(south.post(base + "/erasure", "{}").status()).isEqualTo(404);
    assertThat(north.get(base + "/consents").status()).isEqualTo(200);
  }

  @Test
  void anotherNetworksMemberLooksExactlyLikeAnUnknownMember() {
    String member = "m-t-" + UUID.randomUUID();
    north.post("/api/v1/events/member-data", memberData(id(), "t-north", member, "u@x.org"));

    Response known = south.get("/api/v1/members/" + member + "/export");
    Response unknown = south.get("/api/v1/members/m-t-nobody-" + UUID.randomUUID() + "/export");

    assertThat(known.status()).isEqualTo(unknown.status()).isEqualTo(404);
    assertThat(known.json().get("type").asString())
        .isEqualTo(unknown.json().get("type").asString());
  }

  @Test
  void aConsentForANewMemberMakesThemAMemberOfTheCallersNetwork() {
    String member = "m-t-" + UUID.randomUUID();

    Response granted =
        north.put(
            "/api/v1/members/" + member + "/consents/offers", Map.of("recipients", List.of()));

    assertThat(granted.status()).as(granted.body()).isEqualTo(200);
    assertThat(north.get("/api/v1/members/" + member + "/consents").status()).isEqualTo(200);
    assertThat(south.get("/api/v1/members/" + member + "/consents").status()).isEqualTo(404);
    assertThat(south.put("/api/v1/members/" + member + "/consents/offers", Map.of()).status())
        .isEqualTo(404);
  }

  @Test
  void aServiceKeyCannotSendConsentInAnotherNetworksName() {
    String member = "m-t-" + UUID.randomUUID();

    Response response =
        north.put(
            "/api/v1/members/" + member + "/consents/offers", Map.of("sourceNetwork", "t-south"));

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.json().get("detail").asString()).contains("t-south");
    assertThat(response.json().get("errors").get(0).get("path").asString())
        .isEqualTo("$.sourceNetwork");
  }

  @Test
  void aMemberOfTwoNetworksIsVisibleToEachForWhatThatNetworkHolds() {
    String member = "m-t-" + UUID.randomUUID();
    String fromNorth = id();
    String fromSouth = id();
    north.post("/api/v1/events/member-data", memberData(fromNorth, "t-north", member, "n@x.org"));
    south.post("/api/v1/events/member-data", memberData(fromSouth, "t-south", member, "s@x.org"));

    Response northExport = north.get("/api/v1/members/" + member + "/export");
    Response southExport = south.get("/api/v1/members/" + member + "/export");
    Response adminExport = asAdmin().get("/api/v1/members/" + member + "/export");

    assertThat(exportedEventIds(northExport)).containsExactly(fromNorth);
    assertThat(northExport.body()).contains("n@x.org").doesNotContain("s@x.org");
    assertThat(exportedEventIds(southExport)).containsExactly(fromSouth);
    assertThat(southExport.body()).contains("s@x.org").doesNotContain("n@x.org");
    assertThat(exportedEventIds(adminExport)).containsExactlyInAnyOrder(fromNorth, fromSouth);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              JsonNode activity =
                  south.get("/api/v1/members/" + member + "/activity").json().get("networks");
              assertThat(activity.propertyNames()).containsExactly("t-south");
            });
    // Nor how much the member did in the other network: the topology's count is per member
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                asAdmin()
                        .get("/api/v1/members/" + member + "/activity")
                        .json()
                        .get("events")
                        .asLong()
                    == 2);
    for (GatewayHttp network : List.of(north, south)) {
      JsonNode share = network.get("/api/v1/members/" + member + "/activity").json();
      assertThat(share.get("events").isNull()).as(share.toString()).isTrue();
      assertThat(share.get("lastSeen").asString())
          .isEqualTo(share.get("networks").properties().iterator().next().getValue().asString());
      JsonNode exported =
          network.get("/api/v1/members/" + member + "/export").json().get("activity");
      assertThat(exported.get("events").isNull()).as(exported.toString()).isTrue();
    }
  }

  @Test
  void aNetworkErasesItsMemberAndThenNoLongerSeesThem() {
    String member = "m-t-" + UUID.randomUUID();
    north.post("/api/v1/events/member-data", memberData(id(), "t-north", member, "e@x.org"));
    // (the topology has seen the event: its activity record predates the erasure)
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                north
                    .get("/api/v1/members/" + member + "/activity")
                    .json()
                    .get("networks")
                    .has("t-north"));

    Response erased = north.post("/api/v1/members/" + member + "/erasure", "{}");

    assertThat(erased.status()).as(erased.body()).isEqualTo(202);
    assertThat(erased.json().get("keyErased").asBoolean()).isTrue();
    assertThat(north.get("/api/v1/members/" + member + "/export").status()).isEqualTo(404);
    Response export = asAdmin().get("/api/v1/members/" + member + "/export");
    assertThat(export.body()).doesNotContain("e@x.org");
  }

  @Test
  void aServiceKeyQueriesDecisionsButNotBaseDataOrTestRules() {
    GatewayHttp compliance = as(keyFor(Role.COMPLIANCE, null));

    assertThat(north.post("/v1/data/lattice/decision", Map.of("input", Map.of())).status())
        .isEqualTo(200);
    for (String path :
        List.of(
            "/v1/data",
            "/v1/data/networks",
            "/v1/data/lattice",
            "/v1/data/lattice/fixtures/networks",
            // (a helper rule that is another network's rules document)
            "/v1/data/lattice/flow/src",
            "/v1/data/lattice/decision_test")) {
      Response refused = north.post(path, Map.of("input", Map.of()));
      assertThat(refused.status()).as(path).isEqualTo(403);
      assertThat(refused.json().get("detail").asString()).as(path).contains("lattice/decision");
    }
    assertThat(compliance.post("/v1/data/networks", Map.of()).status()).isEqualTo(200);
    assertThat(asAdmin().post("/v1/data", Map.of()).status()).isEqualTo(200);
  }
}
