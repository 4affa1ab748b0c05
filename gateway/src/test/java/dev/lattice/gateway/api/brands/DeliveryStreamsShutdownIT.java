package dev.lattice.gateway.api.brands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lattice.gateway.kafka.KafkaBroker;
import dev.lattice.gateway.problem.ApiProblemException;
import dev.lattice.gateway.support.GatewayIntegrationTest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;

/**
 * Shutting down ends the open delivery streams instead of leaving the web server's graceful
 * shutdown waiting for them (a stream whose client went away is otherwise only noticed at its next
 * keep-alive), and refuses new ones with a 503 to retry elsewhere. Uses its own {@link
 * DeliveryStreams} on the test's broker, so the shared application keeps its streams.
 */
class DeliveryStreamsShutdownIT extends GatewayIntegrationTest {

  @Autowired KafkaBroker broker;

  @Test
  void closingEndsEveryOpenStreamAndRefusesNewOnesWithA503() {
    asAdmin().post("/api/v1/brands", Map.of("id", "shutdown-brand", "name", "Shutdown"));
    DeliveryStreams streams =
        new DeliveryStreams(broker.clientProperties(), Duration.ofMinutes(5), 5);
    Brand brand = new Brand("shutdown-brand", "Shutdown", null, null, java.util.List.of());

    streams.open("shutdown-brand", false, () -> brand, () -> true);
    streams.open("shutdown-brand", true, () -> brand, () -> true);
    await().atMost(Duration.ofSeconds(30)).until(() -> streams.openStreams() == 2);

    streams.closeAll();

    await().atMost(Duration.ofSeconds(30)).until(() -> streams.openStreams() == 0);
    assertThat(streams.openStreams("shutdown-brand")).isZero();
    assertThatThrownBy(() -> streams.open("shutdown-brand", false, () -> brand, () -> true))
        .isInstanceOfSatisfying(
            ApiProblemException.class,
            e -> assertThat(e.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE));
  }
}
