package dev.lattice.streams;

/**
 * The state asked for is not queryable on this instance right now: the topology is starting or
 * rebalancing, or the key's partition is hosted elsewhere. Answering "nothing found" would be
 * wrong; the caller should retry shortly (or ask the instance that hosts the key).
 */
public final class StateNotQueryableException extends RuntimeException {
  public StateNotQueryableException(String message) {
    super(message);
  }

  public StateNotQueryableException(String message, Throwable cause) {
    super(message, cause);
  }
}
