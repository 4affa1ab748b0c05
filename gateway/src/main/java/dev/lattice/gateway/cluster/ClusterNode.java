package dev.lattice.gateway.cluster;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * This instance as the cluster sees it: its advertised address (Kafka Streams' {@code
 * application.server}) and the shared secret it signs forwarded queries with.
 *
 * <p>A forwarded query carries {@value #HEADER}: {@code <epoch seconds>:<hex HMAC-SHA256 of "<epoch
 * seconds>\n<METHOD>\n<path?query>">}, so the secret never travels and a captured header is good
 * for one request target for {@link #MAX_SKEW} only. Immutable and thread-safe.
 */
public final class ClusterNode {

  /** The header that marks (and authenticates) a query forwarded by another instance. */
  public static final String HEADER = "X-Lattice-Cluster-Auth";

  static final Duration MAX_SKEW = Duration.ofSeconds(60);

  private final URI advertised;
  private final byte[] secret;
  private final Clock clock;

  /**
   * @param advertised this instance's URL, or {@code null} when it has none (runs alone)
   * @param secret the cluster secret, or {@code null}
   */
  public ClusterNode(URI advertised, String secret, Clock clock) {
    this.advertised = advertised;
    this.secret =
        secret == null || secret.isBlank() ? null : secret.trim().getBytes(StandardCharsets.UTF_8);
    this.clock = clock;
  }

  /**
   * From the settings: the advertised URL, else {@code http://localhost:<port>} when the port is
   * fixed.
   */
  public static ClusterNode of(ClusterProperties properties, int serverPort, Clock clock) {
    URI advertised = null;
    if (properties.advertisedUrl() != null && !properties.advertisedUrl().isBlank()) {
      advertised = URI.create(properties.advertisedUrl().trim());
    } else if (serverPort > 0) {
      advertised = URI.create("http://localhost:" + serverPort);
    }
    return new ClusterNode(advertised, properties.secret(), clock);
  }

  /**
   * {@code host:port} for Kafka Streams' {@code application.server}, when this instance has an
   * address.
   */
  public Optional<String> applicationServer() {
    return Optional.ofNullable(advertised).map(u -> u.getHost() + ":" + u.getPort());
  }

  /**
   * The base URL of another instance, from its {@code application.server} address (same scheme as
   * ours).
   */
  public URI urlOf(String host, int port) {
    String scheme = advertised == null ? "http" : advertised.getScheme();
    return URI.create(scheme + "://" + host + ":" + port);
  }

  public boolean canForward() {
    return secret != null;
  }

  /** The {@value #HEADER} value for a request to {@code target} (path and query). */
  public String sign(String method, String target) {
    if (secret == null) {
      throw new IllegalStateException("lattice.cluster.secret is not set");
    }
    long now = clock.instant().getEpochSecond();
    return now + ":" + mac(now, method, target);
  }

  /**
   * True when {@code header} is a valid signature of this request by an instance of the cluster.
   */
  public boolean verify(String header, String method, String target) {
    if (secret == null || header == null) {
      return false;
    }
    int colon = header.indexOf(':');
    if (colon < 1) {
      return false;
    }
    long at;
    try {
      at = Long.parseLong(header.substring(0, colon));
    } catch (NumberFormatException e) {
      return false;
    }
    if (Math.abs(clock.instant().getEpochSecond() - at) > MAX_SKEW.toSeconds()) {
      return false;
    }
    return MessageDigest.isEqual(
        mac(at, method, target).getBytes(StandardCharsets.US_ASCII),
        header.substring(colon + 1).getBytes(StandardCharsets.US_ASCII));
  }

  private String mac(long at, String method, String target) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return HexFormat.of()
          .formatHex(
              mac.doFinal((at + "\n" + method + "\n" + target).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }
}
