package dev.lattice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.benchmarks.bench.BenchSettings;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchCommandTest {

  @Test
  void withoutOptionsTheDefaultsRun() {
    assertThat(BenchCommand.parse(List.of()))
        .isEqualTo(new BenchCommand.Options(BenchSettings.defaults(), false));
  }

  @Test
  void everyOptionIsReadInBothSpellings() {
    BenchCommand.Options o =
        BenchCommand.parse(
            List.of(
                "--members",
                "50",
                "--networks=3",
                "--events",
                "300",
                "--consent-ratio=0.5",
                "--threads",
                "2",
                "--seed",
                "7",
                "--latency-load=0.3",
                "--latency-seconds",
                "2",
                "--json"));

    assertThat(o)
        .isEqualTo(
            new BenchCommand.Options(
                new BenchSettings(50, 3, 300, 0.5, 7, 2, 0.3, Duration.ofSeconds(2)), true));
  }

  @Test
  void anOutOfRangeValueIsAUsageErrorNamingTheOption() {
    assertThatThrownBy(() -> BenchCommand.parse(List.of("--consent-ratio", "1.5")))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--consent-ratio");
    assertThatThrownBy(() -> BenchCommand.parse(List.of("--events", "many")))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--events must be a number");
    assertThatThrownBy(() -> BenchCommand.parse(List.of("--fast")))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("unknown option '--fast'");
  }
}
