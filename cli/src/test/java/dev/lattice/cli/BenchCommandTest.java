package dev.lattice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.benchmarks.bench.BenchSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParameterException;

class BenchCommandTest {

  @Test
  void withoutOptionsTheDefaultsRun() {
    assertThat(BenchCommand.parse())
        .isEqualTo(new BenchCommand.Options(BenchSettings.defaults(), false));
  }

  @Test
  void everyOptionIsReadInBothSpellings() {
    BenchCommand.Options o =
        BenchCommand.parse(
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
            "--warmup-events=0",
            "--json");

    assertThat(o)
        .isEqualTo(
            new BenchCommand.Options(
                new BenchSettings(50, 3, 300, 0.5, 7, 2, 0.3, Duration.ofSeconds(2)), true));
  }

  @Test
  void anOutOfRangeValueIsAUsageErrorNamingTheOption() {
    assertThatThrownBy(() -> BenchCommand.parse("--consent-ratio", "1.5"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--consent-ratio");
    assertThatThrownBy(() -> BenchCommand.parse("--warmup-events", "-1"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--warmup-events");
    assertThatThrownBy(() -> BenchCommand.parse("--events", "many"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("Invalid value for option '--events': 'many' is not a long");
    assertThatThrownBy(() -> BenchCommand.parse("--fast"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("'--fast'");
  }
}
