package dev.lattice.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.policy.internal.rego.format.Formatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Template strings ({@code $"..."}, {@code $`...`}) as OPA v1.12 evaluates and formats them. */
class TemplateStringTest {

  private static Object eval(String src, String query, Object input) {
    CompiledPolicy p = Rego.compile(List.of(new RegoModule("p.rego", src)), null);
    List<Map<String, Object>> b = p.prepare(query).evaluate(input).bindings();
    return b.isEmpty() ? "undefined" : b.get(0).get("x");
  }

  @Test
  void expressionsAreInterpolatedStringsBareOtherValuesInRegoSyntaxUndefinedShown() {
    String src =
        "package t\n"
            + "name := input.name\n"
            + "x := $\"hi {name}: {1 + 2} {[1, \"a\"]} {{\"k\": null}} {set()} {input.missing}\"\n";
    assertThat(eval(src, "data.t.x", Map.of("name", "ann")))
        .isEqualTo("hi ann: 3 [1, \"a\"] {\"k\": null} set() <undefined>");
  }

  @Test
  void escapedBracesAreTextAndRawTemplatesSpanLines() {
    String src = "package t\nx := $\"\\{a} {\"b\"}\\}\\n\"\ny := $`{1}\n\\{2}`\n";
    assertThat(eval(src, "data.t.x", null)).isEqualTo("{a} b}\n");
    assertThat(eval(src, "data.t.y", null)).isEqualTo("1\n{2}");
  }

  @Test
  void templatesWorkInQueriesComprehensionsWithModifiersAndFunctionArguments() {
    String src =
        "package t\n"
            + "a := input.a\n"
            + "x := [$\"<{v}>\" | some v in [\"p\", \"q\"]]\n"
            + "y := $\"{a with input as {\"a\": 7}} {$\"{a}\"}\"\n"
            + "f($\"id-{n}\") := n if n := 4\n"
            + "z := f(\"id-4\")\n";
    assertThat(eval(src, "data.t.x", Map.of("a", 1))).isEqualTo(List.of("<p>", "<q>"));
    assertThat(eval(src, "data.t.y", Map.of("a", 1))).isEqualTo("7 1");
    assertThat(eval(src, "data.t.z", null)).hasToString("4");
    assertThat(eval(src, "x = $\"{[x | x := input.xs[_]]}\"", Map.of("xs", List.of("c"))))
        .isEqualTo("[\"c\"]");
  }

  @Test
  void anExpressionWithSeveralValuesIsAnError() {
    CompiledPolicy p =
        Rego.compile(
            List.of(new RegoModule("p.rego", "package t\nx := $\"{input.xs[_]}\"\n")), null);
    assertThatThrownBy(
            () ->
                p.prepare("data.t.x")
                    .evaluate(
                        Map.of("xs", List.of(1, 2)),
                        EvalOptions.defaults().withStrictBuiltinErrors(true)))
        .isInstanceOfSatisfying(
            RegoException.class,
            e -> assertThat(e.getMessage()).contains("template-strings must not produce"));
  }

  @Test
  void anUnterminatedTemplateIsAParseErrorAtItsStart() {
    assertThatThrownBy(
            () -> Rego.compile(List.of(new RegoModule("p.rego", "package t\nx := $\"{1}")), null))
        .isInstanceOfSatisfying(
            RegoException.class,
            e ->
                assertThat(e.getMessage())
                    .contains("p.rego:2:6")
                    .contains("non-terminated template string"));
  }

  @Test
  void fmtKeepsTemplateStringsAsWritten() {
    String src =
        "package t\n\nx := $\"a \\{b\\} {input.c} {$\"{1 + 2}\"} {d with input as 1}\\n\"\n\n"
            + "y := $`line\n{input.z}`\n";
    assertThat(Formatter.format("p.rego", src)).isEqualTo(src);
    assertThat(Formatter.format("p.rego", "package t\nx:=$\"{ input.c }\"\n"))
        .isEqualTo("package t\n\nx := $\"{input.c}\"\n");
  }
}
