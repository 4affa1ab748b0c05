package dev.lattice.streams.internal.consent;

/**
 * A consent command that cannot be applied; {@link #code()} is the stable rejection reason code.
 */
public class InvalidConsentCommandException extends RuntimeException {
  private final String code;

  public InvalidConsentCommandException(String code, String message) {
    super(message);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
