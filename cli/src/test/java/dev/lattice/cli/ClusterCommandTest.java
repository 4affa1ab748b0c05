package dev.lattice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterCommandTest {

  @Test
  void withoutOptionsItStartsThreeBrokersAndTwoInstancesFrom8081() {
    ClusterCommand.Options options = ClusterCommand.parse(List.of());

    assertThat(options)
        .isEqualTo(new ClusterCommand.Options(3, 2, 8081, Path.of("lattice-data", "cluster")));
  }

  @Test
  void optionsTakeSeparateOrInlineValues() {
    ClusterCommand.Options options =
        ClusterCommand.parse(
            List.of("--brokers", "1", "--instances=3", "--first-port", "9000", "--data-dir=x"));

    assertThat(options).isEqualTo(new ClusterCommand.Options(1, 3, 9000, Path.of("x")));
  }

  @Test
  void twoBrokersAreRefusedWithTheAcceptedValues() {
    assertThatThrownBy(() -> ClusterCommand.parse(List.of("--brokers", "2")))
        .isInstanceOf(UsageException.class)
        .hasMessage("--brokers must be 1 or 3, was 2");
  }

  @Test
  void anUnknownOptionIsNamed() {
    assertThatThrownBy(() -> ClusterCommand.parse(List.of("--nodes", "2")))
        .isInstanceOf(UsageException.class)
        .hasMessage("unknown option '--nodes'");
  }
}
