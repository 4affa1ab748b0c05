package dev.lattice.gateway.cluster;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How this instance takes part in a cluster of Lattice instances ({@code lattice.cluster.*}).
 *
 * @param advertisedUrl the URL other instances reach this one's HTTP API at ({@code
 *     http://host:port}); blank: {@code http://localhost:<server.port>}, which only suits instances
 *     on one machine. It becomes Kafka Streams' {@code application.server}.
 * @param secret shared by every instance of the cluster (at least 32 characters): instances sign
 *     the queries they forward to each other with it. Blank: the application derives one from the
 *     API key pepper ({@code ClusterConfiguration.effective}), which every instance shares too.
 * @param forwardTimeout how long a forwarded query may take
 * @param standbyReads whether a member query is answered from a standby copy of the member's state
 *     (Kafka Streams' {@code num.standby.replicas}, {@code lattice.streams.standby-replicas}) when
 *     the instance hosting the active copy does not answer or the group is rebalancing; such
 *     answers carry {@value ClusterQueries#REPLICA_HEADER} and {@value
 *     ClusterQueries#REPLICA_LAG_HEADER}. Off: those queries answer 503 until the fail-over is
 *     over.
 * @param standbyMaxLag the most changelog records a standby copy may lag behind the active one for
 *     a query to be answered from it (an absence, "no decisions", is only answered from a copy that
 *     lags by none)
 */
@ConfigurationProperties("lattice.cluster")
public record ClusterProperties(
    String advertisedUrl,
    String secret,
    @DefaultValue("10s") Duration forwardTimeout,
    @DefaultValue("true") boolean standbyReads,
    @DefaultValue("1000") long standbyMaxLag) {

  public ClusterProperties {
    if (advertisedUrl != null && !advertisedUrl.isBlank()) {
      URI uri;
      try {
        uri = URI.create(advertisedUrl.trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "lattice.cluster.advertised-url is not a URL: " + advertisedUrl, e);
      }
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null
          || uri.getPort() < 1) {
        throw new IllegalArgumentException(
            "lattice.cluster.advertised-url must be http(s)://host:port (port included), was "
                + advertisedUrl);
      }
    }
    if (secret != null && !secret.isBlank() && secret.trim().length() < 32) {
      throw new IllegalArgumentException(
          "lattice.cluster.secret must be at least 32 characters (the same on every instance)");
    }
    if (standbyMaxLag < 0) {
      throw new IllegalArgumentException(
          "lattice.cluster.standby-max-lag must be 0 or more records, was " + standbyMaxLag);
    }
    if (forwardTimeout == null) {
      forwardTimeout = Duration.ofSeconds(10);
    }
  }

  public boolean hasSecret() {
    return secret != null && !secret.isBlank();
  }
}
