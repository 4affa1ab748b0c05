package dev.lattice.gateway.api.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.gateway.events.MemberKeyring;
import dev.lattice.gateway.security.Role;
import dev.lattice.gateway.support.GatewayHttp;
import dev.lattice.gateway.support.GatewayHttp.Response;
import dev.lattice.gateway.support.GatewayIntegrationTest;
import dev.lattice.gateway.support.TopicReader;
import dev.lattice.schemas.AvroCodec;
import dev.lattice.schemas.PersonalRecords;
import dev.lattice.schemas.TopicCatalogue;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.MemberPersonal;
import dev.lattice.streams.PayloadCipher;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class IngestIT extends GatewayIntegrationTest {

  @Autowired MemberKeyring keyring;
  private GatewayHttp service;

  @BeforeEach
  void serviceKey() {
    // the events' source network must be registered (a second POST is a 409, which is fine)
    asAdmin().post("/api/v1/networks", Map.of("id", "ski-club", "name", "Ski", "rules", Map.of()));
    service = as(keyFor(Role.SERVICE, "ski-club"));
  }

  static String memberData(String eventId, String memberId, String email) {
    return """
        {"header": {"event_id": "%s", "event_type": "member_data", "source_network": "ski-club",
                    "subject_member": "%s", "occurred_at": "2026-11-23T10:00:00Z"},
         "purpose": "marketing", "kind": "profile",
         "personal": {"email": "%s", "interests": ["skiing"]}}
        """
        .formatted(eventId, memberId, email);
  }

  private List<MemberDataEvent> written(String eventId) {
    AvroCodec<MemberDataEvent> codec = AvroCodec.of(MemberDataEvent.class);
    return TopicReader.readAll(kafka.clientProperties(), TopicCatalogue.INGEST_MEMBER_DATA.name())
        .stream()
        .map(ConsumerRecord::value)
        .map(codec::decode)
        .filter(e -> e.getHeader().getEventId().equals(eventId))
        .toList();
  }

  @Test
  void anAcceptedEventIsWrittenWithItsPersonalPartSealedWithTheMembersKey() {
    String eventId = "evt-" + UUID.randomUUID();

    Response response =
        service.post(
            "/api/v1/events/member-data", memberData(eventId, "m-ingest-1", "a@example.org"));

    assertThat(response.status()).isEqualTo(202);
    assertThat(response.json().get("eventId").asString()).isEqualTo(eventId);
    MemberDataEvent event = written(eventId).getFirst();
    assertThat(event.getPersonal()).isNull();
    assertThat(event.getSealed()).isNotNull();
    byte[] plain =
        PayloadCipher.unseal(
            keyring.find("m-ingest-1").orElseThrow().key(),
            "m-ingest-1",
            event.getSealed().getCiphertext().array());
    assertThat(PersonalRecords.decode(plain, MemberPersonal.class).getEmail())
        .isEqualTo("a@example.org");
  }

  @Test
  void theSameEventIdTwiceIsWrittenOnce() {
    String eventId = "evt-" + UUID.randomUUID();
    service.post("/api/v1/events/member-data", memberData(eventId, "m-ingest-2", "b@example.org"));

    Response again =
        service.post(
            "/api/v1/events/member-data", memberData(eventId, "m-ingest-2", "b@example.org"));

    assertThat(again.status()).isEqualTo(202);
    assertThat(again.json().get("duplicate").asBoolean()).isTrue();
    assertThat(written(eventId)).hasSize(1);
  }

  @Test
  void anInvalidEventGets400ListingEveryFieldError() {
    String body =
        """
        {"header": {"event_type": "member_data", "source_network": "ski-club",
                    "occurred_at": "yesterday"},
         "kind": 7, "colour": "blue"}
        """;

    Response response = service.post("/api/v1/events/member-data", body);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.json().get("errors").valueStream().map(e -> e.get("path").asString()))
        .contains("$.header.event_id", "$.header.occurred_at", "$.kind", "$.colour");
  }

  @Test
  void aHeaderNumberOfAnotherTypeIsA400AtItsFieldNotA500() {
    String eventId = "evt-" + UUID.randomUUID();
    String body =
        memberData(eventId, "m-ingest-version", "v@example.org")
            .replace("\"occurred_at\"", "\"schema_version\": \"two\", \"occurred_at\"");

    Response response = service.post("/api/v1/events/member-data", body);

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.json().get("errors").get(0).get("path").asString())
        .isEqualTo("$.header.schema_version");
    assertThat(written(eventId)).isEmpty();
  }

  @Test
  void anEventWithAPurposeOutsideTheVocabularyIsRefusedAtItsField() {
    String eventId = "evt-" + UUID.randomUUID();
    String body =
        memberData(eventId, "m-ingest-purpose", "p@example.org")
            .replace("\"purpose\": \"marketing\"", "\"purpose\": \"nope\"");

    Response response = service.post("/api/v1/events/member-data", body);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("errors").get(0).get("path").asString()).isEqualTo("$.purpose");
    assertThat(written(eventId)).isEmpty();
  }

  @Test
  void aMemberEventWithoutASubjectMemberIsRefusedAtItsFieldInsteadOfQuarantinedLater() {
    String eventId = "evt-" + UUID.randomUUID();
    String body =
        """
        {"header": {"event_id": "%s", "event_type": "member_data", "source_network": "ski-club",
                    "occurred_at": "2026-11-23T10:00:00Z"},
         "purpose": "marketing", "kind": "profile"}
        """
            .formatted(eventId);

    Response response = service.post("/api/v1/events/member-data", body);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("errors").get(0).get("path").asString())
        .isEqualTo("$.header.subject_member");
    assertThat(written(eventId)).isEmpty();
  }

  @Test
  void anEventOfAnotherTypeThanThePathIsRefused() {
    String body = memberData("evt-" + UUID.randomUUID(), "m-x", "c@example.org");

    Response response = service.post("/api/v1/events/content", body);

    assertThat(response.status()).isEqualTo(400);
  }

  @Test
  void aBatchWithOneInvalidEventIsRefusedWhole() {
    String good = "evt-" + UUID.randomUUID();
    String body = "[" + memberData(good, "m-ingest-3", "d@example.org") + ", {\"kind\": 1}]";

    Response response = service.post("/api/v1/events/member-data/batch", body);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("errors").get(0).get("path").asString()).startsWith("$[1]");
    assertThat(written(good)).isEmpty();
  }

  @Test
  void aValidBatchIsAcceptedInOrder() {
    String first = "evt-" + UUID.randomUUID();
    String second = "evt-" + UUID.randomUUID();
    String body =
        "["
            + memberData(first, "m-ingest-4", "e@example.org")
            + ","
            + memberData(second, "m-ingest-4", "f@example.org")
            + "]";

    Response response = service.post("/api/v1/events/member-data/batch", body);

    assertThat(response.status()).isEqualTo(202);
    assertThat(response.json().get("count").asInt()).isEqualTo(2);
    assertThat(response.json().get("events").get(1).get("eventId").asString()).isEqualTo(second);
  }

  @Test
  void aBodyOverTheLimitGets413() {
    String big = "x".repeat(70_000);
    String body = memberData("evt-" + UUID.randomUUID(), "m-big", big);

    Response response = service.post("/api/v1/events/member-data", body);

    assertThat(response.status()).isEqualTo(413);
    assertThat(response.contentType()).startsWith("application/problem+json");
  }

  @Test
  void anUnknownEventTypeIs404() {
    assertThat(service.post("/api/v1/events/gossip", "{}").status()).isEqualTo(404);
  }

  static String offer(String brand, String targets, String validUntil) {
    return """
        {"header": {"event_id": "%s", "event_type": "offer", "source_network": "ing-net",
                    "occurred_at": "2026-11-23T10:00:00Z"},
         "offer_id": "o-ing", "brand": "%s", "sku": "SKI-1", "category": "outdoor",
         "creative": {"headline": "Skis"}, "target_networks": [%s],
         "valid_from": "2026-01-01T00:00:00Z", "valid_until": "%s"}
        """
        .formatted("evt-" + UUID.randomUUID(), brand, targets, validUntil);
  }

  @Test
  void anOfferNamingAnUnregisteredBrandOrTargetNetworkIsRefusedAtEachInsteadOfQuarantinedLater() {
    asAdmin().post("/api/v1/networks", Map.of("id", "ing-net", "name", "Ing", "rules", Map.of()));

    Response response =
        asAdmin()
            .post(
                "/api/v1/events/offers",
                offer("ing-no-brand", "\"ing-net\", \"ing-no-net\"", "2030-01-01T00:00:00Z"));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("errors").valueStream().map(e -> e.get("path").asString()))
        .containsExactly("$.brand", "$.target_networks[1]");
  }

  @Test
  void anOfferWithoutTargetNetworksOrWithAnEmptyValidityWindowIsRefusedAtItsField() {
    asAdmin().post("/api/v1/brands", Map.of("id", "ing-brand", "name", "Ing"));

    Response response =
        asAdmin().post("/api/v1/events/offers", offer("ing-brand", "", "2025-01-01T00:00:00Z"));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("errors").valueStream().map(e -> e.get("path").asString()))
        .containsExactlyInAnyOrder("$.target_networks", "$.valid_until");
  }

  @Test
  void anEventFromAnUnregisteredSourceNetworkIsRefusedAtItsFieldEvenForAnAdmin() {
    String eventId = "evt-" + UUID.randomUUID();
    String body =
        memberData(eventId, "m-ingest-ghost", "g@example.org")
            .replace("\"source_network\": \"ski-club\"", "\"source_network\": \"ing-ghost-net\"");

    Response response = asAdmin().post("/api/v1/events/member-data", body);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.json().get("errors").get(0).get("path").asString())
        .isEqualTo("$.header.source_network");
    assertThat(response.json().get("errors").get(0).get("message").asString())
        .contains("ing-ghost-net", "not registered");
    assertThat(written(eventId)).isEmpty();
  }

  @Test
  void aBatchWithOneEventFromAnUnregisteredNetworkIsRefusedWholeNamingIt() {
    String good = "evt-" + UUID.randomUUID();
    String ghost =
        memberData("evt-" + UUID.randomUUID(), "m-ingest-ghost-2", "h@example.org")
            .replace("\"source_network\": \"ski-club\"", "\"source_network\": \"ing-ghost-net\"");

    Response response =
        asAdmin()
            .post(
                "/api/v1/events/member-data/batch",
                "[" + memberData(good, "m-ingest-ghost-2", "i@example.org") + "," + ghost + "]");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("errors").valueStream().map(e -> e.get("path").asString()))
        .containsExactly("$[1].header.source_network");
    assertThat(written(good)).isEmpty();
  }

  @Test
  void anOfferPostedIntoAnUnregisteredSourceNetworkIsRefusedAtItsField() {
    asAdmin().post("/api/v1/networks", Map.of("id", "ing-net", "name", "Ing", "rules", Map.of()));
    asAdmin().post("/api/v1/brands", Map.of("id", "ing-brand", "name", "Ing"));
    String body =
        offer("ing-brand", "\"ing-net\"", "2030-01-01T00:00:00Z")
            .replace("\"source_network\": \"ing-net\"", "\"source_network\": \"ing-ghost-net\"");

    Response response = as(keyFor(Role.BRAND, "ing-brand")).post("/api/v1/events/offers", body);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("errors").valueStream().map(e -> e.get("path").asString()))
        .containsExactly("$.header.source_network");
  }

  @Test
  void aPostSharedWithAnUnregisteredNetworkIsRefusedAtEachTarget() {
    String eventId = "evt-" + UUID.randomUUID();
    String body =
        """
        {"header": {"event_id": "%s", "event_type": "content", "source_network": "ski-club",
                    "subject_member": "m-ingest-post", "occurred_at": "2026-11-23T10:00:00Z"},
         "purpose": "sharing", "content_id": "post-1", "visibility": "cross_network",
         "target_networks": ["ski-club", "ing-ghost-net"]}
        """
            .formatted(eventId);

    Response response = service.post("/api/v1/events/content", body);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("errors").valueStream().map(e -> e.get("path").asString()))
        .containsExactly("$.target_networks[1]");
    assertThat(response.json().get("errors").get(0).get("message").asString())
        .contains("ing-ghost-net");
  }
}
