package dev.lattice.testsupport.internal;

import dev.lattice.kafka.embedded.EmbeddedKafkaCluster;
import dev.lattice.kafka.embedded.KafkaClusterSpec;
import dev.lattice.testsupport.TestKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** An in-JVM KRaft cluster in a fresh directory under {@code java.io.tmpdir}, deleted on close. */
public final class InJvmKafka implements TestKafka, AutoCloseable {
  private final EmbeddedKafkaCluster cluster;
  private final Path dataDir;

  private InJvmKafka(EmbeddedKafkaCluster cluster, Path dataDir) {
    this.cluster = cluster;
    this.dataDir = dataDir;
  }

  public static InJvmKafka start(int brokers) {
    Path dir;
    try {
      // The build points java.io.tmpdir into target/, which may not exist yet.
      Path tmp = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
      dir = Files.createTempDirectory(tmp, "lattice-kafka-" + brokers + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create a data directory for the in-JVM Kafka cluster", e);
    }
    return new InJvmKafka(EmbeddedKafkaCluster.start(KafkaClusterSpec.of(brokers, dir)), dir);
  }

  @Override
  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  @Override
  public int brokerCount() {
    return cluster.size();
  }

  @Override
  public String source() {
    return "in-JVM";
  }

  @Override
  public boolean supportsBrokerControl() {
    return true;
  }

  @Override
  public void stopBroker(int nodeId) {
    cluster.stopNode(nodeId);
  }

  @Override
  public void startBroker(int nodeId) {
    cluster.startNode(nodeId);
  }

  @Override
  public void close() throws IOException {
    cluster.close();
    deleteRecursively(dataDir);
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  @Override
  public String toString() {
    return "in-JVM Kafka " + bootstrapServers();
  }
}
