package dev.lattice.gateway.problem;

import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * The caller's credential is valid but does not act for the tenant the request names (another
 * network's events, another brand's offers). Answered 403 with a detail saying which tenant.
 */
public class ForbiddenException extends ApiProblemException {
  public ForbiddenException(String detail) {
    super(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", detail);
  }

  /** A 403 listing every part of the request that names another tenant. */
  public ForbiddenException(String detail, List<FieldProblem> errors) {
    super(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", detail, Map.of("errors", errors));
  }
}
