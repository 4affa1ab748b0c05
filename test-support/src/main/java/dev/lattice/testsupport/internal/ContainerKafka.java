package dev.lattice.testsupport.internal;

import dev.lattice.testsupport.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.utils.AppInfoParser;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * One broker in Testcontainers' Kafka container, same version as the Kafka clients on the
 * classpath. Used when a Docker engine is available and no {@code KAFKA_BOOTSTRAP_SERVERS} is set.
 */
public final class ContainerKafka implements TestKafka, AutoCloseable {
  private final KafkaContainer container;

  private ContainerKafka(KafkaContainer container) {
    this.container = container;
  }

  /**
   * Whether a Docker engine answers. Asks Testcontainers only when there is a hint of one
   * (DOCKER_HOST, the default socket or a Testcontainers configuration), because probing without an
   * engine is slow.
   */
  public static boolean dockerAvailable() {
    boolean hint =
        System.getenv("DOCKER_HOST") != null
            || Files.exists(Path.of("/var/run/docker.sock"))
            || Files.exists(Path.of(System.getProperty("user.home"), ".testcontainers.properties"));
    if (!hint) {
      return false;
    }
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException e) {
      return false;
    }
  }

  public static ContainerKafka start() {
    KafkaContainer container =
        new KafkaContainer(DockerImageName.parse("apache/kafka:" + AppInfoParser.getVersion()));
    container.start();
    return new ContainerKafka(container);
  }

  @Override
  public String bootstrapServers() {
    return container.getBootstrapServers();
  }

  @Override
  public int brokerCount() {
    return 1;
  }

  @Override
  public String source() {
    return "Testcontainers";
  }

  @Override
  public boolean supportsBrokerControl() {
    return false;
  }

  @Override
  public void stopBroker(int nodeId) {
    throw new UnsupportedOperationException(
        "the Testcontainers broker cannot be stopped from a test; "
            + "use @WithKafka(brokerControl = true)");
  }

  @Override
  public void startBroker(int nodeId) {
    stopBroker(nodeId);
  }

  @Override
  public void close() {
    container.stop();
  }
}
