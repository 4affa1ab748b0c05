package dev.lattice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParameterException;

class ChaosCommandTest {

  @Test
  void optionsTakeSeparateAndInlineValuesAndDefaultTheRest() {
    ChaosCommand.Options options =
        ChaosCommand.parse("--minutes=15", "--rate", "40", "--data-dir", "/tmp/chaos");

    assertThat(options).isEqualTo(new ChaosCommand.Options(15, 20, 40, Path.of("/tmp/chaos")));
    assertThat(ChaosCommand.parse().dataDir()).startsWithRaw(Path.of("lattice-data", "chaos"));
  }

  @Test
  void aValueOutOfRangeOrAnUnknownOptionIsAUsageErrorNamingIt() {
    assertThatThrownBy(() -> ChaosCommand.parse("--minutes", "0"))
        .isInstanceOf(ParameterException.class)
        .hasMessage("--minutes must be a number from 1 to 240, was '0'");
    assertThatThrownBy(() -> ChaosCommand.parse("--brokers", "3"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("'--brokers'");
    assertThatThrownBy(() -> ChaosCommand.parse("--rate"))
        .isInstanceOf(ParameterException.class)
        .hasMessage("Missing required parameter for option '--rate' (<calls/s>)");
  }
}
