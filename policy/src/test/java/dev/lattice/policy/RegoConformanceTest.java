package dev.lattice.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.policy.internal.conformance.ConformanceRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Runs OPA's conformance corpus through the policy CLI and holds the engine to the agreed bar. */
class RegoConformanceTest {

  /** The corpus: the pom passes ${maven.multiModuleProjectDirectory}/../shared/rego-conformance. */
  static Path corpus() {
    String configured = System.getProperty("lattice.regoConformanceDir");
    if (configured != null && Files.isDirectory(Path.of(configured))) return Path.of(configured);
    // a git worktree sits one level deeper than the main checkout: look upwards for shared/
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("shared").resolve("rego-conformance");
      if (Files.isDirectory(candidate)) return candidate;
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "OPA conformance corpus not found: set -Dlattice.regoConformanceDir or check out ../shared/rego-conformance");
  }

  @Test
  void everyConformanceCaseOutsideTheDocumentedSkipsPasses() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        PolicyCli.run(
            new String[] {"conformance", "--verbose", corpus().toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    String[] lines = text.strip().split("\n");
    Matcher m =
        Pattern.compile("^(\\d+) passed, (\\d+) failed, (\\d+) skipped$")
            .matcher(lines[lines.length - 1]);
    assertThat(m.matches()).as("last line of:%n%s%s", text, err).isTrue();
    int passed = Integer.parseInt(m.group(1));
    int failed = Integer.parseInt(m.group(2));
    int skipped = Integer.parseInt(m.group(3));
    assertThat(passed + failed + skipped).as("cases found").isGreaterThan(400);
    assertThat(failed).as("failures; report:%n%s", text).isZero();
    assertThat(skipped)
        .as("skips must be exactly the documented ones (conformance-skips.txt)")
        .isEqualTo(ConformanceRunner.defaultSkips().size());
    assertThat(exit).isZero();
    long totalLines =
        text.lines().filter(l -> l.matches("\\d+ passed, \\d+ failed, \\d+ skipped")).count();
    assertThat(totalLines).as("exactly one total line").isEqualTo(1);
  }

  @Test
  void noConformanceCaseIsSkipped() {
    assertThat(ConformanceRunner.defaultSkips()).isEmpty();
  }
}
