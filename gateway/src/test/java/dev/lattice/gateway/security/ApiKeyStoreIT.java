package dev.lattice.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.gateway.events.CompactedTopicView;
import dev.lattice.gateway.events.EventPublisher;
import dev.lattice.gateway.events.ValueCodec;
import dev.lattice.testsupport.TestKafka;
import dev.lattice.testsupport.WithKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The key store on a real broker: two stores on one topic behave as two Lattice instances. */
@WithKafka
class ApiKeyStoreIT {

  private static final byte[] PEPPER =
      "a-test-pepper-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8);

  private final List<AutoCloseable> closing = new ArrayList<>();
  private TestKafka kafka;
  private String topic;
  private EventPublisher publisher;

  @BeforeEach
  void topic(TestKafka kafka) {
    this.kafka = kafka;
    this.topic = kafka.uniqueName("api-keys");
    kafka.createTopic(topic, 1, 1, Map.of("cleanup.policy", "compact"));
    publisher = new EventPublisher(kafka.clientProperties(), Duration.ofSeconds(10));
    closing.add(publisher);
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
  }

  /** One instance's store: its own view of the shared topic. */
  private ApiKeyStore instance() {
    CompactedTopicView<ApiKey> view =
        new CompactedTopicView<>(
            topic, ValueCodec.json(ApiKey.class), kafka.clientProperties(), publisher);
    closing.add(view);
    return new ApiKeyStore(view, PEPPER, Clock.systemUTC());
  }

  @Test
  void aCreatedKeyAuthenticatesAsItsRoleAndScope() {
    ApiKeyStore store = instance();
    ApiKeyStore.IssuedApiKey issued = store.create("shop", Role.BRAND, "acme", "admin");

    LatticePrincipal principal = store.authenticate(issued.key()).orElseThrow().principal();

    assertThat(principal.actsForBrand("acme")).isTrue();
    assertThat(principal.actsForBrand("other")).isFalse();
  }

  @Test
  void aKeyCreatedOnOneInstanceAuthenticatesOnAnotherAtOnce() {
    ApiKeyStore first = instance();
    ApiKeyStore second = instance();

    ApiKeyStore.IssuedApiKey issued = first.create("svc", Role.SERVICE, "ski-club", "admin");

    assertThat(second.authenticate(issued.key())).isPresent();
  }

  @Test
  void aKeyRevokedOnOneInstanceIsRefusedOnAnotherWithinOnePollOfTheTopic() {
    ApiKeyStore first = instance();
    ApiKeyStore second = instance();
    ApiKeyStore.IssuedApiKey issued = first.create("svc", Role.SERVICE, "ski-club", "admin");
    assertThat(second.authenticate(issued.key())).isPresent();

    first.revoke(issued.record().id(), "admin");

    assertThat(first.authenticate(issued.key())).isEmpty();
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(second.authenticate(issued.key())).isEmpty());
  }

  @Test
  void keysAndRevocationsSurviveARestart() {
    ApiKeyStore first = instance();
    ApiKeyStore.IssuedApiKey kept = first.create("a", Role.COMPLIANCE, null, "admin");
    ApiKeyStore.IssuedApiKey revoked = first.create("b", Role.SERVICE, "ski-club", "admin");
    first.revoke(revoked.record().id(), "admin");

    ApiKeyStore restarted = instance();

    assertThat(restarted.authenticate(kept.key())).isPresent();
    assertThat(restarted.authenticate(revoked.key())).isEmpty();
  }

  @Test
  void theTopicHoldsOnlyTheHashOfAKey() {
    ApiKeyStore.IssuedApiKey issued = instance().create("svc", Role.SERVICE, "ski-club", "admin");

    String stored = String.join("\n", topicValues());

    assertThat(stored)
        .doesNotContain(issued.key())
        .doesNotContain(ApiKeyStore.legacyHash(issued.key()))
        .contains(instance().hash(issued.key()));
  }

  @Test
  void registeringTheSameBootstrapKeyOnTwoInstancesKeepsOneRecord() {
    instance()
        .register("operator-chosen-key-123-abcdefghijklmn", "boot", Role.ADMIN, null, "bootstrap");
    instance()
        .register("operator-chosen-key-123-abcdefghijklmn", "boot", Role.ADMIN, null, "bootstrap");

    assertThat(instance().list()).hasSize(1);
  }

  @Test
  void aRecordWithFieldsThisVersionDoesNotKnowIsStillRead() {
    ApiKeyStore store = instance();
    ApiKeyStore.IssuedApiKey issued = store.create("svc", Role.SERVICE, "ski-club", "admin");
    String json =
        new String(ValueCodec.json(ApiKey.class).encode(issued.record()), StandardCharsets.UTF_8)
            .replaceFirst("\\{", "{\"pepperVersion\":2,\"networks\":[\"n1\"],");

    publisher.publish(topic, issued.record().id(), json.getBytes(StandardCharsets.UTF_8));

    assertThat(instance().authenticate(issued.key())).isPresent();
  }

  @Test
  void aKeyFileOfAnEarlierVersionIsImportedOnce() throws Exception {
    ApiKeyStore old = instance();
    ApiKeyStore.IssuedApiKey issued = old.create("legacy", Role.SERVICE, "ski-club", "admin");
    Path file = Files.createTempDirectory(Path.of("target"), "keys").resolve("api-keys.json");
    Files.writeString(
        file,
        "["
            + new String(
                ValueCodec.json(ApiKey.class).encode(issued.record()), StandardCharsets.UTF_8)
            + "]");
    String otherTopic = kafka.uniqueName("api-keys");
    kafka.createTopic(otherTopic, 1, 1, Map.of("cleanup.policy", "compact"));
    topic = otherTopic;
    ApiKeyStore fresh = instance();

    fresh.importLegacyFile(file);

    assertThat(fresh.authenticate(issued.key())).isPresent();
    assertThat(file).doesNotExist();
    assertThat(file.resolveSibling("api-keys.json.imported")).exists();
  }

  @Test
  void aKeyStoredWithAPlainShaHashStillAuthenticatesAndIsRehashedWithThePepper() {
    String key = "lk_legacy-key-created-before-peppering-0001";
    publisher.publish(
        topic,
        "abc123",
        """
        {"id":"abc123","name":"old","hash":"%s","role":"COMPLIANCE","scope":null,
         "createdAt":"2026-01-01T00:00:00Z","createdBy":"admin","revokedAt":null,"revokedBy":null}
        """
            .formatted(ApiKeyStore.legacyHash(key))
            .getBytes(StandardCharsets.UTF_8));
    ApiKeyStore store = instance();

    assertThat(store.authenticate(key)).isPresent();

    assertThat(store.find("abc123").orElseThrow().hash()).isEqualTo(store.hash(key));
    assertThat(instance().authenticate(key)).isPresent();
  }

  @Test
  void aServiceKeyActsForItsNetworkOnly() {
    ApiKeyStore store = instance();
    ApiKeyStore.IssuedApiKey issued = store.create("svc", Role.SERVICE, "ski-club", "admin");

    LatticePrincipal principal = store.authenticate(issued.key()).orElseThrow().principal();

    assertThat(principal.servesNetwork("ski-club")).isTrue();
    assertThat(principal.servesNetwork("book-circle")).isFalse();
  }

  @Test
  void changingTheBootstrapKeyRevokesThePreviousOneOnEveryInstance() {
    ApiKeyStore first = instance();
    String old = "operator-chosen-bootstrap-key-number-one";
    String fresh = "operator-chosen-bootstrap-key-number-two";
    new BootstrapAdminKey(first, old).afterPropertiesSet();

    new BootstrapAdminKey(instance(), fresh).afterPropertiesSet();

    assertThat(first.authenticate(fresh)).isPresent();
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(first.authenticate(old)).isEmpty());
  }

  @Test
  void anUnscopedServiceKeyFromAnEarlierVersionIsMarkedAsMissingItsScope() {
    String key = "lk_unscoped-service-key-from-before-0001";
    publisher.publish(
        topic,
        "svc001",
        """
        {"id":"svc001","name":"old","hash":"%s","role":"SERVICE","scope":null,
         "createdAt":"2026-01-01T00:00:00Z","createdBy":"admin","revokedAt":null,"revokedBy":null}
        """
            .formatted(ApiKeyStore.legacyHash(key))
            .getBytes(StandardCharsets.UTF_8));

    assertThat(instance().authenticate(key).orElseThrow().missingScope()).isTrue();
  }

  @Test
  void aBootstrapKeyShorterThan32CharactersIsRefused() {
    ApiKeyStore store = instance();
    assertThatThrownBy(
            () -> new BootstrapAdminKey(store, "only-twenty-chars-ab").afterPropertiesSet())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32");
  }

  @Test
  void anUnscopedServiceKeyCanNoLongerBeCreated() {
    ApiKeyStore store = instance();
    assertThatThrownBy(() -> store.create("x", Role.SERVICE, null, "admin"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("network");
  }

  @Test
  void aScopedRoleWithoutScopeIsRefused() {
    ApiKeyStore store = instance();
    assertThatThrownBy(() -> store.create("x", Role.NETWORK_ADMIN, null, "admin"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("network");
  }

  private List<String> topicValues() {
    Map<String, Object> props = kafka.clientProperties();
    props.put("key.deserializer", StringDeserializer.class.getName());
    props.put("value.deserializer", ByteArrayDeserializer.class.getName());
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      while (consumer.position(tp) < end) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          values.add(new String(r.value(), StandardCharsets.UTF_8));
        }
      }
    }
    return values;
  }
}
