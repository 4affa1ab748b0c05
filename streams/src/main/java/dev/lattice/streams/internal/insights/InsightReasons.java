package dev.lattice.streams.internal.insights;

/** Reason codes of insight decisions made by the topology itself (audited like policy reasons). */
public final class InsightReasons {
  /** The noisy count did not reach the release threshold τ. */
  public static final String BELOW_THRESHOLD = "insight.below_threshold";

  /** The brand and network's budget for the UTC day cannot pay for one more cell. */
  public static final String DAILY_BUDGET_SPENT = "insight.daily_budget_spent";

  /** The brand and network's lifetime budget cannot pay for one more cell. */
  public static final String LIFETIME_BUDGET_SPENT = "insight.lifetime_budget_spent";

  private InsightReasons() {}
}
