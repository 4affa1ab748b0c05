package dev.lattice.streams.internal.codec;

/** A record's bytes cannot be read as the type its topic carries. */
public class UndecodableRecordException extends RuntimeException {
  public UndecodableRecordException(String message) {
    super(message);
  }

  public UndecodableRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
