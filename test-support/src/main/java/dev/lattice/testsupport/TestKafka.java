package dev.lattice.testsupport;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * A real Kafka cluster for a test: its address, client properties, and (for the in-JVM cluster)
 * control over single brokers. Obtain one with {@link WithKafka}.
 *
 * <p>Thread-safe.
 */
public interface TestKafka {

  /** Comma-separated {@code host:port} list. */
  String bootstrapServers();

  /** Brokers in the cluster. */
  int brokerCount();

  /**
   * Where the cluster comes from, for messages: "in-JVM", "Testcontainers" or
   * "KAFKA_BOOTSTRAP_SERVERS".
   */
  String source();

  /** Whether {@link #stopBroker(int)} and {@link #startBroker(int)} are available. */
  boolean supportsBrokerControl();

  /**
   * Stops broker {@code nodeId} (0-based) and returns when it is down.
   *
   * @throws UnsupportedOperationException when the cluster is not in-JVM
   */
  void stopBroker(int nodeId);

  /**
   * Starts broker {@code nodeId} again on its former address and data; returns once it has
   * registered.
   *
   * @throws UnsupportedOperationException when the cluster is not in-JVM
   */
  void startBroker(int nodeId);

  /** Client properties with just the bootstrap servers; a fresh mutable map. */
  default Map<String, Object> clientProperties() {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return props;
  }

  /** Producer properties: bootstrap servers, {@code acks=all}, idempotence on. */
  default Map<String, Object> producerProperties() {
    Map<String, Object> props = clientProperties();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return props;
  }

  /**
   * Consumer properties for group {@code groupId}, reading from the earliest offset, auto-commit
   * off.
   */
  default Map<String, Object> consumerProperties(String groupId) {
    Map<String, Object> props = clientProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return props;
  }

  /** An admin client; the caller closes it. */
  default Admin admin() {
    return Admin.create(clientProperties());
  }

  /**
   * Creates a topic and waits until it can be described with a leader for each partition;
   * replication is capped at the broker count.
   */
  default void createTopic(
      String name, int partitions, int replicationFactor, Map<String, String> configs) {
    try (Admin admin = admin()) {
      admin
          .createTopics(
              java.util.List.of(
                  new NewTopic(name, partitions, (short) Math.min(replicationFactor, brokerCount()))
                      .configs(configs)))
          .all()
          .get(60, TimeUnit.SECONDS);
      TopicReadiness.await(admin, name, partitions);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + name, e);
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot create topic " + name + " on " + source() + " Kafka: " + e.getMessage(), e);
    }
  }

  /**
   * {@code prefix} plus a suffix unique in this JVM run, for topic and group names on a shared
   * cluster.
   */
  default String uniqueName(String prefix) {
    return prefix + "-" + UniqueNames.NEXT.incrementAndGet() + "-" + UniqueNames.RUN;
  }

  /** Holds the counter behind {@link #uniqueName(String)}. */
  final class UniqueNames {
    static final AtomicLong NEXT = new AtomicLong();
    static final String RUN = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);

    private UniqueNames() {}
  }
}
