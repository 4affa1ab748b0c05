package dev.lattice.gateway.api.opa;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.lattice.policy.Decision;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The remote engine against a small HTTP server standing in for OPA on an ephemeral port. */
class RemoteOpaDecisionServiceIT {

  private HttpServer server;
  private final AtomicReference<String> answer = new AtomicReference<>();
  private final AtomicReference<Integer> status = new AtomicReference<>(200);
  private final AtomicReference<String> lastBody = new AtomicReference<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private volatile boolean hang;

  @BeforeEach
  void opa() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v1/data/",
        exchange -> {
          lastBody.set(
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          if (hang) {
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          byte[] body =
              answer.get() == null ? new byte[0] : answer.get().getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status.get(), body.length == 0 ? -1 : body.length);
          if (body.length > 0) {
            exchange.getResponseBody().write(body);
          }
          exchange.close();
        });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
  }

  private RemoteOpaDecisionService service(Duration timeout) {
    return new RemoteOpaDecisionService(
        URI.create("http://127.0.0.1:" + server.getAddress().getPort()), timeout);
  }

  @Test
  void theRemoteDecisionIsReadWithItsReasonsAndObligations() {
    answer.set(
        """
        {"result": {"allow": true, "reasons": [],
                    "obligations": {"redact": ["payload.email"], "pseudonymize": ["member_id"],
                                    "generalize": {"payload.city": "region"}}}}
        """);

    Decision decision =
        service(Duration.ofSeconds(2)).decide(Map.of("event", Map.of("id", "e1")), false);

    assertThat(decision.allow()).isTrue();
    assertThat(decision.obligations().redact()).containsExactly("payload.email");
    assertThat(decision.obligations().generalize()).containsEntry("payload.city", "region");
    assertThat(lastBody.get()).contains("\"input\"").contains("\"e1\"");
  }

  @Test
  void aSlowServerIsADenyAfterTheTimeout() {
    hang = true;
    answer.set("{\"result\": {\"allow\": true}}");

    Decision decision = service(Duration.ofMillis(300)).decide(Map.of(), false);

    assertThat(decision.allow()).isFalse();
    assertThat(decision.reasonCodes()).containsExactly(Decision.POLICY_ERROR);
  }

  @Test
  void anUndefinedResultIsADeny() {
    answer.set("{}");

    Decision decision = service(Duration.ofSeconds(2)).decide(Map.of(), false);

    assertThat(decision.allow()).isFalse();
    assertThat(decision.reasonCodes()).containsExactly(Decision.POLICY_UNDEFINED);
  }

  @Test
  void aServerErrorIsADeny() {
    status.set(500);
    answer.set("{\"code\": \"internal_error\"}");

    Decision decision = service(Duration.ofSeconds(2)).decide(Map.of(), false);

    assertThat(decision.allow()).isFalse();
    assertThat(decision.reasonCodes()).containsExactly(Decision.POLICY_ERROR);
  }

  @Test
  void anUnreachableServerIsADeny() {
    RemoteOpaDecisionService unreachable =
        new RemoteOpaDecisionService(URI.create("http://127.0.0.1:1"), Duration.ofMillis(500));

    assertThat(unreachable.decide(Map.of(), false).allow()).isFalse();
  }

  @Test
  void networkRulesAreWrittenWithOpasDataApi() {
    answer.set("");
    status.set(204);

    service(Duration.ofSeconds(2))
        .putData("networks/ski-club", Map.of("offers", Map.of("accept", true)));

    assertThat(lastBody.get()).contains("\"accept\":true");
  }
}
