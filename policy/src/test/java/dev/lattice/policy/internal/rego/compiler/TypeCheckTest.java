package dev.lattice.policy.internal.rego.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.policy.PolicyCli;
import dev.lattice.policy.RegoException;
import dev.lattice.policy.internal.rego.ast.Ast.RegoModuleAst;
import dev.lattice.policy.internal.rego.builtins.Builtins;
import dev.lattice.policy.internal.rego.parser.Parser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

class TypeCheckTest {
  private static final Path SAMPLE = Path.of("src/test/resources/typecheck/sample");

  private static List<String> check(boolean strict, String... modules) {
    List<RegoModuleAst> parsed = new ArrayList<>();
    for (int i = 0; i < modules.length; i++)
      parsed.add(Parser.parseModule("m" + i + ".rego", modules[i]));
    return TypeCheck.check(parsed, Map.of(), strict).stream()
        .map(RegoException::getMessage)
        .toList();
  }

  @Test
  void everyBuiltInOfTheRegistryHasDeclaredTypes() {
    assertThat(TypeCheck.signatures().keySet())
        .containsExactlyInAnyOrderElementsOf(Builtins.names());
  }

  @Test
  void aCallWithAnArgumentOfTheWrongTypeIsReportedAsOpaReportsIt() {
    assertThat(check(false, "package p\nx := count(1)\n"))
        .containsExactly(
            "m0.rego:2:6: rego_type_error: count: invalid argument(s)\n"
                + "\thave: (number)\n"
                + "\twant: (any<array[any], object[any: any], set[any], string>)");
  }

  @Test
  void typesFlowThroughVariablesRulesFunctionsComprehensionsAndImports() {
    String lib = "package lib\nsize := 3\nnames := {1}\nf(x) := count(x)\n";
    String p =
        "package p\nimport data.lib\n"
            + "a if { n := lib.size; upper(n) }\n"
            + "b if { some s in lib.names; upper(s) }\n"
            + "c if { xs := [y | some y in [1]]; upper(xs[0]) }\n"
            + "d if upper(lib.f([1]))\n";
    List<String> errors = check(false, lib, p);

    assertThat(errors)
        .map(e -> e.substring(0, e.indexOf(':', e.indexOf("rego_type_error"))))
        .containsExactly(
            "m1.rego:3:23: rego_type_error",
            "m1.rego:4:29: rego_type_error",
            "m1.rego:5:35: rego_type_error",
            "m1.rego:6:6: rego_type_error");
  }

  @Test
  void whatTheCheckerCannotKnowIsNeverAnError() {
    assertThat(
            check(
                true,
                "package p\nimport rego.v1\n"
                    + "a if upper(input.x)\n"
                    + "b if { x := object.get(input, \"k\", 1); upper(x) }\n"
                    + "c if count(data.base.docs) > 0\n"))
        .isEmpty();
  }

  @Test
  void strictModeReportsAReferenceToNothingInAKnownPackage() {
    String lib = "package lib\nsize := 3\n";
    assertThat(check(true, lib, "package p\nimport data.lib\nx := lib.sise\ny := lib.size\n"))
        .containsExactly("m1.rego:3:6: rego_type_error: undefined ref: data.lib.sise");
    assertThat(check(false, lib, "package p\nimport data.lib\nx := lib.sise\n")).isEmpty();
  }

  @Test
  void checkReportsEveryErrorOfASampleBundleAtOnce() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        PolicyCli.run(
            new String[] {"check", "--strict", SAMPLE.toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo(Files.readString(SAMPLE.resolveSibling("expected-strict.txt")));
  }

  /** OPA's conformance cases are valid Rego: the checker must not find a type error in any. */
  @Test
  void theConformanceCorpusHasNoTypeErrors() throws Exception {
    Path corpus = null;
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("shared/rego-conformance"))) {
        corpus = dir.resolve("shared/rego-conformance");
        break;
      }
    }
    String configured = System.getProperty("lattice.regoConformanceDir");
    if (configured != null && Files.isDirectory(Path.of(configured))) corpus = Path.of(configured);
    assertThat(corpus).as("../shared/rego-conformance").isNotNull();
    YAMLMapper yaml = YAMLMapper.builder().build();
    ObjectMapper json = new ObjectMapper();
    int cases = 0;
    List<Path> files;
    try (Stream<Path> s = Files.walk(corpus)) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    for (Path f : files) {
      JsonNode cs = yaml.readTree(f.toFile()).get("cases");
      if (cs == null) continue;
      for (JsonNode c : cs) {
        JsonNode mods = c.get("modules");
        if (mods == null) continue;
        List<RegoModuleAst> parsed = new ArrayList<>();
        try {
          int i = 0;
          for (JsonNode m : mods)
            parsed.add(Parser.parseModule("m" + (i++) + ".rego", m.asString()));
        } catch (RegoException notRego) {
          continue;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> data =
            c.has("data") ? json.convertValue(c.get("data"), Map.class) : Map.of();
        cases++;
        assertThat(TypeCheck.check(parsed, data, false)).as(f + " " + c.get("note")).isEmpty();
      }
    }
    assertThat(cases).isGreaterThan(400);
  }
}
