package dev.lattice.policy.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.policy.PolicyCli;
import dev.lattice.policy.bundle.BundleLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PolicyCommandsTest {

  private static final String DEFAULT_BUNDLE = "src/main/resources/lattice/bundle";
  private static final String DEMO_NETWORKS = "src/main/resources/lattice/examples/demo-networks";
  private static final String EXAMPLES = "src/main/resources/lattice/examples/";

  private Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void createWorkDirectory() throws Exception {
    Path tmp = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    dir = Files.createTempDirectory(tmp, "cli");
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

  private void write(String rel, String content) throws Exception {
    Path p = dir.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }

  @Test
  void theCommandsAreRegisteredWithTheCli() {
    assertThat(PolicyCli.commandNames()).contains("test", "eval", "check", "build");
  }

  @Test
  void testPassesOnTheDefaultBundle() {
    int code = run("test", DEFAULT_BUNDLE);

    assertThat(code).isZero();
    assertThat(out()).containsPattern("\\d+ passed, 0 failed");
  }

  @Test
  void testPrintsEachFailingTestWithItsLocationAndExitsNonZero() throws Exception {
    write("p/p.rego", "package p\n\nimport rego.v1\n\nx := 1\n");
    write(
        "p/p_test.rego",
        "package p\n\nimport rego.v1\n\ntest_one if x == 1\n\ntest_two if x == 2\n");

    int code = run("test", dir.toString());

    assertThat(code).isEqualTo(1);
    assertThat(out())
        .contains("FAIL: data.p.test_two (p/p_test.rego:7:1)")
        .contains("1 passed, 1 failed");
    assertThat(out()).doesNotContain("test_one");
  }

  @Test
  void checkReportsErrorsWithFileLineAndColumn() throws Exception {
    write("p/bad.rego", "package p\n\nimport rego.v1\n\nx := {\n");

    int code = run("check", dir.toString());

    assertThat(code).isEqualTo(1);
    assertThat(err()).containsPattern("p/bad\\.rego:\\d+:\\d+: rego_parse_error");
  }

  @Test
  void checkIsSilentOnAGoodBundle() {
    assertThat(run("check", DEFAULT_BUNDLE)).isZero();
    assertThat(err()).isEmpty();
  }

  @Test
  void evalPrintsTheDecisionLikeOpaEval() {
    int code =
        run(
            "eval",
            "-b",
            DEFAULT_BUNDLE,
            "-b",
            DEMO_NETWORKS,
            "-i",
            EXAMPLES + "member-data-denied-input.json",
            "data.lattice.decision");

    assertThat(code).isZero();
    assertThat(out())
        .contains("\"result\"")
        .contains("\"expressions\"")
        .contains("\"allow\" : false")
        .contains("\"code\" : \"transit.no_agreement\"")
        .contains("\"text\" : \"data.lattice.decision\"");
  }

  @Test
  void evalOfAnUndefinedQueryPrintsAnEmptyObject() {
    int code = run("eval", "-b", DEFAULT_BUNDLE, "data.lattice.nothing_here");

    assertThat(code).isZero();
    assertThat(out().trim()).isEqualTo("{ }");
  }

  @Test
  void evalRefusesBundlesWithOverlappingRoots() {
    int code = run("eval", "-b", DEFAULT_BUNDLE, "-b", DEFAULT_BUNDLE, "data.lattice.decision");

    assertThat(code).isEqualTo(1);
    assertThat(err()).contains("overlaps");
  }

  @Test
  void buildWritesABundleWithManifestAndRevision() throws Exception {
    Path target = dir.resolve("out/bundle.tar.gz");

    int code = run("build", DEFAULT_BUNDLE, "-o", target.toString(), "--revision", "v7");

    assertThat(code).isZero();
    assertThat(out()).contains("revision=v7");
    var built = BundleLoader.load(target);
    assertThat(built.revision()).isEqualTo("v7");
    assertThat(built.manifest().roots()).containsExactly("lattice");
    assertThat(run("test", target.toString())).isZero();
  }

  @Test
  void buildSignsWithAnHmacSecret() throws Exception {
    Path target = dir.resolve("signed.tar.gz");

    int code =
        run(
            "build",
            DEFAULT_BUNDLE,
            "-o",
            target.toString(),
            "--signing-key",
            "a-shared-secret-of-at-least-32-bytes!",
            "--signing-alg",
            "HS256",
            "--key-id",
            "ops");

    assertThat(code).isZero();
    assertThat(BundleLoader.load(target).signed()).isTrue();
  }

  @Test
  void buildRefusesADirectoryThatDoesNotCompile() throws Exception {
    write("p/bad.rego", "package p\n\nx := \n");

    assertThat(run("build", dir.toString(), "-o", dir.resolve("b.tar.gz").toString())).isEqualTo(1);
    assertThat(err()).contains("p/bad.rego:");
  }

  @Test
  void evalWritesPrintOutputToStderrAndKeepsStdoutForTheResult() throws Exception {
    write(
        "p/p.rego",
        "package p\n\nxs contains y if {\n  some y in [1, 2]\n"
            + "  print(\"value\", y, input.missing)\n}\n");

    assertThat(run("eval", "-b", dir.resolve("p").toString(), "data.p.xs")).isZero();
    assertThat(err()).isEqualTo("value 1 <undefined>\nvalue 2 <undefined>\n");
    assertThat(out()).contains("\"value\" : [ 1, 2 ]").doesNotContain("<undefined>");
  }

  @Test
  void testShowsWhatAFailingTestPrintedAndEveryTestsOutputWhenVerbose() throws Exception {
    write(
        "p/p_test.rego",
        "package p\n\ntest_ok if {\n  print(\"ok ran\")\n}\n\n"
            + "test_bad if {\n  x := 2\n  print(\"x is\", x)\n  x == 3\n}\n");

    assertThat(run("test", dir.toString())).isEqualTo(1);
    assertThat(out())
        .contains("FAIL: data.p.test_bad (p/p_test.rego:7:1)\n  x is 2\n")
        .doesNotContain("ok ran");
    out.reset();
    assertThat(run("test", "-v", dir.toString())).isEqualTo(1);
    assertThat(out()).contains("PASS: data.p.test_ok (p/p_test.rego:3:1)\n  ok ran\n");
  }

  @Test
  void checkReportsEveryErrorOfEveryFileWithItsLocation() throws Exception {
    write("a.rego", "package a\np := 1 +\n");
    write("b.rego", "package b\nr if { y }\n");
    write("c.rego", "package c\nz := [\n");
    assertThat(run("check", dir.toString())).isEqualTo(1);
    assertThat(err())
        .contains("a.rego:3:1: rego_parse_error: unexpected eof token")
        .contains("c.rego:3:1: rego_parse_error: unexpected eof token")
        .contains("2 errors");
  }

  @Test
  void checkStrictReportsUnusedImportsUnusedVariablesAndDeprecatedBuiltins() throws Exception {
    write(
        "b.rego",
        "package b\nimport data.unused\nimport data.lib\nq if { x := 1; lib.f }\n"
            + "r if { y := 2; y > 1 }\ns if any([true])\n");
    assertThat(run("check", dir.toString())).isZero();
    assertThat(run("check", "--strict", dir.toString())).isEqualTo(1);
    assertThat(err())
        .isEqualTo(
            String.join(
                "\n",
                "b.rego:2:1: rego_compile_error: import data.unused unused",
                "b.rego:4:8: rego_compile_error: assigned var x unused",
                "b.rego:6:6: rego_type_error: deprecated built-in function calls in expression: any",
                "3 errors",
                ""));
  }

  @Test
  void checkWritesJsonForMachines() throws Exception {
    write("b.rego", "package b\nimport data.unused\np := 1\n");
    assertThat(run("check", "--strict", "--format", "json", dir.toString())).isEqualTo(1);
    assertThat(out().strip())
        .isEqualTo(
            "{\"errors\":[{\"code\":\"rego_compile_error\",\"location\":{\"col\":1,"
                + "\"file\":\"b.rego\",\"row\":2},\"message\":\"import data.unused unused\"}]}");
  }

  @Test
  void theDefaultBundleIsStrictClean() {
    assertThat(run("check", "--strict", DEFAULT_BUNDLE)).as(err()).isZero();
  }

  @Test
  void inspectShowsManifestModulesPackagesRulesAndData() throws Exception {
    write(".manifest", "{\"revision\": \"r7\", \"roots\": [\"acme\"]}");
    write("acme/policy.rego", "package acme\nallow if input.ok\nf(x) := x\n");
    write(
        "acme/policy_test.rego",
        "package acme\ntest_allow if allow with input as {\"ok\": true}\n");
    write("acme/limits/data.json", "{\"max\": 3}");
    assertThat(run("inspect", dir.toString())).isZero();
    assertThat(out())
        .isEqualTo(
            String.join(
                "\n",
                "source:    " + dir,
                "revision:  r7",
                "roots:     [acme]",
                "signed:    false",
                "modules:",
                "  acme/policy.rego",
                "  acme/policy_test.rego",
                "packages:",
                "  data.acme",
                "    allow",
                "    f()",
                "    (1 tests)",
                "data:      [acme]",
                ""));
    out.reset();
    assertThat(run("inspect", "--format", "json", dir.toString())).isZero();
    assertThat(out())
        .contains(
            "\"manifest\":{\"metadata\":{},\"rego_version\":1,\"revision\":\"r7\",\"roots\":[\"acme\"]}")
        .contains("\"packages\":{\"data.acme\":{\"rules\":[\"allow\",\"f()\"],\"tests\":1}}");
  }

  @Test
  void testWritesJsonForMachinesAndFiltersWithRun() throws Exception {
    write("t/p.rego", "package t\nallow if input.ok\n");
    write(
        "t/p_test.rego",
        "package t\ntest_ok if allow with input as {\"ok\": true}\ntest_bad if allow\n");
    assertThat(run("test", "--format", "json", "--run", "ok", dir.toString())).isZero();
    assertThat(out())
        .contains("\"passed\":1")
        .contains("\"failed\":0")
        .contains("\"name\":\"data.t.test_ok\"")
        .contains("\"status\":\"pass\"")
        .doesNotContain("test_bad");
    out.reset();
    assertThat(run("test", "--format", "json", dir.toString())).isEqualTo(1);
    assertThat(out()).contains("\"status\":\"fail\"").contains("\"failed\":1");
  }
}
