package dev.lattice.policy.internal.rego.builtins;

import static dev.lattice.policy.internal.rego.builtins.Args.str;
import static dev.lattice.policy.internal.rego.builtins.Builtins.add;

import dev.lattice.policy.internal.rego.value.Convert;
import dev.lattice.policy.internal.rego.value.Json;
import dev.lattice.policy.internal.rego.value.Value;
import java.util.ArrayList;
import java.util.List;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ScannerException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** yaml.marshal, yaml.unmarshal and yaml.is_valid (through Jackson's YAML reader). */
final class Yaml {
  private Yaml() {}

  private static final YAMLMapper MAPPER =
      YAMLMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
          .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /**
   * Writes as go-yaml (v2, through sigs.k8s.io/yaml: OPA's {@code yaml.marshal}) does: no document
   * marker, a string double-quoted only when its plain form would read back as another type ({@link
   * GoYamlQuoting}), else plain where YAML allows it and single-quoted where it does not (the
   * emitter's choice, as libyaml's: {@code 'a: b'}), multi-line strings as literal blocks.
   */
  private static final YAMLMapper WRITER =
      YAMLMapper.builder(
              tools.jackson.dataformat.yaml.YAMLFactory.builder()
                  .stringQuotingChecker(new GoYamlQuoting())
                  .disable(tools.jackson.dataformat.yaml.YAMLWriteFeature.WRITE_DOC_START_MARKER)
                  .enable(tools.jackson.dataformat.yaml.YAMLWriteFeature.MINIMIZE_QUOTES)
                  .enable(tools.jackson.dataformat.yaml.YAMLWriteFeature.LITERAL_BLOCK_STYLE)
                  .build())
          .build();

  /**
   * go-yaml v2's test for quoting a string: its plain form resolves to null, a YAML 1.1 boolean
   * ({@code yes}, {@code off}, {@code n}, ...), an integer (decimal, {@code 0x}, {@code 0b}, octal,
   * with {@code _}), a float (also {@code .inf}, {@code .nan}, sexagesimal {@code 1:20}) or the
   * merge key; the empty string too.
   */
  static final class GoYamlQuoting extends tools.jackson.dataformat.yaml.util.StringQuotingChecker {
    private static final java.util.Set<String> RESOLVED =
        java.util.Set.of(
            "~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true",
            "True", "TRUE", "n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False",
            "FALSE", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
            ".nan", ".NaN", ".NAN", "<<");
    private static final java.util.regex.Pattern NUMBER =
        java.util.regex.Pattern.compile(
            "[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\\.[0-9_]*)?"
                + "|(?:\\.[0-9]+|[0-9][0-9_]*(?:\\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?)");

    @Override
    public boolean needToQuoteName(String name) {
      return needToQuoteValue(name);
    }

    @Override
    public boolean needToQuoteValue(String value) {
      return value.isEmpty() || RESOLVED.contains(value) || NUMBER.matcher(value).matches();
    }
  }

  static void register() {
    add(
        "yaml.marshal",
        1,
        (a, c) -> {
          try {
            JsonNode n = MAPPER.readTree(Json.write(a[0]));
            return Value.str(WRITER.writeValueAsString(n));
          } catch (JacksonException e) {
            throw BuiltinException.error(e.getOriginalMessage());
          }
        });
    add(
        "yaml.unmarshal",
        1,
        (a, c) -> {
          List<JsonNode> docs = parse(str(a, 0));
          return docs.isEmpty() ? Value.NULL : Convert.fromJsonNode(docs.get(0));
        });
    add(
        "yaml.is_valid",
        1,
        (a, c) -> {
          if (!(a[0] instanceof Value.Str s)) return Value.FALSE;
          try {
            parse(s.value);
            return Value.TRUE;
          } catch (BuiltinException e) {
            return Value.FALSE;
          }
        });
  }

  private static List<JsonNode> parse(String text) {
    try (JsonParser p = MAPPER.createParser(text)) {
      List<JsonNode> out = new ArrayList<>();
      while (p.nextToken() != null) {
        out.add(MAPPER.readTree(p));
      }
      return out;
    } catch (JacksonException | IllegalStateException e) {
      if (e.getCause() instanceof MarkedYamlEngineException m) {
        throw BuiltinException.error(goYamlMessage(m));
      }
      throw BuiltinException.error(
          "yaml: " + (e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage()));
    }
  }

  /**
   * A syntax error in the words of go-yaml (v2, which OPA's {@code yaml.unmarshal} uses through
   * sigs.k8s.io/yaml): libyaml's problem text, and the line go-yaml's {@code parser.fail} picks —
   * the problem's 0-based line (plus one for scanner errors), else the context's, and none when
   * both are on the first line. libyaml moves the end-of-stream mark to a new line when the input
   * does not end with one, so an error at the end of {@code [1,2,3} is on "line 1".
   */
  static String goYamlMessage(MarkedYamlEngineException e) {
    String problem = e.getProblem() == null ? "" : e.getProblem();
    String context = e.getContext() == null ? "" : e.getContext();
    boolean scanner = e instanceof ScannerException;
    int line = 0;
    int problemLine =
        e.getProblemMark()
            .map(
                m -> m.getLine() + (problem.endsWith("<stream end>") && m.getColumn() != 0 ? 1 : 0))
            .orElse(0);
    int contextLine = e.getContextMark().map(m -> m.getLine()).orElse(0);
    if (problemLine != 0) line = scanner ? problemLine + 1 : problemLine;
    else if (contextLine != 0) line = contextLine;
    return "yaml: " + (line != 0 ? "line " + line + ": " : "") + libyamlProblem(context, problem);
  }

  private static String libyamlProblem(String context, String problem) {
    if (problem.startsWith("expected ',' or ']'")) return "did not find expected ',' or ']'";
    if (problem.startsWith("expected ',' or '}'")) return "did not find expected ',' or '}'";
    if (problem.startsWith("expected <block end>")) {
      return context.contains("block collection")
          ? "did not find expected '-' indicator"
          : "did not find expected key";
    }
    if (problem.startsWith("expected the node content"))
      return "did not find expected node content";
    if (problem.startsWith("mapping values are not allowed")) {
      return "mapping values are not allowed in this context";
    }
    if (problem.contains("that cannot start any token")) {
      return "found character that cannot start any token";
    }
    return problem;
  }
}
