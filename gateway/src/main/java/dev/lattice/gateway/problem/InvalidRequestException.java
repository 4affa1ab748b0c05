package dev.lattice.gateway.problem;

import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;

/** The request is well-formed HTTP but its content is invalid; lists every error found. */
public class InvalidRequestException extends ApiProblemException {

  private final List<FieldProblem> errors;

  public InvalidRequestException(String detail, List<FieldProblem> errors) {
    super(
        HttpStatus.BAD_REQUEST,
        "invalid-request",
        "Invalid request",
        detail,
        Map.of("errors", List.copyOf(errors)));
    this.errors = List.copyOf(errors);
  }

  public InvalidRequestException(String detail) {
    this(detail, List.of());
  }

  public List<FieldProblem> errors() {
    return errors;
  }
}
