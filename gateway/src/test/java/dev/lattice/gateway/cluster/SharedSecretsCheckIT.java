package dev.lattice.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.gateway.events.CompactedTopicView;
import dev.lattice.gateway.events.EventPublisher;
import dev.lattice.gateway.events.ValueCodec;
import dev.lattice.testsupport.TestKafka;
import dev.lattice.testsupport.WithKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shared-secrets check on a real broker: each {@link #instance} is one Lattice instance's view
 * of the fingerprint topic, as a second process on the same Kafka would have it.
 */
@WithKafka
class SharedSecretsCheckIT {

  private static final String PEPPER = "lattice.security.api-key-pepper";
  private static final String CLUSTER = "lattice.cluster.secret";

  private final List<AutoCloseable> closing = new ArrayList<>();
  private TestKafka kafka;
  private String topic;
  private EventPublisher publisher;

  @BeforeEach
  void topic(TestKafka kafka) {
    this.kafka = kafka;
    this.topic = kafka.uniqueName("secret-fingerprints");
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

  private SharedSecretsCheck instance(String applicationId, int port) {
    CompactedTopicView<SharedSecretsCheck.Recorded> view =
        new CompactedTopicView<>(
                topic,
                ValueCodec.json(SharedSecretsCheck.Recorded.class),
                kafka.clientProperties(),
                publisher)
            .keeping((first, later) -> first)
            .start();
    closing.add(view);
    return new SharedSecretsCheck(
        view, applicationId, "http://localhost:" + port, Clock.systemUTC());
  }

  private static SharedSecret pepper(String value, Path generatedIn) {
    return SharedSecret.of(
        PEPPER,
        "LATTICE_SECURITY_API_KEY_PEPPER",
        value.getBytes(StandardCharsets.UTF_8),
        generatedIn);
  }

  private static SharedSecret cluster(String value) {
    return SharedSecret.of(
        CLUSTER, "LATTICE_CLUSTER_SECRET", value.getBytes(StandardCharsets.UTF_8), null);
  }

  @Test
  void instancesWithTheSameSecretsAllStartAndSoDoesARestart() {
    List<SharedSecret> secrets =
        List.of(pepper("pepper-0123456789-0123456789-0123", null), cluster(""));

    assertThatCode(
            () -> {
              instance("lattice", 8081).verify(secrets, false);
              instance("lattice", 8082).verify(secrets, false);
              instance("lattice", 8081).verify(secrets, false);
            })
        .doesNotThrowAnyException();
  }

  @Test
  void aSecondInstanceWithAnotherPepperRefusesToStartNamingTheSettingAndWhatToDo() {
    instance("lattice", 8081)
        .verify(List.of(pepper("first-pepper-0123456789-0123456789", null)), false);
    Path generated = Path.of("/data/b/security/api-key-pepper.secret");

    assertThatThrownBy(
            () ->
                instance("lattice", 8082)
                    .verify(
                        List.of(pepper("other-pepper-0123456789-0123456789", generated)), false))
        .isInstanceOf(SharedSecretMismatchException.class)
        .hasMessageContaining("cluster 'lattice'")
        .hasMessageContaining("lattice.security.api-key-pepper differs")
        .hasMessageContaining("first recorded by http://localhost:8081")
        .hasMessageContaining("set LATTICE_SECURITY_API_KEY_PEPPER to the same value on every")
        .hasMessageContaining(generated.toString())
        .hasMessageContaining("--lattice.cluster.replace-secret-fingerprints=true");
    // The refused start changed nothing: the first instance still starts.
    assertThatCode(
            () ->
                instance("lattice", 8081)
                    .verify(List.of(pepper("first-pepper-0123456789-0123456789", null)), false))
        .doesNotThrowAnyException();
  }

  @Test
  void anotherApplicationIdIsAnotherClusterWithItsOwnSecrets() {
    instance("lattice-a", 8081)
        .verify(List.of(pepper("pepper-a-0123456789-0123456789-01", null)), false);

    assertThatCode(
            () ->
                instance("lattice-b", 8082)
                    .verify(List.of(pepper("pepper-b-0123456789-0123456789-01", null)), false))
        .doesNotThrowAnyException();
  }

  @Test
  void aClusterSecretSetWhereNoneWasIsRecordedButDroppingItIsRefused() {
    instance("lattice", 8081).verify(List.of(cluster("")), false);

    assertThatCode(
            () ->
                instance("lattice", 8081)
                    .verify(List.of(cluster("cluster-secret-0123456789-0123456789")), false))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                instance("lattice", 8082)
                    .verify(List.of(cluster("cluster-secret-0123456789-0123456789")), false))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> instance("lattice", 8083).verify(List.of(cluster("")), false))
        .isInstanceOf(SharedSecretMismatchException.class)
        .hasMessageContaining("lattice.cluster.secret is not set here, but is set on the other");
  }

  @Test
  void replacingRecordsTheNewFingerprintForTheInstancesThatFollow() {
    instance("lattice", 8081)
        .verify(List.of(pepper("old-pepper-0123456789-0123456789-0", null)), false);
    List<SharedSecret> rotated = List.of(pepper("new-pepper-0123456789-0123456789-0", null));

    instance("lattice", 8081).verify(rotated, true);

    assertThatCode(() -> instance("lattice", 8082).verify(rotated, false))
        .doesNotThrowAnyException();
    assertThatThrownBy(
            () ->
                instance("lattice", 8083)
                    .verify(List.of(pepper("old-pepper-0123456789-0123456789-0", null)), false))
        .isInstanceOf(SharedSecretMismatchException.class);
  }

  @Test
  void aFingerprintDependsOnTheValueAndTheSettingAndIsNotTheValue() {
    byte[] value = "pepper-0123456789-0123456789-0123".getBytes(StandardCharsets.UTF_8);

    String fingerprint = SharedSecret.fingerprint(PEPPER, value);

    assertThat(fingerprint).hasSize(32).matches("[0-9a-f]+").isNotEqualTo(new String(value));
    assertThat(SharedSecret.fingerprint(PEPPER, value.clone())).isEqualTo(fingerprint);
    assertThat(SharedSecret.fingerprint(CLUSTER, value)).isNotEqualTo(fingerprint);
    assertThat(SharedSecret.fingerprint(PEPPER, new byte[0])).isEqualTo(SharedSecret.UNSET);
  }
}
