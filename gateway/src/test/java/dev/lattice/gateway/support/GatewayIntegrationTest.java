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
      "lattice.limits.max-request-bytes=16384",
      "lattice.limits.max-json-depth=16",
      "lattice.limits.max-json-array-length=500",
      "lattice.limits.max-bundle-entries=200",
      "lattice.limits.max-bundle-uncompressed-bytes=4194304",
      "lattice.limits.max-streams-per-brand=3",
      "lattice.security.jwt.issuer=" + GatewayIntegrationTest.JWT_ISSUER,
      "lattice.security.jwt.audience=" + GatewayIntegrationTest.JWT_AUDIENCE,
      "lattice.consent.confirm-timeout=2s",
      "lattice.streams.persistent-stores=false",
      // Insights on a test's time scale: 3 s windows checked every second; ε = 4 per member-day
      // with L = 1 gives a release threshold of 5. A count reaching the insights sub-topology
      // after its window closed (plus grace) is not counted: the grace covers a loaded machine's
      // delay between a delivery and its count (with none, a clean-clone CI run under load
      // dropped every count of InsightsApiIT's offer and released nothing).
      "lattice.streams.insights.window=3s",
      "lattice.streams.insights.grace=10s",
      "lattice.streams.insights.check-every=1s",
      "lattice.streams.insights.member-day-epsilon=4",
      "lattice.streams.insights.cells-per-member-day=1",
      "lattice.streams.insights.daily-epsilon=1000",
      "lattice.streams.insights.lifetime-epsilon=100000"
    })
public abstract class GatewayIntegrationTest {

  public static final String ADMIN_KEY = "it-bootstrap-admin-key-0001-at-least-32-chars";
  public static final String JWT_SECRET = "gateway-integration-tests-hs256-secret-0001";
  public static final String JWT_ISSUER = "https://issuer.lattice.test";
  public static final String JWT_AUDIENCE = "lattice-gateway";

  /**
   * A SERVICE key stored by an earlier version (no network scope, plain SHA-256 hash), written into
   * the key file before the application starts: it must be refused with a clear 401.
   */
  public static final String LEGACY_UNSCOPED_SERVICE_KEY = "lk_legacy-unscoped-service-key-0001";

  private static final Path DATA_DIR =
      Path.of("target", "it-data", UUID.randomUUID().toString()).toAbsolutePath();

  @DynamicPropertySource
  static void dataDir(DynamicPropertyRegistry registry) throws java.io.IOException {
    Path keyFile = DATA_DIR.resolve("security").resolve("api-keys.json");
    if (!java.nio.file.Files.exists(keyFile)) {
      java.nio.file.Files.createDirectories(keyFile.getParent());
      String sha256 =
          java.util.HexFormat.of()
              .formatHex(
                  sha256(
                      LEGACY_UNSCOPED_SERVICE_KEY.getBytes(
                          java.nio.charset.StandardCharsets.UTF_8)));
      java.nio.file.Files.writeString(
          keyFile,
          """
          [{"id":"legacy0svc01","name":"legacy","hash":"%s","role":"SERVICE","scope":null,
            "createdAt":"2026-01-01T00:00:00Z","createdBy":"admin","revokedAt":null,
            "revokedBy":null}]
          """
              .formatted(sha256));
    }
    registry.add("lattice.data-dir", DATA_DIR::toString);
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  protected Path dataDir() {
    return DATA_DIR;
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
