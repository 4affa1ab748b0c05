package dev.lattice.gateway.kafka;

import dev.lattice.kafka.embedded.EmbeddedKafkaCluster;
import dev.lattice.kafka.embedded.KafkaClusterSpec;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka cluster Lattice talks to: either the embedded single-node broker it started itself or
 * an external cluster it checked is reachable. Closing it stops the embedded broker (and does
 * nothing to an external one).
 *
 * <p>Thread-safe; immutable after construction.
 */
public final class KafkaBroker implements AutoCloseable {
  private static final Logger LOGGER = LoggerFactory.getLogger(KafkaBroker.class);

  private final String bootstrapServers;
  private final int brokerCount;
  private final Optional<EmbeddedKafkaCluster> embedded;

  private KafkaBroker(
      String bootstrapServers, int brokerCount, Optional<EmbeddedKafkaCluster> embedded) {
    this.bootstrapServers = bootstrapServers;
    this.brokerCount = brokerCount;
    this.embedded = embedded;
  }

  /**
   * Starts the embedded broker or connects to the external cluster, as {@code settings} say.
   *
   * @throws dev.lattice.kafka.embedded.KafkaDataDirectoryException when the data directory is not
   *     writable
   * @throws KafkaUnreachableException when the external cluster does not answer within the connect
   *     timeout
   */
  public static KafkaBroker connect(KafkaSettings settings) {
    if (settings.embedded()) {
      EmbeddedKafkaCluster cluster =
          EmbeddedKafkaCluster.start(
              KafkaClusterSpec.of(1, settings.dataDir())
                  .withFirstBrokerPort(settings.embeddedPort())
                  // Lattice provisions its topics; a typo in a topic name should fail, not create a
                  // topic.
                  .withBrokerOverrides(Map.of("auto.create.topics.enable", "false")));
      recordAddress(settings.dataDir(), cluster.bootstrapServers());
      return new KafkaBroker(cluster.bootstrapServers(), cluster.size(), Optional.of(cluster));
    }
    int brokers = awaitReachable(settings.bootstrapServers(), settings.connectTimeout());
    LOGGER.info(
        "Using external Kafka cluster bootstrap={} brokers={}",
        settings.bootstrapServers(),
        brokers);
    return new KafkaBroker(settings.bootstrapServers(), brokers, Optional.empty());
  }

  /**
   * The file in the embedded broker's data directory naming its address while it runs, so that a
   * second instance started from the same data directory can say where to connect.
   */
  public static final String ADDRESS_FILE = "bootstrap-servers";

  private static void recordAddress(java.nio.file.Path kafkaDir, String bootstrapServers) {
    try {
      java.nio.file.Files.writeString(kafkaDir.resolve(ADDRESS_FILE), bootstrapServers + "\n");
    } catch (java.io.IOException e) {
      LOGGER.debug("Could not record the embedded broker's address: {}", e.toString());
    }
  }

  /**
   * Waits until the cluster at {@code bootstrapServers} describes itself and returns its broker
   * count.
   *
   * @throws KafkaUnreachableException when it does not within {@code timeout}
   */
  public static int awaitReachable(String bootstrapServers, Duration timeout) {
    int timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    Map<String, Object> props =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeoutMs, 10_000));
    try (Admin admin = Admin.create(props)) {
      DescribeClusterResult cluster =
          admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs));
      return cluster.nodes().get(timeoutMs + 1000L, TimeUnit.MILLISECONDS).size();
    } catch (ExecutionException | TimeoutException e) {
      throw new KafkaUnreachableException(
          "Kafka cluster at "
              + bootstrapServers
              + " is not reachable within "
              + timeout.toSeconds()
              + " s",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnreachableException(
          "interrupted while connecting to Kafka at " + bootstrapServers, e);
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new KafkaUnreachableException(
          "Kafka cluster at " + bootstrapServers + " is not usable: " + e.getMessage(), e);
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Brokers in the cluster when Lattice connected; topic replication adapts to it. */
  public int brokerCount() {
    return brokerCount;
  }

  public boolean isEmbedded() {
    return embedded.isPresent();
  }

  /** The embedded cluster, when Lattice runs its own broker. */
  public Optional<EmbeddedKafkaCluster> embeddedCluster() {
    return embedded;
  }

  /** The minimum a Kafka client needs to reach this cluster; add your own settings to a copy. */
  public Map<String, Object> clientProperties() {
    return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
  }

  @Override
  public void close() {
    embedded.ifPresent(EmbeddedKafkaCluster::close);
  }
}
