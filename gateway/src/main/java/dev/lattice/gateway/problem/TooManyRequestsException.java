package dev.lattice.gateway.problem;

import java.util.Map;
import org.springframework.http.HttpStatus;

/** A per-tenant limit (such as open delivery streams per brand) is reached; answered 429. */
public class TooManyRequestsException extends ApiProblemException {
  public TooManyRequestsException(String detail, int limit, String setting) {
    super(
        HttpStatus.TOO_MANY_REQUESTS,
        "too-many-requests",
        "Too many requests",
        detail + " (limit " + limit + ", setting " + setting + ")",
        Map.of("limit", limit));
  }
}
