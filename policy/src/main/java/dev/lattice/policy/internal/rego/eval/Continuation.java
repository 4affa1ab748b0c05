package dev.lattice.policy.internal.rego.eval;

/** Continuation: run the rest of the evaluation; returns true to stop searching. */
@FunctionalInterface
interface Continuation {
  boolean run();
}
