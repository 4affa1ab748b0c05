package dev.lattice.policy.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The build runs the default bundle's own Rego tests: any failing test fails the build. */
class DefaultBundleTest {

  @Test
  void everyRegoTestOfTheDefaultBundlePasses() {
    PolicyTestRunner.Report report = PolicyTestRunner.run(DefaultBundle.load());

    assertThat(report.failures()).extracting(PolicyTestRunner.Result::describe).isEmpty();
    assertThat(report.passed()).isGreaterThanOrEqualTo(40);
  }

  @Test
  void theIndexListsExactlyTheFilesOfTheBundleDirectory() throws Exception {
    Path dir = Path.of("src/main/resources/lattice/bundle");
    List<String> onDisk;
    try (Stream<Path> walk = Files.walk(dir)) {
      onDisk =
          walk.filter(Files::isRegularFile)
              .map(p -> dir.relativize(p).toString().replace('\\', '/'))
              .sorted()
              .toList();
    }

    assertThat(DefaultBundle.files().keySet()).containsExactlyInAnyOrderElementsOf(onDisk);
  }

  @Test
  void theDefaultBundleOwnsOnlyTheLatticeRoot() {
    Bundle b = DefaultBundle.load();

    assertThat(b.manifest().roots()).containsExactly("lattice");
    assertThat(b.revision()).isNotEmpty();
  }
}
