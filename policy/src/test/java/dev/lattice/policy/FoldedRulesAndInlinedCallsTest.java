package dev.lattice.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rules that read no input are folded when the policy is compiled (their references read the
 * value), and small functions are called in place (without the function-call memo): both give the
 * values, errors and {@code with} behaviour of evaluating them every time.
 */
class FoldedRulesAndInlinedCallsTest {

  private static final String POLICY =
      """
      package t
      import rego.v1

      base := {"a", "b"}
      known := base | {"c"}
      limit := data.config.limit
      labels := [label(1), label(2)]
      label(n) := sprintf("n=%d", [n])
      loud(n) := "loud"

      default is_known := false
      is_known if input.kind in known
      default over := false
      over if input.n > limit
      summary := {"known": is_known, "over": over, "labels": labels}

      other_data := s if s := summary with data.config.limit as 100
      other_rule := s if s := summary with data.t.base as {"k"}
      other_function := s if s := summary with label as loud
      other_input := s if s := summary with input as {"kind": "z", "n": 1}

      not_a_number := to_number("abc")
      uses_not_a_number if not_a_number > 0
      conflicting := 1
      conflicting := 2
      uses_conflicting if conflicting > 0

      get(obj, key, fallback) := object.get(obj, key, fallback) if is_object(obj)
      get(obj, key, fallback) := fallback if not is_object(obj)
      as_list(x) := x if is_array(x)
      as_list(x) := [] if not is_array(x)
      gets := [get(input, "kind", "?"), get(input.kind, "x", "none"), count(as_list(input.tags))]
      two(x) := 1 if x > 0
      two(x) := 2 if x > 1
      uses_two := two(input.n)
      mocked_get := g if g := gets with get as loud3
      loud3(_, _, _) := "loud"
      """;

  private static final CompiledPolicy COMPILED =
      Rego.compile(
          List.of(new RegoModule("t.rego", POLICY)), Map.of("config", Map.of("limit", 10)));

  private static final Map<String, Object> INPUT =
      Map.of("kind", "a", "n", 12, "tags", List.of("x", "y"));

  private static Object eval(String query, EvalOptions options) {
    List<Map<String, Object>> b =
        COMPILED.prepare("x := " + query).evaluate(INPUT, options).bindings();
    return b.isEmpty() ? "undefined" : b.get(0).get("x");
  }

  private static Object eval(String query) {
    return eval(query, EvalOptions.defaults());
  }

  @Test
  void referencesToRulesThatReadNoInputGiveTheirValues() {
    assertThat(eval("data.t.summary"))
        .isEqualTo(Map.of("known", true, "over", true, "labels", List.of("n=1", "n=2")));
  }

  @Test
  void withOnDataRulesFunctionsOrInputStillAppliesToFoldedRules() {
    assertThat(eval("data.t.other_data"))
        .isEqualTo(Map.of("known", true, "over", false, "labels", List.of("n=1", "n=2")));
    assertThat(eval("data.t.other_rule"))
        .isEqualTo(Map.of("known", false, "over", true, "labels", List.of("n=1", "n=2")));
    assertThat(eval("data.t.other_function"))
        .isEqualTo(Map.of("known", true, "over", true, "labels", List.of("loud", "loud")));
    assertThat(eval("data.t.other_input"))
        .isEqualTo(Map.of("known", false, "over", false, "labels", List.of("n=1", "n=2")));
  }

  @Test
  void aRuleThatFailsIsNotFoldedAndFailsAtEvaluationAsBefore() {
    assertThat(eval("data.t.uses_not_a_number")).isEqualTo("undefined");
    assertThatThrownBy(
            () ->
                eval(
                    "data.t.uses_not_a_number",
                    EvalOptions.defaults().withStrictBuiltinErrors(true)))
        .isInstanceOfSatisfying(
            RegoException.class, e -> assertThat(e.code()).isEqualTo(RegoException.BUILTIN));
    assertThatThrownBy(() -> eval("data.t.uses_conflicting"))
        .isInstanceOfSatisfying(
            RegoException.class, e -> assertThat(e.code()).isEqualTo(RegoException.CONFLICT));
  }

  @Test
  void smallFunctionsCalledInPlaceGiveTheirValuesConflictsAndMocks() {
    assertThat(eval("data.t.gets")).isEqualTo(List.of("a", "none", 2L));
    assertThat(eval("data.t.mocked_get")).isEqualTo(List.of("loud", "loud", 2L));
    assertThatThrownBy(() -> eval("data.t.uses_two"))
        .isInstanceOfSatisfying(
            RegoException.class, e -> assertThat(e.code()).isEqualTo(RegoException.CONFLICT));
  }

  @Test
  void traceAndExplainFailsSeeTheSameValues() {
    EvalOptions trace = EvalOptions.defaults().withTrace(true);
    EvalOptions fails = trace.withTraceFails(true);
    for (String rule : List.of("summary", "other_data", "other_rule", "gets", "mocked_get")) {
      Object plain = eval("data.t." + rule);
      assertThat(eval("data.t." + rule, trace)).as(rule).isEqualTo(plain);
      assertThat(eval("data.t." + rule, fails)).as(rule).isEqualTo(plain);
    }
  }

  @Test
  void traceStillRecordsTheEvaluationOfAFoldedRule() {
    QueryResult r =
        COMPILED.prepare("data.t.is_known").evaluate(INPUT, EvalOptions.defaults().withTrace(true));
    assertThat(r.trace()).extracting(TraceEvent::rule).contains("data.t.known", "data.t.base");
  }
}
