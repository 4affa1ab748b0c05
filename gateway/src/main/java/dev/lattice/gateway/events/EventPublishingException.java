package dev.lattice.gateway.events;

import dev.lattice.gateway.problem.ApiProblemException;
import org.springframework.http.HttpStatus;

/** Kafka did not acknowledge a record in time; nothing was accepted, the caller may retry. */
public final class EventPublishingException extends ApiProblemException {
  public EventPublishingException(String topic, Throwable cause) {
    super(
        HttpStatus.SERVICE_UNAVAILABLE,
        "kafka-unavailable",
        "Kafka unavailable",
        "Kafka did not acknowledge the write to "
            + topic
            + " ("
            + (cause == null ? "unknown cause" : cause.getClass().getSimpleName())
            + "); nothing was accepted, retry later");
    initCause(cause);
  }
}
