package dev.lattice.policy.internal.rego.builtins;

/** What a built-in may ask of the evaluation it runs in. */
public interface BuiltinContext {
  /** {@code time.now_ns()} of this evaluation, fixed for its duration. */
  long nowNanos();

  /** Records {@code print} output. */
  void print(String message);

  /** Counts work done inside a built-in against the evaluation budget. */
  void step(long n);
}
