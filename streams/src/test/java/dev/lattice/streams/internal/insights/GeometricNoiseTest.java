package dev.lattice.streams.internal.insights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GeometricNoiseTest {
  @Test
  void noiseIsCentredOnTheCountWithTheVarianceOfTheDiscreteLaplaceMechanism() {
    GeometricNoise noise = new GeometricNoise(new SplittableRandom(42));
    double epsilon = 0.5;
    int n = 200_000;
    double sum = 0;
    double squares = 0;
    for (int i = 0; i < n; i++) {
      long z = noise.noisy(100, epsilon) - 100;
      sum += z;
      squares += (double) z * z;
    }
    double alpha = Math.exp(-epsilon);
    double variance = 2 * alpha / ((1 - alpha) * (1 - alpha));
    assertThat(sum / n).isCloseTo(0, org.assertj.core.data.Offset.offset(0.05));
    assertThat(squares / n).isCloseTo(variance, org.assertj.core.data.Percentage.withPercentage(3));
  }

  @Test
  void epsilonMustBePositive() {
    assertThatThrownBy(() -> new GeometricNoise().noisy(1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theDailyBudgetAllowsExactlyTheReleasesThatFit() {
    PrivacyBudget budget = new PrivacyBudget(1.0, 0.25);
    long spent = 0;
    int releases = 0;
    while (budget.allows(spent)) {
      spent += budget.costMicros();
      releases++;
    }
    assertThat(releases).isEqualTo(4);
  }
}
