package dev.lattice.streams;

/** Sealed personal data could not be opened with the member's key. */
public class PayloadUnsealException extends RuntimeException {
  public PayloadUnsealException(String message, Throwable cause) {
    super(message, cause);
  }
}
