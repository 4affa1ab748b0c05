package dev.lattice.streams.internal.insights;

/**
 * The release threshold τ of the stability-based (noisy-threshold) histogram: a cell is published
 * only when its noisy count reaches τ, and τ is the smallest integer for which a cell that exists
 * only because of one member (true count 1) is published with probability at most δ: {@code P(1 + Z
 * >= τ) = a^(τ-1) / (1 + a) <= δ} for discrete Laplace noise {@code Z} with {@code a =
 * exp(-1/scale)}. Then adding or removing one member changes any cell's publication probabilities
 * by at most a factor {@code e^(1/scale)} plus δ.
 */
public final class NoisyThreshold {
  private NoisyThreshold() {}

  /**
   * τ for noise of scale {@code scale} and probability {@code delta}.
   *
   * @throws IllegalArgumentException unless {@code 0 < delta < 1} and the scale is positive
   */
  public static long tau(double scale, double delta) {
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("insights delta must be in (0, 1), got " + delta);
    }
    if (!(scale > 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException("noise scale must be positive, got " + scale);
    }
    double a = Math.exp(-1 / scale);
    long m = Math.max(0, (long) Math.ceil(Math.log(1 / (delta * (1 + a))) * scale));
    // Guard the floating-point estimate in both directions: smallest m with a^m / (1+a) <= delta.
    while (tailAbove(a, m) > delta) {
      m++;
    }
    while (m > 0 && tailAbove(a, m - 1) <= delta) {
      m--;
    }
    return 1 + m;
  }

  /** {@code P(Z >= m)} for {@code m >= 1}; 1 - P(Z <= -1) = 1 / (1 + a) for m = 0. */
  static double tailAbove(double a, long m) {
    return m == 0 ? 1 / (1 + a) : Math.pow(a, m) / (1 + a);
  }
}
