package dev.lattice.streams.internal.insights;

import java.util.random.RandomGenerator;

/**
 * Exact sampler of the discrete Laplace distribution {@code P(z) ∝ exp(-|z| / scale)} on the
 * integers, for a rational scale {@code numerator / denominator}, using only uniform integers from
 * a {@link RandomGenerator} and integer arithmetic: no floating-point inversion, no truncated tails
 * (Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential Privacy", 2020, Algorithms
 * 1 and 2). With scale {@code L / ε} this is the ε-DP mechanism for an integer query of sensitivity
 * {@code L}. {@code P(z) = (1 - a) / (1 + a) · a^|z|} with {@code a = exp(-1 / scale)}.
 *
 * <p>Immutable and thread-safe; the randomness comes from the generator passed to {@link
 * #sample(RandomGenerator)} (which must not be shared between threads unless it is thread-safe).
 */
public final class DiscreteLaplace {
  private final long numerator;
  private final long denominator;

  /**
   * The distribution with scale {@code numerator / denominator}.
   *
   * @throws IllegalArgumentException unless both are positive
   */
  public DiscreteLaplace(long numerator, long denominator) {
    if (numerator <= 0 || denominator <= 0) {
      throw new IllegalArgumentException(
          "discrete Laplace scale must be a positive fraction, got "
              + numerator
              + "/"
              + denominator);
    }
    long g = gcd(numerator, denominator);
    this.numerator = numerator / g;
    this.denominator = denominator / g;
  }

  /** Scale numerator (after reduction). */
  public long scaleNumerator() {
    return numerator;
  }

  /** Scale denominator (after reduction). */
  public long scaleDenominator() {
    return denominator;
  }

  /** {@code exp(-1/scale)}, the ratio of neighbouring probabilities (for documentation, tests). */
  public double ratio() {
    return Math.exp(-(double) denominator / numerator);
  }

  /** One draw. */
  public long sample(RandomGenerator random) {
    // In the paper's notation the output has scale t/s.
    long t = numerator;
    long s = denominator;
    while (true) {
      long u = random.nextLong(t);
      if (!bernoulliExp(random, u, t)) {
        continue;
      }
      long v = 0;
      while (bernoulliExp(random, 1, 1)) {
        v++;
      }
      // x = u + t·v is geometric with ratio exp(-1/t); y = floor(x / s) is geometric with ratio
      // exp(-s/t), i.e. scale t/s. Overflow is not a concern: v > 2^40 has probability e^-(2^40).
      long x = u + t * v;
      long y = x / s;
      boolean negative = random.nextBoolean();
      if (negative && y == 0) {
        continue;
      }
      return negative ? -y : y;
    }
  }

  /** Bernoulli(exp(-n/d)) for {@code n >= 0, d > 0}, exactly. */
  static boolean bernoulliExp(RandomGenerator random, long n, long d) {
    if (n <= d) {
      return bernoulliExpAtMostOne(random, n, d);
    }
    for (long i = 0; i < n / d; i++) {
      if (!bernoulliExpAtMostOne(random, 1, 1)) {
        return false;
      }
    }
    return bernoulliExpAtMostOne(random, n % d, d);
  }

  /** Bernoulli(exp(-γ)) for {@code γ = n/d} in [0, 1]: the parity of the first failure index. */
  private static boolean bernoulliExpAtMostOne(RandomGenerator random, long n, long d) {
    long k = 1;
    while (true) {
      // Bernoulli(n / (d·k)): a uniform integer below d·k is below n.
      if (random.nextLong(Math.multiplyExact(d, k)) >= n) {
        return k % 2 == 1;
      }
      k++;
    }
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long r = a % b;
      a = b;
      b = r;
    }
    return a;
  }
}
