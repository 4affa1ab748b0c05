package dev.lattice.streams.internal.insights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DiscreteLaplaceTest {
  private static final int DRAWS = 200_000;

  /** Chi-square 0.999 quantiles by degrees of freedom (tables), for the bins used below. */
  private static double chiSquare999(int df) {
    return switch (df) {
      case 10 -> 29.588;
      case 16 -> 39.252;
      case 20 -> 45.315;
      case 30 -> 59.703;
      default -> throw new IllegalArgumentException("no table value for df " + df);
    };
  }

  /** Exact PMF: (1 - a) / (1 + a) · a^|z| with a = exp(-1 / scale). */
  private static double pmf(long z, double scale) {
    double a = Math.exp(-1 / scale);
    return (1 - a) / (1 + a) * Math.pow(a, Math.abs(z));
  }

  @ParameterizedTest(name = "scale {0}/{1}, bins -{2}..{2}")
  @CsvSource({"1, 1, 5", "4, 1, 15", "5, 2, 8", "4000000, 1000000, 15", "1, 2, 2"})
  void samplesFollowTheExactDiscreteLaplacePmfByChiSquareAtAFixedSeed(
      long numerator, long denominator, int halfWidth) {
    DiscreteLaplace noise = new DiscreteLaplace(numerator, denominator);
    double scale = (double) numerator / denominator;
    SplittableRandom random = new SplittableRandom(20261127L);
    // Bins: (-inf, -w-1], -w..w, [w+1, inf)
    long[] observed = new long[2 * halfWidth + 3];
    for (int i = 0; i < DRAWS; i++) {
      long z = noise.sample(random);
      int bin = (int) Math.max(-halfWidth - 1, Math.min(halfWidth + 1, z)) + halfWidth + 1;
      observed[bin]++;
    }
    double[] expected = new double[observed.length];
    double a = Math.exp(-1 / scale);
    double tail = (1 - a) / (1 + a) * Math.pow(a, halfWidth + 1) / (1 - a);
    expected[0] = tail * DRAWS;
    expected[observed.length - 1] = tail * DRAWS;
    for (int z = -halfWidth; z <= halfWidth; z++) {
      expected[z + halfWidth + 1] = pmf(z, scale) * DRAWS;
    }
    double chi = 0;
    for (int i = 0; i < observed.length; i++) {
      assertThat(expected[i]).as("bin %d has enough expected mass", i).isGreaterThan(5);
      chi += Math.pow(observed[i] - expected[i], 2) / expected[i];
    }
    int df = observed.length - 1;
    int tableDf = df <= 10 ? 10 : df <= 16 ? 16 : df <= 20 ? 20 : 30;
    assertThat(chi)
        .as("chi-square with %d degrees of freedom", df)
        .isLessThan(chiSquare999(tableDf));
  }

  @Test
  void aSamplerWithTheWrongScaleFailsTheSameChiSquareCheck() {
    // The check has power: scale 1.2 judged against the PMF of scale 1.
    DiscreteLaplace wrong = new DiscreteLaplace(6, 5);
    SplittableRandom random = new SplittableRandom(20261127L);
    int w = 5;
    long[] observed = new long[2 * w + 3];
    for (int i = 0; i < DRAWS; i++) {
      long z = wrong.sample(random);
      observed[(int) Math.max(-w - 1, Math.min(w + 1, z)) + w + 1]++;
    }
    double a = Math.exp(-1);
    double chi = 0;
    for (int i = 0; i < observed.length; i++) {
      int z = i - w - 1;
      double p =
          Math.abs(z) == w + 1 ? (1 - a) / (1 + a) * Math.pow(a, w + 1) / (1 - a) : pmf(z, 1);
      chi += Math.pow(observed[i] - p * DRAWS, 2) / (p * DRAWS);
    }
    assertThat(chi).isGreaterThan(chiSquare999(16) * 10);
  }

  @Test
  void bernoulliOfExpMinusGammaHasTheExactProbability() {
    SplittableRandom random = new SplittableRandom(7);
    for (long[] g : new long[][] {{0, 1}, {1, 3}, {1, 1}, {5, 2}}) {
      int hits = 0;
      for (int i = 0; i < DRAWS; i++) {
        if (DiscreteLaplace.bernoulliExp(random, g[0], g[1])) {
          hits++;
        }
      }
      double p = Math.exp(-(double) g[0] / g[1]);
      double sd = Math.sqrt(p * (1 - p) / DRAWS);
      assertThat((double) hits / DRAWS)
          .as("Bernoulli(exp(-%d/%d))", g[0], g[1])
          .isCloseTo(p, org.assertj.core.data.Offset.offset(4 * sd + 1e-9));
    }
  }

  @Test
  void theScaleIsKeptAsAReducedFraction() {
    DiscreteLaplace noise = new DiscreteLaplace(4_000_000, 1_000_000);
    assertThat(noise.scaleNumerator()).isEqualTo(4);
    assertThat(noise.scaleDenominator()).isEqualTo(1);
  }

  @Test
  void theScaleMustBePositive() {
    assertThatThrownBy(() -> new DiscreteLaplace(0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive fraction");
  }

  @Test
  void keyedNoiseIsTheSameForTheSameKeyAndIdAndDiffersAcrossKeys() {
    DiscreteLaplace noise = new DiscreteLaplace(4, 1);
    byte[] key = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    byte[] other = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8);
    long[] first =
        LongStream.range(0, 50)
            .map(i -> InsightsProcessor.noiseFor(noise, key, "ins-" + i))
            .toArray();
    long[] again =
        LongStream.range(0, 50)
            .map(i -> InsightsProcessor.noiseFor(noise, key, "ins-" + i))
            .toArray();
    long[] otherKey =
        LongStream.range(0, 50)
            .map(i -> InsightsProcessor.noiseFor(noise, other, "ins-" + i))
            .toArray();
    assertThat(again).isEqualTo(first);
    assertThat(otherKey).isNotEqualTo(first);
  }

  @Test
  void keyedNoiseFollowsTheDiscreteLaplacePmfAcrossInsightIds() {
    DiscreteLaplace noise = new DiscreteLaplace(1, 1);
    byte[] key = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    int n = 40_000;
    int w = 5;
    long[] observed = new long[2 * w + 3];
    for (int i = 0; i < n; i++) {
      long z = InsightsProcessor.noiseFor(noise, key, "ins-" + i);
      observed[(int) Math.max(-w - 1, Math.min(w + 1, z)) + w + 1]++;
    }
    double a = Math.exp(-1);
    double chi = 0;
    for (int i = 0; i < observed.length; i++) {
      int z = i - w - 1;
      double p =
          Math.abs(z) == w + 1 ? (1 - a) / (1 + a) * Math.pow(a, w + 1) / (1 - a) : pmf(z, 1);
      chi += Math.pow(observed[i] - p * n, 2) / (p * n);
    }
    assertThat(chi).isLessThan(chiSquare999(16));
  }
}
