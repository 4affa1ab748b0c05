package dev.lattice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.ParameterException;

class DemoCommandTest {

  @Test
  void theRateIsTheDemosOwnOptionAndEverythingElseGoesToServe() {
    DemoCommand.Options o =
        DemoCommand.parse("--port", "9090", "--rate=5", "--data-dir", "d", "--server.x.y=z");

    assertThat(o.rate()).isEqualTo(5.0);
    assertThat(o.serve())
        .isEqualTo(new ServeCommand.Options(9090, Path.of("d"), 0, List.of("--server.x.y=z")));
  }

  @Test
  void aRateThatIsNotAPositiveNumberIsAUsageError() {
    assertThatThrownBy(() -> DemoCommand.parse("--rate", "fast"))
        .isInstanceOf(ParameterException.class)
        .hasMessage("Invalid value for option '--rate': 'fast' is not a double");
    assertThatThrownBy(() -> DemoCommand.parse("--rate", "0"))
        .isInstanceOf(ParameterException.class)
        .hasMessage("--rate must be above 0 and at most 10000 events per second, was 0.0");
  }

  @Test
  void theAdminKeyIsCreatedOnceAndKeptInTheDataDirectory(@TempDir Path dir) throws Exception {
    String first = DemoCommand.adminKey(dir);
    String second = DemoCommand.adminKey(dir);

    assertThat(first).startsWith("lattice-demo-").hasSize("lattice-demo-".length() + 32);
    assertThat(second).isEqualTo(first);
    assertThat(Files.readString(dir.resolve("demo/admin-key")).trim()).isEqualTo(first);
  }
}
