package dev.lattice.kafka.embedded;

/** The data directory of an in-JVM Kafka node cannot be created or written. */
public class KafkaDataDirectoryException extends EmbeddedKafkaException {
  public KafkaDataDirectoryException(String message, Throwable cause) {
    super(message, cause);
  }
}
