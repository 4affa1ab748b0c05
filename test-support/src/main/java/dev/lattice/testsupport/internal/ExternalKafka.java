package dev.lattice.testsupport.internal;

import dev.lattice.testsupport.TestKafka;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** The cluster named by {@code KAFKA_BOOTSTRAP_SERVERS}; brokers cannot be stopped from a test. */
public final class ExternalKafka implements TestKafka {
  private final String bootstrapServers;
  private final int brokerCount;

  private ExternalKafka(String bootstrapServers, int brokerCount) {
    this.bootstrapServers = bootstrapServers;
    this.brokerCount = brokerCount;
  }

  public static ExternalKafka connect(String bootstrapServers) {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                30_000))) {
      int brokers = admin.describeCluster().nodes().get(35, TimeUnit.SECONDS).size();
      return new ExternalKafka(bootstrapServers, brokers);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExtensionConfigurationException(
          "interrupted while connecting to " + bootstrapServers, e);
    } catch (Exception e) {
      throw new ExtensionConfigurationException(
          "KAFKA_BOOTSTRAP_SERVERS="
              + bootstrapServers
              + " is not reachable within 30 s: "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public String bootstrapServers() {
    return bootstrapServers;
  }

  @Override
  public int brokerCount() {
    return brokerCount;
  }

  @Override
  public String source() {
    return "KAFKA_BOOTSTRAP_SERVERS";
  }

  @Override
  public boolean supportsBrokerControl() {
    return false;
  }

  @Override
  public void stopBroker(int nodeId) {
    throw new UnsupportedOperationException(
        "brokers of the cluster in KAFKA_BOOTSTRAP_SERVERS cannot be stopped "
            + "from a test; use @WithKafka(brokerControl = true)");
  }

  @Override
  public void startBroker(int nodeId) {
    stopBroker(nodeId);
  }
}
