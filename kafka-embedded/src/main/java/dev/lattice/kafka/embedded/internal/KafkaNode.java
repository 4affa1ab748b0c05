package dev.lattice.kafka.embedded.internal;

import dev.lattice.kafka.embedded.EmbeddedKafkaException;
import dev.lattice.kafka.embedded.KafkaDataDirectoryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One combined broker+controller KRaft node running in this JVM. Its ports and directory are fixed
 * at construction, so {@link #stop()} followed by {@link #start()} brings the same node back at the
 * same address with its data.
 *
 * <p>Not thread-safe: the owning cluster serialises calls per node.
 */
public final class KafkaNode {
  private static final Logger LOGGER = LoggerFactory.getLogger(KafkaNode.class);
  static final String CONTROLLER_LISTENER = "CONTROLLER";
  static final String BROKER_LISTENER = "PLAINTEXT";

  private final int nodeId;
  private final Path directory;
  private final int brokerPort;
  private final int controllerPort;
  private final Map<String, String> properties;
  private KafkaRaftServer server;

  public KafkaNode(
      int nodeId,
      Path directory,
      int brokerPort,
      int controllerPort,
      Map<String, String> properties) {
    this.nodeId = nodeId;
    this.directory = directory;
    this.brokerPort = brokerPort;
    this.controllerPort = controllerPort;
    this.properties = Map.copyOf(properties);
  }

  public int nodeId() {
    return nodeId;
  }

  public int brokerPort() {
    return brokerPort;
  }

  public int controllerPort() {
    return controllerPort;
  }

  public String bootstrapAddress() {
    return "localhost:" + brokerPort;
  }

  public boolean isRunning() {
    return server != null;
  }

  Path logDir() {
    return directory.resolve("data");
  }

  /** The cluster id stored in this node's {@code meta.properties}, if it was formatted before. */
  public static Optional<String> storedClusterId(Path nodeDirectory) {
    Path meta = nodeDirectory.resolve("data").resolve("meta.properties");
    if (!Files.isRegularFile(meta)) {
      return Optional.empty();
    }
    Properties props = new Properties();
    try (InputStream in = Files.newInputStream(meta)) {
      props.load(in);
    } catch (IOException e) {
      throw new EmbeddedKafkaException("cannot read " + meta + ": " + e.getMessage(), e);
    }
    return Optional.ofNullable(props.getProperty("cluster.id"));
  }

  /**
   * Formats this node's storage for {@code clusterId} unless it already holds a {@code
   * meta.properties}.
   */
  public void formatIfNeeded(String clusterId) {
    ensureWritable(directory);
    if (storedClusterId(directory).isPresent()) {
      return;
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      new Formatter()
          .setPrintStream(print)
          .setNodeId(nodeId)
          .setClusterId(clusterId)
          .setDirectories(List.of(logDir().toString()))
          .setMetadataLogDirectory(logDir().toString())
          .setControllerListenerName(CONTROLLER_LISTENER)
          .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .run();
    } catch (Exception e) {
      throw new EmbeddedKafkaException(
          "cannot format Kafka storage in " + logDir() + ": " + e.getMessage(), e);
    }
    LOGGER.debug(
        "Formatted node storage nodeId={} output={}",
        nodeId,
        output.toString(StandardCharsets.UTF_8).trim());
  }

  public void start() {
    if (server != null) {
      return;
    }
    KafkaExitGuard.install();
    Map<String, Object> config = new HashMap<>(properties);
    config.put("node.id", String.valueOf(nodeId));
    config.put("log.dirs", logDir().toString());
    config.put("metadata.log.dir", logDir().toString());
    config.put(
        "listeners",
        BROKER_LISTENER
            + "://localhost:"
            + brokerPort
            + ","
            + CONTROLLER_LISTENER
            + "://localhost:"
            + controllerPort);
    config.put("advertised.listeners", BROKER_LISTENER + "://localhost:" + brokerPort);
    KafkaRaftServer started = new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
    try {
      started.startup();
    } catch (RuntimeException e) {
      try {
        started.shutdown();
        started.awaitShutdown();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new EmbeddedKafkaException(
          "Kafka node " + nodeId + " failed to start on port " + brokerPort + ": " + e.getMessage(),
          e);
    }
    server = started;
    LOGGER.info("Kafka node started nodeId={} bootstrap={}", nodeId, bootstrapAddress());
  }

  public void stop() {
    KafkaRaftServer running = server;
    if (running == null) {
      return;
    }
    server = null;
    running.shutdown();
    running.awaitShutdown();
    LOGGER.info("Kafka node stopped nodeId={}", nodeId);
  }

  static void ensureWritable(Path dir) {
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".write-probe", ".tmp");
      Files.delete(probe);
    } catch (IOException | SecurityException e) {
      throw new KafkaDataDirectoryException(
          "data directory "
              + dir.toAbsolutePath()
              + " is not writable ("
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + ")",
          e);
    }
  }
}
