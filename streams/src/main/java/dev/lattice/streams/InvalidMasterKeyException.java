package dev.lattice.streams;

/**
 * The master key's text ({@code LATTICE_MASTER_KEY} or the key file) is not base64 of 32 bytes, or
 * no usable master key is configured.
 */
public class InvalidMasterKeyException extends RuntimeException {
  public InvalidMasterKeyException(String message) {
    super(message);
  }

  public InvalidMasterKeyException(String message, Throwable cause) {
    super(message, cause);
  }
}
