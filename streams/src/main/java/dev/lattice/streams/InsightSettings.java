package dev.lattice.streams;

import java.time.Duration;

/**
 * Parameters of brand insights (documented in streams/README.md and docs/privacy.md). The privacy
 * unit is the <em>member-day</em>: everything one member does on one UTC day, as counted towards
 * one brand.
 *
 * @param window size of the tumbling count windows
 * @param grace how long after a window ends late counts are still added before it is evaluated
 * @param memberDayEpsilon ε a brand's insights of one UTC day may reveal about one member: the
 *     noise of every cell has scale {@code L / ε} (the day's counts have sensitivity L); a multiple
 *     of 10⁻⁶
 * @param cellsPerMemberDay L, the most cells one member is counted in per brand and UTC day (a
 *     member counts once per cell; contributions beyond L cells are not counted)
 * @param delta δ per evaluated cell: the probability bound of publishing a cell that exists only
 *     because of one member; sets the release threshold τ
 * @param dailyEpsilon budget per brand, network and UTC day; every evaluated cell charges ε/L,
 *     published or not; when it does not fit, the cell is not evaluated (audited)
 * @param lifetimeEpsilon budget per brand and network for good, charged like the daily one
 * @param checkEvery how often closed windows are looked for (wall-clock)
 */
public record InsightSettings(
    Duration window,
    Duration grace,
    double memberDayEpsilon,
    int cellsPerMemberDay,
    double delta,
    double dailyEpsilon,
    double lifetimeEpsilon,
    Duration checkEvery) {

  /** The privacy unit, as the API and the documentation name it. */
  public static final String PRIVACY_UNIT = "member-day";

  public InsightSettings {
    if (window == null || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException(
          "insights window must be positive (setting insights.window)");
    }
    if (grace == null || grace.isNegative()) {
      throw new IllegalArgumentException(
          "insights grace must be zero or positive (setting insights.grace)");
    }
    if (!(memberDayEpsilon > 0) || Double.isInfinite(memberDayEpsilon)) {
      throw new IllegalArgumentException(
          "insights.member-day-epsilon must be a positive number, got " + memberDayEpsilon);
    }
    if (Math.abs(memberDayEpsilon * 1e6 - Math.rint(memberDayEpsilon * 1e6)) > 1e-6) {
      throw new IllegalArgumentException(
          "insights.member-day-epsilon must be a multiple of 0.000001, got " + memberDayEpsilon);
    }
    if (cellsPerMemberDay < 1 || cellsPerMemberDay > 1000) {
      throw new IllegalArgumentException(
          "insights.cells-per-member-day (L) must be between 1 and 1000, got " + cellsPerMemberDay);
    }
    if (!(delta > 0 && delta < 1e-3)) {
      throw new IllegalArgumentException("insights.delta must be in (0, 0.001), got " + delta);
    }
    double cellEpsilon = memberDayEpsilon / cellsPerMemberDay;
    if (!(dailyEpsilon >= cellEpsilon) || !(lifetimeEpsilon >= dailyEpsilon)) {
      throw new IllegalArgumentException(
          "insights needs epsilon/L <= daily-epsilon <= lifetime-epsilon, got "
              + cellEpsilon
              + ", "
              + dailyEpsilon
              + " and "
              + lifetimeEpsilon);
    }
    if (checkEvery == null || checkEvery.isNegative() || checkEvery.isZero()) {
      throw new IllegalArgumentException("insights check interval must be positive");
    }
  }

  /**
   * One-day windows, 15 minutes grace, ε = 1 per member-day with L = 4 (each cell: noise scale 4,
   * cost 0.25), δ = 10⁻⁶ per cell (τ = 54), 2.0 per brand/network/day (8 cells), 60 for good.
   */
  public static InsightSettings defaults() {
    return new InsightSettings(
        Duration.ofDays(1),
        Duration.ofMinutes(15),
        1.0,
        4,
        1e-6,
        2.0,
        60.0,
        Duration.ofSeconds(30));
  }

  /** ε/L: what one evaluated cell costs and the per-cell privacy loss of one member. */
  public double cellEpsilon() {
    return memberDayEpsilon / cellsPerMemberDay;
  }

  /**
   * τ: the smallest noisy count that is published (before the network's k, which the policy applies
   * as a further floor).
   */
  public long releaseThreshold() {
    return dev.lattice.streams.internal.insights.InsightsProcessor.tauOf(this);
  }

  /** ε in micro-ε (exact: validated to be a multiple of 10⁻⁶). */
  public long memberDayEpsilonMicros() {
    return Math.round(memberDayEpsilon * 1e6);
  }

  /** The same settings with another window and grace (tests, demo). */
  public InsightSettings withWindow(Duration window, Duration grace) {
    return new InsightSettings(
        window,
        grace,
        memberDayEpsilon,
        cellsPerMemberDay,
        delta,
        dailyEpsilon,
        lifetimeEpsilon,
        checkEvery);
  }
}
