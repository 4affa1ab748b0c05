package dev.lattice.gateway.problem;

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
}
