package dev.lattice.policy.internal.rego.eval;

import dev.lattice.policy.RegoException;

/** Step and deadline budget of one evaluation, shared by nested {@code with} scopes. */
final class Budget {
  private final long maxSteps;
  private final long deadlineNanos;
  private long steps;

  /** Per-evaluation choices of non-deterministic built-ins (see BuiltinContext#memo); lazy. */
  private java.util.Map<String, dev.lattice.policy.internal.rego.value.Value> memo;

  /** The evaluation's clock in ns since the epoch (see {@link #now}); valid when nowKnown. */
  private long nowNanos;

  private boolean nowKnown;

  int depth;

  /** Locations of evaluated expressions and fired rule heads, or null when coverage is off. */
  java.util.Set<dev.lattice.policy.Location> covered;

  /**
   * Record a {@code fail} trace event for every expression that had no solution (explain=fails);
   * only with a trace.
   */
  boolean traceFails;

  static final int MAX_DEPTH = 2_000;

  Budget(long maxSteps, long deadlineNanos) {
    this.maxSteps = maxSteps <= 0 ? Long.MAX_VALUE : maxSteps;
    this.deadlineNanos = deadlineNanos;
  }

  void step() {
    if (++steps > maxSteps) {
      throw new RegoException(
          RegoException.BUDGET, "evaluation exceeded its budget of " + maxSteps + " steps");
    }
    if ((steps & 1023) == 0 && deadlineNanos != 0 && System.nanoTime() - deadlineNanos > 0) {
      throw new RegoException(RegoException.BUDGET, "evaluation exceeded its deadline");
    }
  }

  void add(long n) {
    steps += n;
    step();
  }

  long steps() {
    return steps;
  }

  java.util.Map<String, dev.lattice.policy.internal.rego.value.Value> memo() {
    if (memo == null) memo = new java.util.HashMap<>();
    return memo;
  }

  /**
   * The evaluation's "now", the same for every call in it (and its {@code with} scopes): the time
   * the options fix, else the clock when a built-in first asks (most evaluations never do, and
   * reading the clock was 2 % of a small one).
   */
  long now() {
    if (!nowKnown) fixNow(epochNanos(java.time.Instant.now()));
    return nowNanos;
  }

  void fixNow(long epochNanos) {
    nowNanos = epochNanos;
    nowKnown = true;
  }

  static long epochNanos(java.time.Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
