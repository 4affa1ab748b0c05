package dev.lattice.gateway.events;

import dev.lattice.gateway.problem.ApiProblemException;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * This instance's view of a shared topic did not catch up in time (Kafka slow or unreachable): the
 * answer could be stale or a wrong "not found", so none is given. A write that was acknowledged
 * stays written; the caller may retry.
 */
public final class ViewBehindException extends ApiProblemException {
  public ViewBehindException(String topic) {
    super(
        HttpStatus.SERVICE_UNAVAILABLE,
        "view-behind",
        "Shared state not current",
        "This instance has not caught up with "
            + topic
            + " yet (Kafka slow or unreachable); retry shortly",
        Map.of(RETRY_AFTER, 1));
  }
}
