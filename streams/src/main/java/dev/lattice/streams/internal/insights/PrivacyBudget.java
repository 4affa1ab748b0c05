package dev.lattice.streams.internal.insights;

/**
 * Basic (sequential) composition of the privacy spent on one brand and network, in micro-ε (longs,
 * exact): every evaluated cell costs {@link #cellCostMicros()}, rounded <em>up</em> from ε/L; a
 * cell is evaluated only if its cost fits both the UTC day's limit and the lifetime limit (both
 * rounded <em>down</em>), so the spend never exceeds either. Immutable.
 *
 * @param cellCostMicros what one evaluated cell costs
 * @param dailyMicros limit per brand, network and UTC day
 * @param lifetimeMicros limit per brand and network, for good
 */
public record PrivacyBudget(long cellCostMicros, long dailyMicros, long lifetimeMicros) {
  public static final long MICROS = 1_000_000L;

  public PrivacyBudget {
    if (cellCostMicros <= 0 || dailyMicros < cellCostMicros || lifetimeMicros < dailyMicros) {
      throw new IllegalArgumentException(
          "insights privacy budget needs 0 < cost per cell <= daily <= lifetime, got (micro-ε) "
              + cellCostMicros
              + ", "
              + dailyMicros
              + ", "
              + lifetimeMicros);
    }
  }

  /**
   * The budget for cells whose noise has scale {@code L / ε} (each cell is (ε/L)-DP for one
   * member): cost {@code ceil(εMicros / L)}.
   */
  public static PrivacyBudget of(
      long memberDayEpsilonMicros, int cellsPerMemberDay, double dailyEpsilon, double lifetime) {
    long cost = Math.ceilDiv(memberDayEpsilonMicros, (long) cellsPerMemberDay);
    return new PrivacyBudget(cost, floorMicros(dailyEpsilon), floorMicros(lifetime));
  }

  /** ε in micro-ε, rounded down (for limits). */
  public static long floorMicros(double epsilon) {
    return (long) Math.floor(epsilon * MICROS);
  }

  /** Why a cell cannot be evaluated, or null when it can. */
  public Refusal refusal(long spentToday, long spentLifetime) {
    if (spentLifetime + cellCostMicros > lifetimeMicros) {
      return Refusal.LIFETIME_SPENT;
    }
    if (spentToday + cellCostMicros > dailyMicros) {
      return Refusal.DAILY_SPENT;
    }
    return null;
  }

  /** The limit a cell ran into. */
  public enum Refusal {
    DAILY_SPENT,
    LIFETIME_SPENT
  }
}
