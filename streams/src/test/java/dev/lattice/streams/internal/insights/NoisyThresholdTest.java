package dev.lattice.streams.internal.insights;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.streams.InsightSettings;
import java.math.BigDecimal;
import java.math.MathContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NoisyThresholdTest {
  /** P(1 + Z >= tau) for discrete Laplace Z of the given scale, summed term by term. */
  private static double releaseProbabilityOfALoneMember(double scale, long tau) {
    double a = Math.exp(-1 / scale);
    double c = (1 - a) / (1 + a);
    double sum = 0;
    for (long z = tau - 1; z < tau - 1 + 100_000; z++) {
      sum += c * Math.pow(a, Math.abs(z));
    }
    return sum;
  }

  @ParameterizedTest(name = "scale {0}, delta {1}")
  @CsvSource({"4, 1e-6", "1, 1e-6", "0.5, 1e-9", "10, 1e-5", "2, 1e-4"})
  void tauIsTheSmallestThresholdALoneMemberPassesWithProbabilityAtMostDelta(
      double scale, double delta) {
    long tau = NoisyThreshold.tau(scale, delta);
    assertThat(releaseProbabilityOfALoneMember(scale, tau)).isLessThanOrEqualTo(delta);
    assertThat(releaseProbabilityOfALoneMember(scale, tau - 1)).isGreaterThan(delta);
  }

  @Test
  void theDefaultsGiveTau54() {
    InsightSettings d = InsightSettings.defaults();
    assertThat(InsightsProcessor.tauOf(d)).isEqualTo(54);
    assertThat(new BigDecimal(d.cellEpsilon()).round(MathContext.DECIMAL32))
        .isEqualByComparingTo("0.25");
  }
}
