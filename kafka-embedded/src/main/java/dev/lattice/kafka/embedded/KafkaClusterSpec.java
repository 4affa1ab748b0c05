package dev.lattice.kafka.embedded;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What an in-JVM KRaft cluster looks like: how many combined broker+controller nodes, where their
 * data lives, which port the first broker's client listener uses, and any broker settings to
 * override.
 *
 * <p>Immutable; validated on construction. A bad value fails with a message naming the setting.
 *
 * @param nodes number of combined broker+controller nodes: 1 or 3
 * @param dataDir root directory; node {@code i} keeps its data under {@code dataDir/node-i}. An
 *     existing, formatted directory is reused with its data.
 * @param firstBrokerPort client port of node 0, or 0 to choose free ports; other nodes always use
 *     free ports
 * @param brokerOverrides broker properties applied last (after Lattice's defaults)
 */
public record KafkaClusterSpec(
    int nodes, Path dataDir, int firstBrokerPort, Map<String, String> brokerOverrides) {

  public KafkaClusterSpec {
    if (nodes != 1 && nodes != 3) {
      throw new IllegalArgumentException("nodes must be 1 or 3, was " + nodes);
    }
    Objects.requireNonNull(dataDir, "dataDir");
    if (firstBrokerPort < 0 || firstBrokerPort > 65535) {
      throw new IllegalArgumentException(
          "firstBrokerPort must be 0 (any free port) or 1-65535, was " + firstBrokerPort);
    }
    brokerOverrides = Map.copyOf(brokerOverrides);
  }

  /**
   * A cluster of {@code nodes} nodes under {@code dataDir} on free ports, with Lattice's default
   * settings.
   */
  public static KafkaClusterSpec of(int nodes, Path dataDir) {
    return new KafkaClusterSpec(nodes, dataDir, 0, Map.of());
  }

  public KafkaClusterSpec withFirstBrokerPort(int port) {
    return new KafkaClusterSpec(nodes, dataDir, port, brokerOverrides);
  }

  public KafkaClusterSpec withBrokerOverrides(Map<String, String> overrides) {
    return new KafkaClusterSpec(nodes, dataDir, firstBrokerPort, overrides);
  }
}
