package dev.lattice.gateway.support;

import dev.lattice.gateway.security.ApiKeyStore;
import dev.lattice.gateway.security.Role;
import java.nio.file.Path;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of every gateway integration test: one application context (and so one server) shared by all
 * test classes, on a random port, with its data directory under target/.
 */
@SpringBootTest(
    classes = dev.lattice.gateway.LatticeApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "lattice.security.bootstrap-admin-key=" + GatewayIntegrationTest.ADMIN_KEY,
      "lattice.security.jwt.hmac-secret=" + GatewayIntegrationTest.JWT_SECRET,
      "lattice.ingest.max-request-bytes=65536",
      "lattice.consent.confirm-timeout=2s",
      "lattice.streams.persistent-stores=false",
      // Insights on a test's time scale: 3 s windows checked every second; ε = 4 per member-day
      // with L = 1 gives a release threshold of 5.
      "lattice.streams.insights.window=3s",
      "lattice.streams.insights.grace=0s",
      "lattice.streams.insights.check-every=1s",
      "lattice.streams.insights.member-day-epsilon=4",
      "lattice.streams.insights.cells-per-member-day=1",
      "lattice.streams.insights.daily-epsilon=1000",
      "lattice.streams.insights.lifetime-epsilon=100000"
    })
public abstract class GatewayIntegrationTest {

  public static final String ADMIN_KEY = "it-bootstrap-admin-key-0001";
  public static final String JWT_SECRET = "gateway-integration-tests-hs256-secret-0001";
  private static final Path DATA_DIR =
      Path.of("target", "it-data", UUID.randomUUID().toString()).toAbsolutePath();

  @DynamicPropertySource
  static void dataDir(DynamicPropertyRegistry registry) {
    registry.add("lattice.data-dir", DATA_DIR::toString);
  }

  @LocalServerPort protected int port;
  @Autowired protected ApiKeyStore apiKeys;
  @Autowired protected dev.lattice.gateway.kafka.KafkaBroker kafka;

  protected GatewayHttp http() {
    return new GatewayHttp(port);
  }

  protected GatewayHttp as(String apiKey) {
    return new GatewayHttp(port).withApiKey(apiKey);
  }

  protected GatewayHttp asAdmin() {
    return as(ADMIN_KEY);
  }

  /** A fresh API key for {@code role} (scoped to {@code scope} for scoped roles). */
  protected String keyFor(Role role, String scope) {
    return apiKeys.create("test-" + role, role, scope, "test").key();
  }
}
