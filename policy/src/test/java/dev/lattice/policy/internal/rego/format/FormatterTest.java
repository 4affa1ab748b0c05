package dev.lattice.policy.internal.rego.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.policy.RegoException;
import dev.lattice.policy.internal.rego.lexer.Lexer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

class FormatterTest {

  private static String fmt(String src) {
    return Formatter.format("t.rego", src);
  }

  private static List<String> comments(String src) {
    List<Lexer.Comment> out = new ArrayList<>();
    Lexer.tokenize("t.rego", src, out);
    return out.stream().map(Lexer.Comment::text).toList();
  }

  @Test
  void operatorsGetOneSpaceAndNestedOperationsGetParentheses() {
    assertThat(fmt("package p\nx:=1+2*3\ny := (1+2)>a\n"))
        .isEqualTo("package p\n\nx := 1 + (2 * 3)\ny := (1 + 2) > a\n");
  }

  @Test
  void bodiesGetIfAndTabsAndBlankLinesCollapse() {
    assertThat(fmt("package p\nimport rego.v1\nallow {\n  a\n\n\n\n  b ; c\n}\n"))
        .isEqualTo("package p\n\nimport rego.v1\n\nallow if {\n\ta\n\n\tb\n\tc\n}\n");
  }

  @Test
  void aMultiLineCompositeIsWrittenOneElementPerLineWithTrailingCommas() {
    assertThat(fmt("package p\nx := {\"a\": 1, \"b\": [1,\n2]}\n"))
        .isEqualTo("package p\n\nx := {\"a\": 1, \"b\": [\n\t1,\n\t2,\n]}\n");
  }

  @Test
  void rawStringsNumbersAndRefsKeepTheirMeaning() {
    assertThat(fmt("package p\nx := [`a\\d`, 1.50, -3, input[\"a\"][\"b-c\"], input.x[0]]\n"))
        .isEqualTo("package p\n\nx := [`a\\d`, 1.50, -3, input.a[\"b-c\"], input.x[0]]\n");
  }

  @Test
  void elseChainsFunctionsAndEveryAreFormatted() {
    String src =
        "package p\nf(x)=y if {y:=x} else = 0\ng(x) := 1 if x > 0\n"
            + "q if { every k, v in input { k != v } }\n";
    assertThat(fmt(src))
        .isEqualTo(
            "package p\n\nf(x) = y if {\n\ty := x\n} else = 0\ng(x) := 1 if x > 0\n"
                + "q if {\n\tevery k, v in input {\n\t\tk != v\n\t}\n}\n");
  }

  @Test
  void membershipWithKeyAndValueKeepsItsParenthesesInsideACollection() {
    assertThat(fmt("package p\nx := [(1, 1 in [2])]\ny if 1, 1 in [2]\n"))
        .isEqualTo("package p\n\nx := [(1, 1 in [2])]\ny if 1, 1 in [2]\n");
  }

  @Test
  void everyCommentIsKeptWhereItWas() {
    String src =
        "# head\npackage p # pkg\n\n# before\nallow if { # brace\n  # own\n  a # end\n} # after\n# tail\n";
    String formatted = fmt(src);

    assertThat(formatted)
        .isEqualTo(
            "# head\npackage p # pkg\n\n# before\nallow if { # brace\n\t# own\n\ta # end\n} # after\n# tail\n");
    assertThat(comments(formatted)).isEqualTo(comments(src));
  }

  @Test
  void aModuleThatDoesNotParseIsAParseError() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> fmt("package p\nx := {\n"))
        .isInstanceOf(RegoException.class)
        .hasMessageContaining("t.rego:3");
  }

  /** OPA's conformance corpus, found as {@code RegoConformanceTest} finds it. */
  private static Path corpus() {
    String configured = System.getProperty("lattice.regoConformanceDir");
    if (configured != null && Files.isDirectory(Path.of(configured))) return Path.of(configured);
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve("rego-conformance");
      if (Files.isDirectory(candidate)) return candidate;
    }
    throw new IllegalStateException(
        "OPA conformance corpus not found (../shared/rego-conformance)");
  }

  /**
   * Every module of OPA's conformance corpus formats to a module with the same syntax tree (checked
   * inside {@link Formatter#format}), keeps its comments, and formatting again changes nothing.
   */
  @Test
  void formattingTheConformanceCorpusIsIdempotentAndKeepsMeaningAndComments() throws Exception {
    Path corpus = corpus();
    YAMLMapper yaml = YAMLMapper.builder().build();
    int modules = 0;
    List<Path> files;
    try (Stream<Path> s = Files.walk(corpus)) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    for (Path f : files) {
      JsonNode doc = yaml.readTree(f.toFile());
      JsonNode cases = doc.get("cases");
      if (cases == null) continue;
      for (JsonNode c : cases) {
        JsonNode mods = c.get("modules");
        if (mods == null) continue;
        for (JsonNode m : mods) {
          String src = m.asString();
          String once;
          try {
            once = Formatter.format(f.getFileName().toString(), src);
          } catch (RegoException notRego) {
            continue; // cases that expect a parse error
          }
          modules++;
          assertThat(Formatter.format("again", once)).as(f + " " + c.get("note")).isEqualTo(once);
          assertThat(comments(once)).as(f + " " + c.get("note")).isEqualTo(comments(src));
        }
      }
    }
    assertThat(modules).isGreaterThan(600);
  }
}
