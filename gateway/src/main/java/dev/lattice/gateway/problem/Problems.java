package dev.lattice.gateway.problem;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/** Builds the RFC 9457 problem documents the gateway answers with. */
public final class Problems {

  /** Base URI of Lattice's problem types; each type is documented in gateway/README.md. */
  public static final String TYPE_BASE = "https://lattice.dev/problems/";

  private Problems() {}

  public static URI type(String slug) {
    return URI.create(TYPE_BASE + slug);
  }

  public static ProblemDetail of(HttpStatusCode status, String type, String title, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setType(type(type));
    problem.setTitle(title);
    return problem;
  }

  public static ProblemDetail of(ApiProblemException e) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
    problem.setType(e.type());
    problem.setTitle(e.title());
    e.properties().forEach(problem::setProperty);
    return problem;
  }

  public static ProblemDetail invalid(String detail, List<FieldProblem> errors) {
    ProblemDetail problem =
        of(
            org.springframework.http.HttpStatus.BAD_REQUEST,
            "invalid-request",
            "Invalid request",
            detail);
    problem.setProperties(Map.of("errors", List.copyOf(errors)));
    return problem;
  }
}
