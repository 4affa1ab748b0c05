package dev.lattice.streams.internal.insights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.streams.InsightSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PrivacyBudgetTest {
  @Test
  void theCostOfACellIsEpsilonOverLRoundedUp() {
    // 1.0 / 3 = 0.333333.. micro-ε rounded up: three cells cost more than 1.0, never less.
    PrivacyBudget budget = PrivacyBudget.of(1_000_000, 3, 1.0, 10.0);
    assertThat(budget.cellCostMicros()).isEqualTo(333_334);
  }

  @Test
  void aDaysSpendNeverExceedsTheDailyLimit() {
    PrivacyBudget budget = PrivacyBudget.of(1_000_000, 3, 1.0, 10.0);
    long spent = 0;
    int cells = 0;
    while (budget.refusal(spent, spent) == null) {
      spent += budget.cellCostMicros();
      cells++;
    }
    assertThat(cells).isEqualTo(2); // a third cell would take the day to 1.000002
    assertThat(spent).isLessThanOrEqualTo(1_000_000);
    assertThat(budget.refusal(spent, spent)).isEqualTo(PrivacyBudget.Refusal.DAILY_SPENT);
  }

  @Test
  void theLifetimeLimitStopsEvaluationAcrossDays() {
    PrivacyBudget budget = PrivacyBudget.of(1_000_000, 1, 1.0, 2.5);
    long lifetime = 0;
    int days = 0;
    while (budget.refusal(0, lifetime) == null) {
      lifetime += budget.cellCostMicros();
      days++;
    }
    assertThat(days).isEqualTo(2);
    assertThat(budget.refusal(0, lifetime)).isEqualTo(PrivacyBudget.Refusal.LIFETIME_SPENT);
  }

  @Test
  void limitsAreRoundedDownSoTheyAreNeverExceeded() {
    assertThat(PrivacyBudget.floorMicros(0.0000019)).isEqualTo(1);
  }

  @Test
  void settingsRefuseAnEpsilonThatIsNotAMultipleOfAMillionth() {
    assertThatThrownBy(
            () ->
                new InsightSettings(
                    Duration.ofHours(1),
                    Duration.ZERO,
                    0.1234567,
                    4,
                    1e-6,
                    2,
                    10,
                    Duration.ofSeconds(30)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("insights.member-day-epsilon");
  }

  @Test
  void settingsRefuseADailyBudgetBelowOneCell() {
    assertThatThrownBy(
            () ->
                new InsightSettings(
                    Duration.ofHours(1),
                    Duration.ZERO,
                    1.0,
                    2,
                    1e-6,
                    0.4,
                    10,
                    Duration.ofSeconds(30)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("daily-epsilon");
  }
}
