package dev.lattice.policy.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.policy.PolicyCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FmtCommandTest {
  private static final String DEFAULT_BUNDLE = "src/main/resources/lattice/bundle";
  private static final Path SAMPLES = Path.of("src/test/resources/fmt");

  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void copySamples() throws Exception {
    Files.createDirectories(dir.resolve("messy"));
    Files.createDirectories(dir.resolve("clean"));
    Files.copy(SAMPLES.resolve("messy/authz.rego"), dir.resolve("messy/authz.rego"));
    Files.copy(SAMPLES.resolve("clean/clean.rego"), dir.resolve("clean/clean.rego"));
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

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private static String expected() throws Exception {
    return Files.readString(SAMPLES.resolve("authz.rego.expected"));
  }

  @Test
  void fmtPrintsTheCanonicalFormOfAModule() throws Exception {
    int code = run("fmt", dir.resolve("messy/authz.rego").toString());

    assertThat(code).isZero();
    assertThat(out()).isEqualTo(expected());
  }

  @Test
  void checkListsOnlyTheUnformattedFilesAndExitsOne() {
    int code = run("fmt", "--check", dir.toString());

    assertThat(code).isEqualTo(1);
    assertThat(out()).isEqualTo(dir.resolve("messy/authz.rego") + "\n");
  }

  @Test
  void checkExitsZeroOnFormattedFiles() {
    assertThat(run("fmt", "--check", dir.resolve("clean").toString())).isZero();
    assertThat(out()).isEmpty();
  }

  @Test
  void theDefaultBundleIsFmtClean() {
    int code = run("fmt", "--check", DEFAULT_BUNDLE);

    assertThat(out()).isEmpty();
    assertThat(code).isZero();
  }

  @Test
  void diffPrintsAUnifiedDiffOfWhatWouldChange() {
    int code = run("fmt", "--diff", dir.resolve("messy").toString());

    assertThat(code).isEqualTo(1);
    String file = dir.resolve("messy/authz.rego").toString();
    assertThat(out())
        .startsWith("--- " + file + "\n+++ " + file + " (formatted)\n@@ -1,")
        .contains("-package   example.authz   # trailing on package\n")
        .contains("+package example.authz # trailing on package\n")
        .contains("-default allow:=false\n")
        .contains("+default allow := false\n")
        .contains(" # leading comment\n");
  }

  @Test
  void writeRewritesUnformattedFilesSoThatCheckPassesAfterwards() throws Exception {
    int code = run("fmt", "-w", dir.toString());

    assertThat(code).isZero();
    assertThat(out()).isEqualTo(dir.resolve("messy/authz.rego") + "\n");
    assertThat(Files.readString(dir.resolve("messy/authz.rego"))).isEqualTo(expected());
    out.reset();
    assertThat(run("fmt", "--check", dir.toString())).isZero();
  }

  @Test
  void jsonNamesEveryFileWithWhetherItIsFormatted() {
    int code = run("fmt", "--check", "--format", "json", dir.toString());

    assertThat(code).isEqualTo(1);
    assertThat(out().replaceAll("\\s+", ""))
        .isEqualTo(
            ("{\"errors\":[],\"files\":[{\"file\":\""
                    + dir.resolve("clean/clean.rego")
                    + "\",\"formatted\":true},"
                    + "{\"file\":\""
                    + dir.resolve("messy/authz.rego")
                    + "\",\"formatted\":false}],"
                    + "\"unformatted\":1}")
                .replaceAll("\\s+", ""));
  }

  @Test
  void aFileThatDoesNotParseIsReportedWithItsLocationAndExitsTwo() throws Exception {
    Files.writeString(dir.resolve("clean/broken.rego"), "package broken\n\nx := {\n");

    int code = run("fmt", "--check", dir.resolve("clean").toString());

    assertThat(code).isEqualTo(2);
    assertThat(err()).containsPattern("broken\\.rego:\\d+:\\d+: rego_parse_error");
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(run("fmt")).isEqualTo(2);
    assertThat(run("fmt", "--check", "--diff", DEFAULT_BUNDLE)).isEqualTo(2);
    assertThat(run("fmt", "no/such/dir")).isEqualTo(2);
    assertThat(err()).contains("Usage: policy fmt");
  }
}
