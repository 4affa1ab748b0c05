package dev.lattice.testsupport;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Waits until a newly created topic is usable: the controller accepts a topic before the brokers'
 * metadata shows it, and a test that describes, produces or consumes right away can otherwise see
 * "unknown topic".
 */
final class TopicReadiness {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private TopicReadiness() {}

  static void await(Admin admin, String topic, int partitions) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (ready(admin, topic, partitions)) {
        return;
      }
      Thread.sleep(50); // metadata propagation has no event to wait on
    }
    throw new IllegalStateException(
        "topic " + topic + " not ready on every broker within " + TIMEOUT.toSeconds() + " s");
  }

  private static boolean ready(Admin admin, String topic, int partitions) throws Exception {
    try {
      TopicDescription description =
          admin
              .describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs(5000))
              .allTopicNames()
              .get(10, TimeUnit.SECONDS)
              .get(topic);
      return description.partitions().size() == partitions
          && description.partitions().stream()
              .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return false;
      }
      throw e;
    }
  }
}
