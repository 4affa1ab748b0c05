package dev.lattice.policy.internal.rego.builtins;

import dev.lattice.policy.internal.rego.value.Value;

/** What a built-in may ask of the evaluation it runs in. */
public interface BuiltinContext {
  /** {@code time.now_ns()} of this evaluation, fixed for its duration. */
  long nowNanos();

  /** Records {@code print} output. */
  void print(String message);

  /** Counts work done inside a built-in against the evaluation budget. */
  void step(long n);

  /**
   * Values a non-deterministic built-in chose in this evaluation ({@code rand.intn}, {@code
   * uuid.rfc4122}), so that the same call gives the same value within one evaluation.
   */
  default java.util.Map<String, Value> memo() {
    return new java.util.HashMap<>();
  }

  /** Records a {@code trace(note)} message (kept with the evaluation's trace when it is on). */
  default void note(String message) {
    print(message);
  }
}
