package dev.lattice.policy;

import java.time.Duration;
import java.time.Instant;

/**
 * Options for one evaluation.
 *
 * @param maxSteps evaluation step budget (an expression or rule body evaluated counts one step);
 *     {@code <= 0} means unlimited
 * @param deadline wall-clock budget, or {@code null} for none
 * @param trace record fired rules and {@code print} output in {@link QueryResult#trace()}
 * @param strictBuiltinErrors built-in errors abort evaluation instead of making the expression
 *     undefined (OPA's {@code strict-builtin-errors})
 * @param now the value {@code time.now_ns()} returns, or {@code null} for the clock at the start
 * @param traceFails with {@code trace}, also record a {@code fail} event for every expression that
 *     had no solution (false or undefined), as OPA's {@code --explain=fails}
 */
public record EvalOptions(
    long maxSteps,
    Duration deadline,
    boolean trace,
    boolean strictBuiltinErrors,
    Instant now,
    boolean traceFails) {

  /** Without failed-expression events. */
  public EvalOptions(
      long maxSteps, Duration deadline, boolean trace, boolean strictBuiltinErrors, Instant now) {
    this(maxSteps, deadline, trace, strictBuiltinErrors, now, false);
  }

  public static final long DEFAULT_MAX_STEPS = 10_000_000L;

  /** 10 million steps, a 5 second deadline, no trace, lenient built-in errors, current time. */
  public static EvalOptions defaults() {
    return new EvalOptions(DEFAULT_MAX_STEPS, Duration.ofSeconds(5), false, false, null);
  }

  public EvalOptions withTrace(boolean on) {
    return new EvalOptions(maxSteps, deadline, on, strictBuiltinErrors, now, traceFails);
  }

  public EvalOptions withStrictBuiltinErrors(boolean on) {
    return new EvalOptions(maxSteps, deadline, trace, on, now, traceFails);
  }

  public EvalOptions withMaxSteps(long steps) {
    return new EvalOptions(steps, deadline, trace, strictBuiltinErrors, now, traceFails);
  }

  public EvalOptions withDeadline(Duration d) {
    return new EvalOptions(maxSteps, d, trace, strictBuiltinErrors, now, traceFails);
  }

  public EvalOptions withNow(Instant instant) {
    return new EvalOptions(maxSteps, deadline, trace, strictBuiltinErrors, instant, traceFails);
  }

  /** Also record failed expressions in the trace (see {@link #traceFails}); implies a trace. */
  public EvalOptions withTraceFails(boolean on) {
    return new EvalOptions(maxSteps, deadline, trace || on, strictBuiltinErrors, now, on);
  }
}
