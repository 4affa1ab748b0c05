package dev.lattice.gateway.kafka;

/** The configured Kafka cluster did not answer within the connect timeout. */
public class KafkaUnreachableException extends RuntimeException {
  public KafkaUnreachableException(String message, Throwable cause) {
    super(message, cause);
  }
}
