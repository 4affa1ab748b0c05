package dev.lattice.streams.internal.enforce;

import dev.lattice.policy.DecisionInput.Destination;

/** One candidate destination of an event (for offers: one member of one target network). */
public record Candidate(Destination destination, String memberId) {}
