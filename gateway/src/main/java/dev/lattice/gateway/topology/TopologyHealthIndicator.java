package dev.lattice.gateway.topology;

import dev.lattice.streams.LatticeStreams;
import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The topology's state in {@code /actuator/health} (component {@code topology}): UP while running,
 * OUT_OF_SERVICE while starting or rebalancing, DOWN when stopped or failed.
 */
public final class TopologyHealthIndicator implements HealthIndicator {

  private final LatticeStreams streams;

  public TopologyHealthIndicator(LatticeStreams streams) {
    this.streams = streams;
  }

  @Override
  public Health health() {
    KafkaStreams.State state = streams.state();
    Health.Builder builder =
        switch (state) {
          case RUNNING -> Health.up();
          case CREATED, REBALANCING -> Health.outOfService();
          default -> Health.down();
        };
    return builder.withDetail("state", state.name()).build();
  }
}
