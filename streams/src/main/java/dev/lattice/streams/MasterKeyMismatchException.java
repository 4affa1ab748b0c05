package dev.lattice.streams;

/**
 * A wrapped member key does not open with the configured master key: {@code LATTICE_MASTER_KEY} or
 * the key file is not the one the key was wrapped under (or the record was altered).
 */
public class MasterKeyMismatchException extends RuntimeException {
  public MasterKeyMismatchException(String message) {
    super(message);
  }
}
