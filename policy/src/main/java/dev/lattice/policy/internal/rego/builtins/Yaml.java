package dev.lattice.policy.internal.rego.builtins;

import static dev.lattice.policy.internal.rego.builtins.Args.str;
import static dev.lattice.policy.internal.rego.builtins.Builtins.add;

import dev.lattice.policy.internal.rego.value.Convert;
import dev.lattice.policy.internal.rego.value.Json;
import dev.lattice.policy.internal.rego.value.Value;
import java.util.ArrayList;
import java.util.List;
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

  static void register() {
    add(
        "yaml.marshal",
        1,
        (a, c) -> {
          try {
            JsonNode n = MAPPER.readTree(Json.write(a[0]));
            String s = MAPPER.writeValueAsString(n);
            if (s.startsWith("---\n")) s = s.substring(4);
            return Value.str(s);
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
      throw BuiltinException.error(
          "yaml: " + (e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage()));
    }
  }
}
