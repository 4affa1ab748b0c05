package dev.lattice.policy.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.policy.PolicyCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TestCoverageCommandTest {

  private static final String DEFAULT_BUNDLE = "src/main/resources/lattice/bundle";

  // line numbers matter: the expected reports below name them
  private static final String POLICY =
      """
      package p

      default allow := false

      allow if {
      \tinput.user == "admin"
      }

      allow if {
      \tinput.user == "root"
      }

      grade(x) := "high" if {
      \tx > 10
      } else := "low"

      names := {n | some n in ["a", "b"]; n != "c"}

      all_positive if {
      \tevery x in [1, 2] {
      \t\tx > 0
      \t}
      }
      """;

  private static final String TESTS =
      """
      package p

      test_admin if {
      \tallow with input as {"user": "admin"}
      }

      test_grade if {
      \tgrade(11) == "high"
      }
      """;

  private Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void writeSampleBundle() throws Exception {
    Path tmp = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    dir = Files.createTempDirectory(tmp, "coverage");
    Files.writeString(dir.resolve("p.rego"), POLICY);
    Files.writeString(dir.resolve("p_test.rego"), TESTS);
  }

  private int run(String... args) {
    return PolicyCli.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void coverageListsCoveredAndNotCoveredLinesPerFileWithPercentages() {
    assertThat(run("test", "--coverage", dir.toString())).isZero();
    // not covered: the unused default (3), a rule whose body failed (9), an else never reached
    // (15), a rule no test reads (17) and its every-body (19-21)
    assertThat(out())
        .isEqualTo(
            """
            2 passed, 0 failed
            p.rego: 41.67% (5/12 lines), not covered: 3, 9, 15, 17, 19-21
            p_test.rego: 100.00% (4/4 lines)
            coverage: 56.25% (9/16 lines)
            """);
  }

  @Test
  void coverageInJsonHasOpasShapeAlongsideTheTestResults() {
    assertThat(run("test", "--coverage", "--format", "json", dir.toString())).isZero();
    assertThat(out())
        .contains("\"passed\":2")
        .contains(
            "\"coverage\":{\"coverage\":56.25,\"covered_lines\":9,\"files\":{\"p.rego\":"
                + "{\"coverage\":41.67,\"covered\":[{\"end\":{\"row\":6},\"start\":{\"row\":5}},"
                + "{\"end\":{\"row\":10},\"start\":{\"row\":10}},"
                + "{\"end\":{\"row\":14},\"start\":{\"row\":13}}],\"covered_lines\":5,"
                + "\"not_covered\":[{\"end\":{\"row\":3},\"start\":{\"row\":3}},"
                + "{\"end\":{\"row\":9},\"start\":{\"row\":9}},"
                + "{\"end\":{\"row\":15},\"start\":{\"row\":15}},"
                + "{\"end\":{\"row\":17},\"start\":{\"row\":17}},"
                + "{\"end\":{\"row\":21},\"start\":{\"row\":19}}],\"not_covered_lines\":7},"
                + "\"p_test.rego\":{\"coverage\":100,\"covered\":[{\"end\":{\"row\":4},"
                + "\"start\":{\"row\":3}},{\"end\":{\"row\":8},\"start\":{\"row\":7}}],"
                + "\"covered_lines\":4,\"not_covered\":[],\"not_covered_lines\":0}},"
                + "\"not_covered_lines\":7}");
  }

  @Test
  void coverageCountsOnlyTheTestsSelectedWithRun() {
    assertThat(run("test", "--coverage", "--run", "test_grade", dir.toString())).isZero();
    assertThat(out())
        .isEqualTo(
            """
            1 passed, 0 failed
            p.rego: 16.67% (2/12 lines), not covered: 3, 5-6, 9-10, 15, 17, 19-21
            p_test.rego: 50.00% (2/4 lines), not covered: 3-4
            coverage: 25.00% (4/16 lines)
            """);
  }

  @Test
  void coverageOfAFailingRunStillReportsAndExitsOne() throws Exception {
    Files.writeString(dir.resolve("q_test.rego"), "package p\n\ntest_root if {\n\tallow\n}\n");
    assertThat(run("test", "--coverage", dir.toString())).isEqualTo(1);
    assertThat(out())
        .contains("FAIL: data.p.test_root (q_test.rego:3:1)")
        // the failing test's head never produced a value, so only its body line is covered
        .contains("q_test.rego: 50.00% (1/2 lines), not covered: 3")
        .contains("p.rego: 50.00% (6/12 lines), not covered: 9, 15, 17, 19-21");
  }

  @Test
  void theDefaultBundleIsAtLeast95PercentLineCoveredByItsTests() {
    assertThat(run("test", "--coverage", DEFAULT_BUNDLE)).isZero();
    Matcher m = Pattern.compile("(?m)^coverage: ([0-9.]+)% \\(").matcher(out());
    assertThat(m.find()).as(out()).isTrue();
    assertThat(new BigDecimal(m.group(1))).as(out()).isGreaterThanOrEqualTo(new BigDecimal("95"));
  }
}
