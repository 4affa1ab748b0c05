package dev.lattice.streams;

/**
 * The privacy budget of one brand's insights in one network (see docs/privacy.md): what the
 * evaluated cells have spent on {@code day} (UTC) and for good, and the limits. Values in ε; the δ
 * spent is the number of evaluated cells times δ per cell (basic composition), reported so the
 * guarantee's (ε, δ) pair is visible, not only ε.
 */
public record InsightBudget(
    String network,
    String day,
    double spentToday,
    double dailyLimit,
    double spentLifetime,
    double lifetimeLimit,
    long cellsToday,
    long cellsLifetime,
    double deltaSpentToday,
    double deltaSpentLifetime) {

  public double leftToday() {
    return Math.max(0, Math.min(dailyLimit - spentToday, leftLifetime()));
  }

  public double leftLifetime() {
    return Math.max(0, lifetimeLimit - spentLifetime);
  }
}
