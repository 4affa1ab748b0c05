package dev.lattice.streams;

import dev.lattice.streams.internal.obligations.Pseudonymiser;

/**
 * Links what a recipient received back to the audit record it was decided by, for whoever holds the
 * installation's pseudonym secret ({@code lattice.streams.pseudonym-secret}): an operator checking
 * the decision log against the outputs (the chaos test's invariant checker does). The topology
 * re-keys the ids it writes for each destination (docs/privacy.md), so a recipient cannot join
 * them; with the secret the same keyed ids are recomputed here. Thread-safe.
 */
public final class DeliveryReferences {
  private final Pseudonymiser ids;

  /**
   * @param pseudonymSecret the installation's pseudonym secret (at least 32 bytes)
   * @throws IllegalArgumentException when the secret is shorter than 32 bytes
   */
  public DeliveryReferences(byte[] pseudonymSecret) {
    this.ids = new Pseudonymiser(pseudonymSecret);
  }

  /** The decision reference a brand's copy of an offer delivery carries for an audit decision. */
  public String brandDecisionReference(String decisionId, String brand) {
    return ids.keyedId("dec-", "brand-decision", decisionId, brand);
  }

  /**
   * The event id an event carries at a destination whose obligations re-key ids.
   *
   * @param destinationKind {@code network} or {@code brand}
   */
  public String eventIdAt(String destinationKind, String destinationId, String eventId) {
    return ids.keyedId("evt-", "event", destinationKind + ":" + destinationId, eventId);
  }
}
