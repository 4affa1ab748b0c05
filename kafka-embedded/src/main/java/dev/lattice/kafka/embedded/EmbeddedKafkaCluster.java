package dev.lattice.kafka.embedded;

import dev.lattice.kafka.embedded.internal.FreePorts;
import dev.lattice.kafka.embedded.internal.KafkaNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka cluster of 1 or 3 combined broker+controller KRaft nodes running inside this JVM,
 * built on {@code kafka.server.KafkaRaftServer}.
 *
 * <p>Storage is formatted on first start and reused afterwards (the cluster id lives in each node's
 * {@code meta.properties}), so a cluster started again on the same directory finds its topics and
 * data. Ports are chosen once, so a stopped and restarted node keeps its address. Kafka's exit/halt
 * procedures are replaced, so a broker fault never terminates the host JVM. Replication settings
 * adapt to the size: internal topics use replication factor {@code min(3, nodes)} and min ISR
 * {@code min(2, nodes)}.
 *
 * <p>Thread-safe: all lifecycle methods are synchronized.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {
  private static final Logger LOGGER = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  private final KafkaClusterSpec spec;
  private final List<KafkaNode> nodes;
  private final String clusterId;

  private EmbeddedKafkaCluster(KafkaClusterSpec spec, List<KafkaNode> nodes, String clusterId) {
    this.spec = spec;
    this.nodes = nodes;
    this.clusterId = clusterId;
  }

  /**
   * Formats (when needed) and starts every node, and returns once all brokers are registered and
   * serving.
   *
   * @throws KafkaDataDirectoryException when the data directory cannot be created or written
   * @throws EmbeddedKafkaException when a node fails to start or the cluster is not ready within 90
   *     s
   */
  public static EmbeddedKafkaCluster start(KafkaClusterSpec spec) {
    long begin = System.nanoTime();
    int size = spec.nodes();
    List<Integer> brokerPorts = new ArrayList<>();
    List<Integer> controllerPorts = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      brokerPorts.add(
          i == 0 && spec.firstBrokerPort() != 0 ? spec.firstBrokerPort() : FreePorts.pick());
      controllerPorts.add(FreePorts.pick());
    }
    String voters =
        java.util.stream.IntStream.range(0, size)
            .mapToObj(i -> i + "@localhost:" + controllerPorts.get(i))
            .collect(Collectors.joining(","));
    Map<String, String> properties = defaultBrokerProperties(size);
    properties.put("controller.quorum.voters", voters);
    properties.putAll(spec.brokerOverrides());

    List<KafkaNode> nodes = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      nodes.add(
          new KafkaNode(
              i,
              spec.dataDir().resolve("node-" + i),
              brokerPorts.get(i),
              controllerPorts.get(i),
              properties));
    }
    String clusterId = existingClusterId(spec).orElseGet(() -> Uuid.randomUuid().toString());
    nodes.forEach(node -> node.formatIfNeeded(clusterId));

    EmbeddedKafkaCluster cluster = new EmbeddedKafkaCluster(spec, List.copyOf(nodes), clusterId);
    try {
      // Combined nodes need a quorum before a broker finishes starting: start them all at once.
      cluster.inParallel(cluster.nodes, KafkaNode::start);
      cluster.awaitBrokers(size);
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    LOGGER.info(
        "Embedded Kafka cluster ready nodes={} bootstrap={} startMillis={}",
        size,
        cluster.bootstrapServers(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
    return cluster;
  }

  /**
   * Lattice's broker defaults for a cluster of {@code size} nodes; {@link
   * KafkaClusterSpec#brokerOverrides()} win.
   */
  static Map<String, String> defaultBrokerProperties(int size) {
    String replication = String.valueOf(Math.min(3, size));
    String minIsr = String.valueOf(Math.min(2, size));
    Map<String, String> p = new HashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("offsets.topic.replication.factor", replication);
    p.put("offsets.topic.num.partitions", "10");
    p.put("transaction.state.log.replication.factor", replication);
    p.put("transaction.state.log.min.isr", minIsr);
    p.put("transaction.state.log.num.partitions", "10");
    p.put("share.coordinator.state.topic.replication.factor", replication);
    p.put("share.coordinator.state.topic.min.isr", minIsr);
    p.put("default.replication.factor", replication);
    p.put("num.partitions", "1");
    // Tests and the dev broker want consumer groups to start at once, not after the 3 s production
    // delay.
    p.put("group.initial.rebalance.delay.ms", "0");
    return p;
  }

  private static Optional<String> existingClusterId(KafkaClusterSpec spec) {
    for (int i = 0; i < spec.nodes(); i++) {
      Optional<String> id = KafkaNode.storedClusterId(spec.dataDir().resolve("node-" + i));
      if (id.isPresent()) {
        return id;
      }
    }
    return Optional.empty();
  }

  /** Comma-separated {@code host:port} of every node, running or not. */
  public String bootstrapServers() {
    return nodes.stream().map(KafkaNode::bootstrapAddress).collect(Collectors.joining(","));
  }

  public int size() {
    return nodes.size();
  }

  public String clusterId() {
    return clusterId;
  }

  public KafkaClusterSpec spec() {
    return spec;
  }

  /** The replication factor Lattice's topics should use on this cluster: {@code min(3, size)}. */
  public int replicationFactor() {
    return Math.min(3, size());
  }

  public synchronized boolean isRunning(int nodeId) {
    return node(nodeId).isRunning();
  }

  /** Stops node {@code nodeId} (its broker and controller); a no-op when it is stopped already. */
  public synchronized void stopNode(int nodeId) {
    node(nodeId).stop();
  }

  /**
   * Starts node {@code nodeId} again on its former ports and data; returns once the broker has
   * registered. A no-op when it is running.
   */
  public synchronized void startNode(int nodeId) {
    node(nodeId).start();
    awaitBrokers(runningCount());
  }

  /** Stops and starts node {@code nodeId}. */
  public synchronized void restartNode(int nodeId) {
    stopNode(nodeId);
    startNode(nodeId);
  }

  /**
   * Stops every node, in parallel (one after another can lose the quorum and stall). Idempotent.
   */
  @Override
  public synchronized void close() {
    inParallel(nodes, KafkaNode::stop);
  }

  /** Properties a client needs to reach this cluster. */
  public Properties clientProperties() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return props;
  }

  private int runningCount() {
    return (int) nodes.stream().filter(KafkaNode::isRunning).count();
  }

  private KafkaNode node(int nodeId) {
    if (nodeId < 0 || nodeId >= nodes.size()) {
      throw new IllegalArgumentException(
          "node id must be between 0 and " + (nodes.size() - 1) + ", was " + nodeId);
    }
    return nodes.get(nodeId);
  }

  private void awaitBrokers(int expected) {
    Properties props = clientProperties();
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    String last = "no answer";
    try (Admin admin = Admin.create(props)) {
      while (System.nanoTime() < deadline) {
        try {
          int registered =
              admin
                  .describeCluster(new DescribeClusterOptions().timeoutMs(5000))
                  .nodes()
                  .get(5, TimeUnit.SECONDS)
                  .size();
          if (registered >= expected) {
            return;
          }
          last = registered + " of " + expected + " brokers registered";
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
          last = e.getMessage();
        }
        Thread.sleep(100); // polling the cluster's own state; there is no event to wait on
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedKafkaException("interrupted while waiting for the Kafka cluster", e);
    }
    throw new EmbeddedKafkaException(
        "Kafka cluster not ready within " + READY_TIMEOUT.toSeconds() + " s: " + last);
  }

  private void inParallel(List<KafkaNode> targets, Consumer<KafkaNode> action) {
    if (targets.size() == 1) {
      action.accept(targets.get(0));
      return;
    }
    List<CompletableFuture<Void>> futures =
        targets.stream()
            .map(
                node ->
                    CompletableFuture.runAsync(
                        () -> action.accept(node),
                        runnable -> {
                          Thread thread =
                              new Thread(runnable, "kafka-node-" + node.nodeId() + "-lifecycle");
                          thread.start();
                        }))
            .toList();
    try {
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }
}
