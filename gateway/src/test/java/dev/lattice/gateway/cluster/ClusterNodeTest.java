package dev.lattice.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ClusterNodeTest {

  private static final String SECRET = "a-cluster-secret-of-32-characters!";
  private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

  private static ClusterNode node(String secret, Instant now) {
    return new ClusterNode(
        URI.create("http://10.0.0.7:8080"), secret, Clock.fixed(now, ZoneOffset.UTC));
  }

  @Test
  void aSignatureMadeWithTheSharedSecretIsAcceptedForThatRequestOnly() {
    String signature = node(SECRET, NOW).sign("GET", "/api/v1/members/m-1/activity?limit=5");

    ClusterNode other = node(SECRET, NOW.plusSeconds(5));

    assertThat(other.verify(signature, "GET", "/api/v1/members/m-1/activity?limit=5")).isTrue();
    assertThat(other.verify(signature, "GET", "/api/v1/members/m-2/activity?limit=5")).isFalse();
    assertThat(other.verify(signature, "POST", "/api/v1/members/m-1/activity?limit=5")).isFalse();
  }

  @Test
  void anotherSecretOrAStaleSignatureIsRefused() {
    String signature = node(SECRET, NOW).sign("GET", "/api/v1/decisions?eventId=e-1");

    assertThat(
            node("another-secret-of-32-characters-xx", NOW)
                .verify(signature, "GET", "/api/v1/decisions?eventId=e-1"))
        .isFalse();
    assertThat(
            node(SECRET, NOW.plus(ClusterNode.MAX_SKEW).plus(Duration.ofSeconds(1)))
                .verify(signature, "GET", "/api/v1/decisions?eventId=e-1"))
        .isFalse();
    assertThat(node(SECRET, NOW).verify("garbage", "GET", "/x")).isFalse();
  }

  @Test
  void anInstanceWithoutASecretNeitherSignsNorAccepts() {
    ClusterNode alone = node(null, NOW);

    assertThat(alone.canForward()).isFalse();
    assertThat(alone.verify(node(SECRET, NOW).sign("GET", "/x"), "GET", "/x")).isFalse();
    assertThatThrownBy(() -> alone.sign("GET", "/x")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theAdvertisedUrlBecomesTheApplicationServerAndDefaultsToTheHttpPort() {
    assertThat(node(SECRET, NOW).applicationServer()).contains("10.0.0.7:8080");
    assertThat(
            ClusterNode.of(
                    new ClusterProperties(null, null, null, true, 1000), 8082, Clock.systemUTC())
                .applicationServer())
        .contains("localhost:8082");
    assertThat(
            ClusterNode.of(
                    new ClusterProperties(null, null, null, true, 1000), 0, Clock.systemUTC())
                .applicationServer())
        .isEmpty();
  }

  @Test
  void badSettingsAreRefusedNamingTheSetting() {
    assertThatThrownBy(() -> new ClusterProperties("localhost:8080", null, null, true, 1000))
        .hasMessageContaining("lattice.cluster.advertised-url must be http(s)://host:port");
    assertThatThrownBy(() -> new ClusterProperties(null, "short", null, true, 1000))
        .hasMessageContaining("lattice.cluster.secret must be at least 32 characters");
    assertThatThrownBy(() -> new ClusterProperties(null, null, null, true, -1))
        .hasMessageContaining("lattice.cluster.standby-max-lag must be 0 or more records");
  }
}
