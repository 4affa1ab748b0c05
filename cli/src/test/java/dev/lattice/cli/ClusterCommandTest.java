package dev.lattice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParameterException;

class ClusterCommandTest {

  @Test
  void withoutOptionsItStartsThreeBrokersAndTwoInstancesFrom8081() {
    ClusterCommand.Options options = ClusterCommand.parse();

    assertThat(options)
        .isEqualTo(new ClusterCommand.Options(3, 2, 8081, Path.of("lattice-data", "cluster")));
  }

  @Test
  void optionsTakeSeparateOrInlineValues() {
    ClusterCommand.Options options =
        ClusterCommand.parse(
            "--brokers", "1", "--instances=3", "--first-port", "9000", "--data-dir=x");

    assertThat(options).isEqualTo(new ClusterCommand.Options(1, 3, 9000, Path.of("x")));
  }

  @Test
  void theSecretsAreGeneratedOnceAndKeptOwnerOnlyForTheNextRunOverTheSameData(
      @org.junit.jupiter.api.io.TempDir Path dir) throws java.io.IOException {
    Path file = dir.resolve(ClusterCommand.SECRETS_FILE);

    java.util.Properties first = ClusterCommand.loadOrCreateSecrets(file);
    java.util.Properties again = ClusterCommand.loadOrCreateSecrets(file);

    assertThat(again).isEqualTo(first);
    assertThat(first.getProperty("cluster-secret")).hasSizeGreaterThanOrEqualTo(32);
    assertThat(first.getProperty("admin-key")).startsWith("lk_");
    assertThat(java.util.Base64.getDecoder().decode(first.getProperty("master-key"))).hasSize(32);
    assertThat(java.nio.file.Files.getPosixFilePermissions(file))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    assertThat(ClusterCommand.loadOrCreateSecrets(dir.resolve("other"))).isNotEqualTo(first);
  }

  @Test
  void twoBrokersAreRefusedWithTheAcceptedValues() {
    assertThatThrownBy(() -> ClusterCommand.parse("--brokers", "2"))
        .isInstanceOf(ParameterException.class)
        .hasMessage("--brokers must be 1 or 3, was 2");
  }

  @Test
  void anUnknownOptionIsNamed() {
    assertThatThrownBy(() -> ClusterCommand.parse("--nodes", "2"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("'--nodes'");
  }
}
