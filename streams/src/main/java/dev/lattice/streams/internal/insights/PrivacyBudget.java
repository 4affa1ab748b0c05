package dev.lattice.streams.internal.insights;

/**
 * Sequential composition of the per-brand, per-network, per-day epsilon budget: every release costs
 * {@code epsilonPerRelease}; a release that would take the day's spend above {@code dailyEpsilon}
 * is refused. Spends are tracked in micro-epsilon (a long) so that rounding never lets the sum
 * creep past the budget.
 */
public record PrivacyBudget(double dailyEpsilon, double epsilonPerRelease) {
  public PrivacyBudget {
    if (!(dailyEpsilon > 0) || !(epsilonPerRelease > 0) || epsilonPerRelease > dailyEpsilon) {
      throw new IllegalArgumentException(
          "insights privacy budget needs 0 < epsilon-per-release <= daily epsilon, got per release "
              + epsilonPerRelease
              + " and daily "
              + dailyEpsilon);
    }
  }

  public long costMicros() {
    return Math.round(epsilonPerRelease * 1_000_000d);
  }

  public long dailyMicros() {
    return Math.round(dailyEpsilon * 1_000_000d);
  }

  /**
   * Whether one more release fits on a day on which {@code spentMicros} have already been spent.
   */
  public boolean allows(long spentMicros) {
    return spentMicros + costMicros() <= dailyMicros();
  }
}
