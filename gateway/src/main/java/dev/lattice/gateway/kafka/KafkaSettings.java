package dev.lattice.gateway.kafka;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where Lattice's Kafka is ({@code lattice.kafka.*}). Validated at start-up.
 *
 * @param bootstrapServers an external cluster ({@code KAFKA_BOOTSTRAP_SERVERS}); blank = start the
 *     embedded broker
 * @param dataDir where the embedded broker keeps its data
 * @param connectTimeout how long to wait for an external cluster to answer
 * @param embeddedPort client port of the embedded broker; 0 = any free port
 * @param provisionTopics whether to create the topics of the catalogue at start-up
 */
@ConfigurationProperties("lattice.kafka")
public record KafkaSettings(
    @DefaultValue("") String bootstrapServers,
    @DefaultValue("./lattice-data/kafka") Path dataDir,
    @DefaultValue("30s") Duration connectTimeout,
    @DefaultValue("0") int embeddedPort,
    @DefaultValue("true") boolean provisionTopics) {

  public KafkaSettings {
    bootstrapServers = bootstrapServers == null ? "" : bootstrapServers.trim();
    if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException(
          "lattice.kafka.connect-timeout must be a positive duration such as 30s, was "
              + connectTimeout);
    }
    if (embeddedPort < 0 || embeddedPort > 65535) {
      throw new IllegalArgumentException(
          "lattice.kafka.embedded-port must be 0 (any free port) or 1-65535, was " + embeddedPort);
    }
  }

  /** True when no external cluster is configured and Lattice runs its own broker. */
  public boolean embedded() {
    return bootstrapServers.isEmpty();
  }
}
