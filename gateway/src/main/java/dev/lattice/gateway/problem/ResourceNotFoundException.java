package dev.lattice.gateway.problem;

import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;

/** The request names a resource (network, brand, revision, key, …) that does not exist. */
public class ResourceNotFoundException extends ApiProblemException {
  public ResourceNotFoundException(String kind, String id) {
    super(
        HttpStatus.NOT_FOUND,
        "not-found",
        "Resource not found",
        "No " + kind + " with id '" + id + "' exists");
  }

  /**
   * A request body names something that does not exist (an API key for an unknown network): 404
   * with the detail saying how to create it, and {@code errors} naming the field.
   */
  public ResourceNotFoundException(String detail, List<FieldProblem> errors) {
    super(
        HttpStatus.NOT_FOUND,
        "not-found",
        "Resource not found",
        detail,
        Map.of("errors", List.copyOf(errors)));
  }
}
