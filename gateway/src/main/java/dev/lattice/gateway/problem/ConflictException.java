package dev.lattice.gateway.problem;

import org.springframework.http.HttpStatus;

/** The request conflicts with the current state (it already exists, or the state forbids it). */
public class ConflictException extends ApiProblemException {
  public ConflictException(String detail) {
    super(HttpStatus.CONFLICT, "conflict", "Conflict with the current state", detail);
  }
}
