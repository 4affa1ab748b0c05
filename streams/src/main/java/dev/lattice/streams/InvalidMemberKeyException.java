package dev.lattice.streams;

/** Bytes that should hold a member key are not a Tink AEAD keyset. */
public class InvalidMemberKeyException extends RuntimeException {
  public InvalidMemberKeyException(String message) {
    super(message);
  }

  public InvalidMemberKeyException(String message, Throwable cause) {
    super(message, cause);
  }
}
