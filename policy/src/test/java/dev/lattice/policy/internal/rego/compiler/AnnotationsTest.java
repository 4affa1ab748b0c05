package dev.lattice.policy.internal.rego.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.policy.PolicyCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnnotationsTest {
  private static final String BUNDLE = "src/test/resources/annotations/bundle";

  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

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
  void regoMetadataRuleAndChainReturnWhatOpaReturns() {
    // the bundle's own tests compare rego.metadata.rule() and chain() with OPA's results
    int code = run("test", "-v", BUNDLE);

    assertThat(out()).contains("5 passed, 0 failed");
    assertThat(code).isZero();
  }

  @Test
  void inspectShowsTitlesDescriptionsAndEntrypoints() throws Exception {
    int code = run("inspect", BUNDLE);

    assertThat(code).isZero();
    assertThat(out())
        .isEqualTo(
            Files.readString(Path.of("src/test/resources/annotations/expected-inspect.txt")));
  }

  @Test
  void inspectJsonHoldsEveryAnnotationFieldAsOpaNormalisesThem() {
    int code = run("inspect", "--format", "json", BUNDLE);

    assertThat(code).isZero();
    String json = out().replaceAll("\\s+", "");
    assertThat(json)
        .contains("\"entrypoints\":[\"data.docs.authz.allow\"]")
        .contains("\"authors\":[{\"email\":\"jane@example.com\",\"name\":\"JaneDoe\"}]")
        .contains("\"related_resources\":[{\"ref\":\"https://example.com/docs-policy\"}]")
        .contains("\"custom\":{\"severity\":\"high\"}")
        .contains("\"location\":\"docs/authz/authz.rego:8:1\"");
  }

  @Test
  void badMetadataBlocksAreAllReportedWithTheirLocation() throws Exception {
    Files.createDirectories(dir.resolve("p"));
    Files.writeString(
        dir.resolve("p/p.rego"),
        "package p\n\nimport rego.v1\n\n# METADATA\n# title: [unclosed\nx := 1\n\n"
            + "# METADATA\n# scope: package\ny := 2\n\n# METADATA\n# colour: red\nz := 3\n");

    int code = run("check", dir.toString());

    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("p/p.rego:5:1: rego_parse_error: yaml: while parsing a flow sequence")
        .contains(
            "p/p.rego:9:1: rego_parse_error: annotation scope 'package' must be applied to package"
                + " (have rule)")
        .contains("p/p.rego:13:1: rego_parse_error: invalid annotation key 'colour' in METADATA")
        .contains("3 errors");
  }
}
