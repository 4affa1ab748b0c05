package dev.lattice.streams.internal.insights;

import java.security.SecureRandom;
import java.util.random.RandomGenerator;

/**
 * The discrete Laplace (two-sided geometric) mechanism for integer counts with sensitivity 1:
 * {@code P(noise = z) = (1 - a) / (1 + a) * a^|z|}, {@code a = exp(-epsilon)}. Each draw is the
 * difference of two independent geometric variables on {0, 1, ...} with success probability {@code
 * 1 - a}, sampled by inversion from a {@link SecureRandom}. Thread-safe when the random source is.
 */
public final class GeometricNoise {
  private final RandomGenerator random;

  public GeometricNoise() {
    this(new SecureRandom());
  }

  public GeometricNoise(RandomGenerator random) {
    this.random = random;
  }

  /** The count plus two-sided geometric noise calibrated to {@code epsilon} (sensitivity 1). */
  public long noisy(long count, double epsilon) {
    if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException(
          "epsilon must be a positive finite number, got " + epsilon);
    }
    double alpha = Math.exp(-epsilon);
    return count + geometric(alpha) - geometric(alpha);
  }

  /** Number of failures before the first success, success probability {@code 1 - alpha}. */
  private long geometric(double alpha) {
    // 1 - nextDouble() is in (0, 1], so the logarithm is finite.
    double u = 1.0 - random.nextDouble();
    return (long) Math.floor(Math.log(u) / Math.log(alpha));
  }
}
