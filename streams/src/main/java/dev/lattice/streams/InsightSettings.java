package dev.lattice.streams;

import java.time.Duration;

/**
 * Parameters of brand insights (documented in streams/README.md).
 *
 * @param window size of the tumbling count windows
 * @param grace how long after a window ends late counts are still added before it is released
 * @param epsilonPerRelease privacy budget one released cell costs (two-sided geometric noise scale)
 * @param dailyEpsilon budget per brand, network and UTC day; when spent, nothing more is released
 *     that day
 * @param checkEvery how often closed windows are looked for (wall-clock)
 */
public record InsightSettings(
    Duration window,
    Duration grace,
    double epsilonPerRelease,
    double dailyEpsilon,
    Duration checkEvery) {

  public InsightSettings {
    if (window == null || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException(
          "insights window must be positive (setting insights.window)");
    }
    if (grace == null || grace.isNegative()) {
      throw new IllegalArgumentException(
          "insights grace must be zero or positive (setting insights.grace)");
    }
    if (!(epsilonPerRelease > 0) || !(dailyEpsilon >= epsilonPerRelease)) {
      throw new IllegalArgumentException(
          "insights needs 0 < epsilon-per-release <= daily-epsilon, got "
              + epsilonPerRelease
              + " and "
              + dailyEpsilon);
    }
    if (checkEvery == null || checkEvery.isNegative() || checkEvery.isZero()) {
      throw new IllegalArgumentException("insights check interval must be positive");
    }
  }

  /**
   * One-hour windows, 5 minutes grace, epsilon 0.25 per released cell, 2.0 per brand/network/day.
   */
  public static InsightSettings defaults() {
    return new InsightSettings(
        Duration.ofHours(1), Duration.ofMinutes(5), 0.25, 2.0, Duration.ofSeconds(30));
  }
}
