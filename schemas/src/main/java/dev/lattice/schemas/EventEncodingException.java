package dev.lattice.schemas;

/**
 * A record could not be encoded, typically because a required field is null or a value does not
 * match its schema. The message names the record and field; never the value.
 */
public final class EventEncodingException extends RuntimeException {
  public EventEncodingException(String message, Throwable cause) {
    super(message, cause);
  }
}
