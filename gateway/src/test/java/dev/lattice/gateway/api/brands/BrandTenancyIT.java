package dev.lattice.gateway.api.brands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.gateway.security.Role;
import dev.lattice.gateway.support.GatewayHttp;
import dev.lattice.gateway.support.GatewayHttp.Response;
import dev.lattice.gateway.support.GatewayIntegrationTest;
import dev.lattice.gateway.support.SseClient;
import dev.lattice.schemas.AvroCodec;
import dev.lattice.schemas.TopicCatalogue;
import dev.lattice.schemas.avro.InsightRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * Two brands, {@code tenant-a} and {@code tenant-b}, whose offers reach the same consenting member
 * of one network. Each brand publishes its own offers with its own key; each sees its own
 * deliveries and insights and none of the other's — asserted on the data, not only on statuses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrandTenancyIT extends GatewayIntegrationTest {

  private static final String NETWORK = "bt-net";
  private static final String MEMBER = "bt-member";
  private GatewayHttp brandA;
  private GatewayHttp brandB;
  private String keyA;
  private String keyB;

  @BeforeAll
  void twoBrandsAndAConsentingMember() {
    GatewayHttp admin = asAdmin();
    admin.post(
        "/api/v1/networks",
        Map.of(
            "id",
            NETWORK,
            "name",
            "Brand tenancy",
            "rules",
            Map.of(
                "offers",
                Map.of(
                    "accept",
                    true,
                    "brands_allow",
                    List.of("tenant-a", "tenant-b"),
                    "frequency_cap",
                    Map.of("per_member_24h", 100, "per_member_brand_24h", 100)))));
    admin.post("/api/v1/brands", Map.of("id", "tenant-a", "name", "A"));
    admin.post("/api/v1/brands", Map.of("id", "tenant-b", "name", "B"));
    keyA = keyFor(Role.BRAND, "tenant-a");
    keyB = keyFor(Role.BRAND, "tenant-b");
    brandA = as(keyA);
    brandB = as(keyB);
    GatewayHttp service = as(keyFor(Role.SERVICE, NETWORK));
    service.post(
        "/api/v1/events/member-data",
        """
        {"header": {"event_id": "bt-md-%s", "event_type": "member_data", "source_network": "%s",
                    "subject_member": "%s", "occurred_at": "2026-11-23T10:00:00Z"},
         "purpose": "analytics", "kind": "profile", "personal": {"interests": ["maps"]}}
        """
            .formatted(UUID.randomUUID(), NETWORK, MEMBER));
    service.put("/api/v1/members/" + MEMBER + "/consents/offers", Map.of("recipients", List.of()));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                service
                    .get("/api/v1/members/" + MEMBER + "/activity")
                    .json()
                    .get("networks")
                    .has(NETWORK));
  }

  static String offer(String brand, String offerId) {
    return """
        {"header": {"event_id": "bt-%s", "event_type": "offer", "source_network": "%s",
                    "occurred_at": "2026-11-23T10:00:00Z"},
         "offer_id": "%s", "brand": "%s", "sku": "SKU-%s", "category": "outdoor",
         "creative": {"headline": "From %s"}, "target_networks": ["%s"],
         "valid_from": "2026-01-01T00:00:00Z", "valid_until": "2030-01-01T00:00:00Z"}
        """
        .formatted(UUID.randomUUID(), NETWORK, offerId, brand, brand, brand, NETWORK);
  }

  @Test
  void eachBrandsStreamCarriesItsOwnDeliveriesAndNoneOfTheOthers() {
    String offerA = "bt-offer-a-" + UUID.randomUUID();
    String offerB = "bt-offer-b-" + UUID.randomUUID();
    try (SseClient streamA =
            new SseClient(http().uri("/api/v1/brands/tenant-a/deliveries?from=earliest"), keyA);
        SseClient streamB =
            new SseClient(http().uri("/api/v1/brands/tenant-b/deliveries?from=earliest"), keyB)) {
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> !streamA.events("ready").isEmpty() && !streamB.events("ready").isEmpty());

      assertThat(brandA.post("/api/v1/events/offers", offer("tenant-a", offerA)).status())
          .isEqualTo(202);
      assertThat(brandB.post("/api/v1/events/offers", offer("tenant-b", offerB)).status())
          .isEqualTo(202);

      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> delivered(streamA).contains(offerA) && delivered(streamB).contains(offerB));
      // Both offers went to the same member of the same network: B's delivery exists, and A's
      // stream, which has seen A's delivery made after or alongside it, carries none of B's.
      assertThat(streamA.events("delivery"))
          .allSatisfy(e -> assertThat(json(e).get("brand").asString()).isEqualTo("tenant-a"));
      assertThat(delivered(streamA)).doesNotContain(offerB);
      assertThat(streamB.events("delivery"))
          .allSatisfy(e -> assertThat(json(e).get("brand").asString()).isEqualTo("tenant-b"));
      assertThat(delivered(streamB)).doesNotContain(offerA);
    }
  }

  private static List<String> delivered(SseClient stream) {
    return stream.events("delivery").stream().map(e -> json(e).get("offer_id").asString()).toList();
  }

  private static JsonNode json(SseClient.Event event) {
    return GatewayHttp.JSON.readTree(event.data());
  }

  @Test
  void eachBrandsInsightsHoldItsOwnRecordsOnlyEvenWhenAnotherBrandsRecordIsMisrouted() {
    String marker = "bt-cat-" + UUID.randomUUID();
    publishInsight("tenant-a", "tenant-a", marker);
    publishInsight("tenant-b", "tenant-b", marker);
    // A record of brand B that landed on brand A's topic must still not be shown to A.
    publishInsight("tenant-a", "tenant-b", marker);

    Response insightsA = brandA.get("/api/v1/brands/tenant-a/insights");
    Response insightsB = brandB.get("/api/v1/brands/tenant-b/insights");

    assertThat(insightsA.status()).isEqualTo(200);
    assertThat(insightsB.status()).isEqualTo(200);
    assertThat(brands(insightsA, marker)).containsExactly("tenant-a");
    assertThat(brands(insightsB, marker)).containsExactly("tenant-b");
  }

  private static List<String> brands(Response insights, String marker) {
    return insights
        .json()
        .get("releases")
        .valueStream()
        .filter(i -> i.get("category").asString().equals(marker))
        .map(i -> i.get("brand").asString())
        .toList();
  }

  private void publishInsight(String topicBrand, String recordBrand, String category) {
    InsightRecord record =
        InsightRecord.newBuilder()
            .setBrand(recordBrand)
            .setNetwork(NETWORK)
            .setCategory(category)
            .setWindowStart(Instant.parse("2026-11-23T10:00:00Z"))
            .setWindowEnd(Instant.parse("2026-11-23T11:00:00Z"))
            .setMetric("deliveries")
            .setNoisyCount(12)
            .setEpsilon(0.5)
            .build();
    Map<String, Object> props = new HashMap<>(kafka.clientProperties());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
      producer.send(
          new ProducerRecord<>(
              TopicCatalogue.brandOutput(topicBrand).name(),
              recordBrand,
              AvroCodec.of(InsightRecord.class).encode(record)));
      producer.flush();
    }
  }

  @Test
  void aBrandCannotReadAnotherBrandsInsights() {
    assertThat(brandA.get("/api/v1/brands/tenant-a/insights").status()).isEqualTo(200);
    assertThat(brandA.get("/api/v1/brands/tenant-b/insights").status()).isEqualTo(403);
  }

  @Test
  void aBrandCannotOpenAnotherBrandsDeliveryStream() {
    try (SseClient other = new SseClient(http().uri("/api/v1/brands/tenant-b/deliveries"), keyA)) {
      assertThat(other.status()).isEqualTo(403);
    }
  }

  @Test
  void aBrandCannotSeeOrChangeAnotherBrand() {
    assertThat(brandA.get("/api/v1/brands/tenant-b").status()).isEqualTo(403);
    assertThat(
            brandA
                .post("/api/v1/brands/tenant-b/subscriptions", Map.of("networks", List.of(NETWORK)))
                .status())
        .isEqualTo(403);
    assertThat(brandA.get("/api/v1/brands").status()).isEqualTo(403);
  }

  @Test
  void aBrandCannotPublishOffersInAnotherBrandsName() {
    Response response =
        brandA.post("/api/v1/events/offers", offer("tenant-b", "bt-forged-" + UUID.randomUUID()));

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.json().get("errors").get(0).get("path").asString()).isEqualTo("$.brand");
  }

  @Test
  void aBrandManagesItsOwnSubscriptions() {
    var subscribed =
        brandA.post(
            "/api/v1/brands/tenant-a/subscriptions",
            Map.of("networks", List.of(NETWORK), "categories", List.of("outdoor")));

    assertThat(subscribed.status()).as(subscribed.body()).isEqualTo(201);
    String id =
        subscribed
            .json()
            .get("subscriptions")
            .valueStream()
            .map(s -> s.get("id").asString())
            .reduce((first, last) -> last)
            .orElseThrow();
    assertThat(brandA.delete("/api/v1/brands/tenant-a/subscriptions/" + id).status())
        .isEqualTo(200);
  }

  @Test
  void aSubscriptionNamingUnknownNetworksIs400ListingEach() {
    var refused =
        brandA.post(
            "/api/v1/brands/tenant-a/subscriptions",
            Map.of("networks", List.of("ghost-1", "ghost-2")));

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().get("errors").valueStream().map(e -> e.get("path").asString()))
        .containsExactly("$.networks[0]", "$.networks[1]");
  }

  @Test
  void aBrandIdIsValidated() {
    var response = asAdmin().post("/api/v1/brands", Map.of("id", "no spaces", "name", ""));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("errors").valueStream().map(e -> e.get("path").asString()))
        .containsExactly("$.id", "$.name");
  }
}
