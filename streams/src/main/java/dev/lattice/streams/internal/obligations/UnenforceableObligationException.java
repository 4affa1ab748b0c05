package dev.lattice.streams.internal.obligations;

/**
 * The policy asked for an obligation the topology cannot carry out on this event (unknown path, a
 * non-text identifier, an unknown generalisation level). The event is not delivered (fail closed).
 */
public class UnenforceableObligationException extends RuntimeException {
  public UnenforceableObligationException(String message) {
    super(message);
  }
}
