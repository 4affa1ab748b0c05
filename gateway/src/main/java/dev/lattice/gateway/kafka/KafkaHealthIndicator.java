package dev.lattice.gateway.kafka;

import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@code kafka} in {@code GET /actuator/health}: UP when the cluster describes itself within 3 s,
 * with its id, broker count, bootstrap servers, whether it is embedded and any topic conflicts;
 * DOWN otherwise.
 */
public final class KafkaHealthIndicator implements HealthIndicator {
  private static final int TIMEOUT_MS = 3000;

  private final Admin admin;
  private final KafkaBroker broker;
  private final ProvisioningReport provisioning;

  public KafkaHealthIndicator(Admin admin, KafkaBroker broker, ProvisioningReport provisioning) {
    this.admin = admin;
    this.broker = broker;
    this.provisioning = provisioning;
  }

  @Override
  public Health health() {
    Health.Builder builder;
    try {
      DescribeClusterResult cluster =
          admin.describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MS));
      String clusterId = cluster.clusterId().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      int brokers = cluster.nodes().get(TIMEOUT_MS, TimeUnit.MILLISECONDS).size();
      builder = brokers > 0 ? Health.up() : Health.down();
      builder.withDetail("clusterId", clusterId).withDetail("brokers", brokers);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      builder = Health.down().withDetail("error", "interrupted");
    } catch (Exception e) {
      builder =
          Health.down()
              .withDetail(
                  "error",
                  "Kafka not reachable within "
                      + TIMEOUT_MS
                      + " ms: "
                      + e.getClass().getSimpleName());
    }
    return builder
        .withDetail("bootstrapServers", broker.bootstrapServers())
        .withDetail("embedded", broker.isEmbedded())
        .withDetail(
            "topicConflicts",
            provisioning.conflicts().stream().map(TopicConflict::toString).toList())
        .build();
  }
}
