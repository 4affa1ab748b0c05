package dev.lattice.kafka.embedded;

/**
 * An in-JVM Kafka node could not be formatted, started, stopped or restarted. The message says why.
 */
public class EmbeddedKafkaException extends RuntimeException {
  public EmbeddedKafkaException(String message) {
    super(message);
  }

  public EmbeddedKafkaException(String message, Throwable cause) {
    super(message, cause);
  }
}
