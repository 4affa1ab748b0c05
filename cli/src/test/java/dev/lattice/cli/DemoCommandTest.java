package dev.lattice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {

  @Test
  void theRateIsTheDemosOwnOptionAndEverythingElseGoesToServe() {
    DemoCommand.Options o =
        DemoCommand.parse(List.of("--port", "9090", "--rate=5", "--data-dir", "d"));

    assertThat(o.rate()).isEqualTo(5.0);
    assertThat(o.serveArgs()).containsExactly("--port", "9090", "--data-dir", "d");
  }

  @Test
  void aRateThatIsNotAPositiveNumberIsAUsageError() {
    assertThatThrownBy(() -> DemoCommand.parse(List.of("--rate", "fast")))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--rate must be a number");
    assertThatThrownBy(() -> DemoCommand.parse(List.of("--rate", "0")))
        .isInstanceOf(UsageException.class);
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
