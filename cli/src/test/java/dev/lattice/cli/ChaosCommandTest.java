package dev.lattice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChaosCommandTest {

  @Test
  void optionsTakeSeparateAndInlineValuesAndDefaultTheRest() {
    ChaosCommand.Options options =
        ChaosCommand.parse(List.of("--minutes=15", "--rate", "40", "--data-dir", "/tmp/chaos"));

    assertThat(options).isEqualTo(new ChaosCommand.Options(15, 20, 40, Path.of("/tmp/chaos")));
    assertThat(ChaosCommand.parse(List.of()).dataDir())
        .startsWithRaw(Path.of("lattice-data", "chaos"));
  }

  @Test
  void aValueOutOfRangeOrAnUnknownOptionIsAUsageErrorNamingIt() {
    assertThatThrownBy(() -> ChaosCommand.parse(List.of("--minutes", "0")))
        .isInstanceOf(UsageException.class)
        .hasMessage("--minutes must be a number from 1 to 240, was '0'");
    assertThatThrownBy(() -> ChaosCommand.parse(List.of("--brokers", "3")))
        .isInstanceOf(UsageException.class)
        .hasMessage("unknown option '--brokers'");
    assertThatThrownBy(() -> ChaosCommand.parse(List.of("--rate")))
        .isInstanceOf(UsageException.class)
        .hasMessage("--rate needs a value");
  }
}
