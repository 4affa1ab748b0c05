package dev.lattice.policy.internal.rego.eval;

import dev.lattice.policy.internal.rego.value.Value;

/** Value continuation: receives one value; returns true to stop searching. */
@FunctionalInterface
interface ValueContinuation {
  boolean apply(Value v);
}
