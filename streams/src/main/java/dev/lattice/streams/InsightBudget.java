package dev.lattice.streams;

/**
 * The privacy budget of one brand's insights in one network (see docs/privacy.md): what the
 * evaluated cells have spent on {@code day} (UTC) and for good, and the limits. Values in ε.
 */
public record InsightBudget(
    String network,
    String day,
    double spentToday,
    double dailyLimit,
    double spentLifetime,
    double lifetimeLimit) {

  public double leftToday() {
    return Math.max(0, Math.min(dailyLimit - spentToday, leftLifetime()));
  }

  public double leftLifetime() {
    return Math.max(0, lifetimeLimit - spentLifetime);
  }
}
