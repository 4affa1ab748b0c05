package dev.lattice.policy.internal.rego.value;

/** A Java value handed to the engine that is not JSON-like. */
public final class NotJsonException extends RuntimeException {
  public NotJsonException(String message) {
    super(message);
  }
}
