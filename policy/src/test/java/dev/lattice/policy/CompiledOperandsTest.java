package dev.lattice.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rule bodies and heads run from operands compiled once per policy (also comprehension bodies, and
 * the hot built-ins computed in place); under {@code with} (data replaced, built-ins and functions
 * mocked) they fall back to term-by-term evaluation. Both give the values OPA gives, and the same
 * as evaluation without compiled plans (explain=fails bypasses them).
 */
class CompiledOperandsTest {

  private static final String POLICY =
      """
      package t
      import rego.v1

      limit := data.config.limit
      double(x) := x * 2
      label(x) := sprintf("n=%d", [x])
      default over := false
      over if input.n > limit
      summary := {"n": double(input.n), "label": label(input.n), "over": over}
      tags contains t if some t in input.tags
      first := input.items[0].name
      mocked_builtin := s if s := summary with sprintf as mock_format
      mocked_function := s if s := summary with double as triple
      replaced_data := s if s := summary with data.config.limit as 100
      replaced_rule := s if s := summary with data.t.limit as 100
      replaced_input := s if s := summary with input.n as 7
      triple(x) := x * 3
      mock_format(_, _) := "mocked"
      hot := {
        "count_string": count("h\u00e9llo"),
        "count_array": count(input.tags),
        "path_get": object.get(input, ["items", 0, "name"], "none"),
        "key_get": object.get(input, "missing", "fallback"),
        "lt_mixed": 1 < "a",
        "neq": input.n != 12,
        "member_object": "first-item" in input.items[0],
        "types": [is_string(input.n), is_number(input.n), is_object(input), is_set(input.tags)],
      }
      mocked_count := c if c := count(input.tags) with count as mock_count
      mock_count(_) := 99
      doubled := [d | some t in input.tags; d := concat("", [t, t]); d != "bb"]
      tag_set := {t | some t in input.tags; t == "a"}
      by_tag := {t: n | some t in input.tags; n := count([x | some x in input.tags; x == t])}
      compr_with := [s | some t in input.tags; s := label(1) with sprintf as mock_format]
      pairs := [[i, t] | some i, t in input.tags; i > 0]
      item_keys := {k | some k, _ in input.items[0]}
      over_string := [x | some x in input.items[0].name]
      over_missing := [x | some x in input.missing]
      nested := [n | some t in input.tags; n := count([u | some u in input.tags; u == t])]
      messages := [
        sprintf("%s and %v: 100%%", ["a", input.tags[0]]),
        sprintf("n=%v", [input.n]),
        sprintf("%s", [input.tags]),
        sprintf("%s and %s", ["only"]),
        sprintf("%s", ["a", "extra"]),
        sprintf("%5s|", ["a"]),
      ]
      undefined_message := sprintf("%s", [input.missing])
      lengths[t] := n if { some t in input.tags; n := count(t) + 1 }
      item_lengths[k] := count(v) if some k, v in input.items[0]
      """;

  private static final CompiledPolicy POLICY_COMPILED =
      Rego.compile(
          List.of(new RegoModule("t.rego", POLICY)), Map.of("config", Map.of("limit", 10)));

  private static final Map<String, Object> INPUT =
      Map.of(
          "n", 12, "tags", List.of("a", "b", "a"), "items", List.of(Map.of("name", "first-item")));

  private static Object eval(String query, EvalOptions options) {
    List<Map<String, Object>> b =
        POLICY_COMPILED.prepare("x := " + query).evaluate(INPUT, options).bindings();
    return b.isEmpty() ? "undefined" : b.get(0).get("x");
  }

  private static Object eval(String query) {
    return eval(query, EvalOptions.defaults());
  }

  @Test
  void compiledReferencesCallsAndObjectsGiveOpasValues() {
    assertThat(eval("data.t.summary")).isEqualTo(Map.of("n", 24L, "label", "n=12", "over", true));
    assertThat(eval("data.t.tags")).isEqualTo(List.of("a", "b"));
    assertThat(eval("data.t.first")).isEqualTo("first-item");
  }

  @Test
  void withReplacementsReachRulesRunFromCompiledOperands() {
    assertThat(eval("data.t.mocked_builtin"))
        .isEqualTo(Map.of("n", 24L, "label", "mocked", "over", true));
    assertThat(eval("data.t.mocked_function"))
        .isEqualTo(Map.of("n", 36L, "label", "n=12", "over", true));
    assertThat(eval("data.t.replaced_data"))
        .isEqualTo(Map.of("n", 24L, "label", "n=12", "over", false));
    assertThat(eval("data.t.replaced_rule"))
        .isEqualTo(Map.of("n", 24L, "label", "n=12", "over", false));
    assertThat(eval("data.t.replaced_input"))
        .isEqualTo(Map.of("n", 14L, "label", "n=7", "over", false));
  }

  @Test
  void hotBuiltInsGiveTheBuiltInsValuesAlsoForTheArgumentTypesTheyHandOver() {
    assertThat(eval("data.t.hot"))
        .isEqualTo(
            Map.of(
                "count_string",
                5L,
                "count_array",
                3L,
                "path_get",
                "first-item",
                "key_get",
                "fallback",
                "lt_mixed",
                true,
                "neq",
                false,
                "member_object",
                true,
                "types",
                List.of(false, true, true, false)));
    assertThat(eval("data.t.mocked_count")).isEqualTo(99L);
  }

  @Test
  void aHotBuiltInsTypeErrorIsTheBuiltInsOwn() {
    assertThat(eval("count(input.n)")).isEqualTo("undefined");
    assertThatThrownBy(
            () -> eval("count(input.n)", EvalOptions.defaults().withStrictBuiltinErrors(true)))
        .isInstanceOf(RegoException.class)
        .hasMessageContaining("count: operand 1 must be one of {array, object, set, string}");
  }

  @Test
  void comprehensionsRunFromCompiledBodiesGiveOpasValues() {
    assertThat(eval("data.t.doubled")).isEqualTo(List.of("aa", "aa"));
    assertThat(eval("data.t.tag_set")).isEqualTo(List.of("a"));
    assertThat(eval("data.t.by_tag")).isEqualTo(Map.of("a", 2L, "b", 1L));
    assertThat(eval("data.t.compr_with")).isEqualTo(List.of("mocked", "mocked", "mocked"));
    assertThat(eval("data.t.pairs")).isEqualTo(List.of(List.of(1L, "b"), List.of(2L, "a")));
    assertThat(eval("data.t.item_keys")).isEqualTo(List.of("name"));
    assertThat(eval("data.t.over_string")).isEqualTo(List.of());
    assertThat(eval("data.t.over_missing")).isEqualTo(List.of());
    assertThat(eval("data.t.nested")).isEqualTo(List.of(2L, 1L, 2L));
  }

  @Test
  void sprintfWithAConstantFormatGivesTheBuiltInsMessages() {
    @SuppressWarnings("unchecked")
    List<Object> messages = (List<Object>) eval("data.t.messages");
    assertThat(messages.subList(0, 2)).containsExactly("a and a: 100%", "n=12");
    assertThat(messages.subList(3, 6))
        .containsExactly("only and %!s(MISSING)", "a%!(EXTRA string=extra)", "    a|");
    assertThat(eval("data.t.undefined_message")).isEqualTo("undefined");
  }

  @Test
  void objectRulesWithSingleValuedHeadsGiveOpasValues() {
    assertThat(eval("data.t.lengths")).isEqualTo(Map.of("a", 2L, "b", 2L));
    assertThat(eval("data.t.item_lengths")).isEqualTo(Map.of("name", 10L));
  }

  @Test
  void compiledAndUncompiledEvaluationAgree() {
    for (String rule :
        List.of(
            "hot",
            "mocked_count",
            "doubled",
            "tag_set",
            "by_tag",
            "compr_with",
            "pairs",
            "item_keys",
            "over_string",
            "over_missing",
            "nested",
            "messages",
            "lengths",
            "item_lengths",
            "summary",
            "tags",
            "first",
            "mocked_builtin",
            "mocked_function",
            "replaced_data",
            "replaced_rule",
            "replaced_input")) {
      assertThat(eval("data.t." + rule))
          .as(rule)
          .isEqualTo(
              eval("data.t." + rule, EvalOptions.defaults().withTrace(true).withTraceFails(true)));
    }
  }

  private static final String SHAPES_AND_BASE_DATA =
      """
      package s
      import rego.v1

      shaped contains {"z": t, "a": n} if { some t in input.tags; n := input.n }
      built contains o if { some t in input.tags; o := object.union({"z": t}, {"a": input.n}) }
      same := shaped == built
      ordered := [o | some o in shaped]
      keys := [k | some k, _ in {"z": input.n, "a": 1, "m": 2}]
      limit_of(k) := data.config.limits[k]
      limits := [l | some k in ["gold", "none"]; l := limit_of(k)]
      replaced_limits := l if l := limits with data.config.limits as {"gold": 7}
      replaced_limit := l if l := limits with data.config.limits.gold as 8
      replaced_config := l if l := limits with data.config as {"limits": {"gold": 9}}
      """;

  @Test
  void objectTermsWithConstantKeysAndBaseDataReadsGiveOpasValues() {
    CompiledPolicy policy =
        Rego.compile(
            List.of(new RegoModule("s.rego", SHAPES_AND_BASE_DATA)),
            Map.of("config", Map.of("limits", Map.of("gold", 3))));
    java.util.function.Function<String, Object> eval =
        q -> policy.prepare("x := " + q).evaluate(INPUT).bindings().get(0).get("x");

    assertThat(eval.apply("data.s.same")).isEqualTo(true);
    assertThat(eval.apply("data.s.ordered"))
        .isEqualTo(List.of(Map.of("a", 12L, "z", "a"), Map.of("a", 12L, "z", "b")));
    assertThat(eval.apply("data.s.keys")).isEqualTo(List.of("a", "m", "z"));
    assertThat(eval.apply("data.s.limits")).isEqualTo(List.of(3L));
    assertThat(eval.apply("data.s.replaced_limits")).isEqualTo(List.of(7L));
    assertThat(eval.apply("data.s.replaced_limit")).isEqualTo(List.of(8L));
    assertThat(eval.apply("data.s.replaced_config")).isEqualTo(List.of(9L));
  }
}
