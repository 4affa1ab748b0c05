package dev.lattice.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegoEngineTest {

  private static CompiledPolicy compile(String src, Object data) {
    return Rego.compile(List.of(new RegoModule("policy.rego", src)), data);
  }

  @Test
  void aBareReferenceQueryReportsItsValueUnderX() {
    CompiledPolicy p =
        compile(
            """
        package lattice
        default allow := false
        allow if input.purpose in data.allowed
        decision := {"allow": allow}
        """,
            Map.of("allowed", List.of("ads")));
    QueryResult r = p.prepare("data.lattice.decision").evaluate(Map.of("purpose", "ads"));
    assertThat(r.bindings()).containsExactly(Map.of("x", Map.of("allow", true)));
  }

  @Test
  void undefinedIsNotFalse() {
    CompiledPolicy p = compile("package t\np if input.x == 1\n", null);
    assertThat(p.prepare("data.t.p").evaluate(Map.of("x", 2)).defined()).isFalse();
    assertThat(p.prepare("data.t.p").evaluate(Map.of("x", 1)).bindings())
        .containsExactly(Map.of("x", true));
  }

  @Test
  void aLoneTermQueryAnswersAFalseValueAsOpaEvalDoesButAnIteratingOneChecksIt() {
    CompiledPolicy p = compile("package t\ndefault allow := false\nflags := [true, false]\n", null);

    assertThat(p.prepare("data.t.allow").evaluate(null).bindings())
        .containsExactly(Map.of("x", false));
    assertThat(p.prepare("false").evaluate(null).bindings()).containsExactly(Map.of("x", false));
    assertThat(p.prepare("data.t.flags[1]").evaluate(null).bindings())
        .containsExactly(Map.of("x", false));
    // data.t.flags[_] iterates: OPA checks each captured value, so only true is a result.
    assertThat(p.prepare("data.t.flags[_]").evaluate(null).bindings())
        .containsExactly(Map.of("x", true));
    assertThat(p.prepare("data.t.missing").evaluate(null).defined()).isFalse();
  }

  @Test
  void aLoneCallQueryAnswersTheCallsValueAsOpaEvalDoesFalseIncluded() {
    CompiledPolicy p =
        compile("package t\nxs := [1, 2, 2]\nf(x) := x > 1\ng(x) := 1 if x == 0\n", null);

    assertThat(p.prepare("1 == 2").evaluate(null).bindings()).containsExactly(Map.of("x", false));
    assertThat(p.prepare("1 != 2").evaluate(null).bindings()).containsExactly(Map.of("x", true));
    assertThat(p.prepare("input.a < 3").evaluate(Map.of("a", 5)).bindings())
        .containsExactly(Map.of("x", false));
    assertThat(p.prepare("startswith(\"lattice\", \"x\")").evaluate(null).bindings())
        .containsExactly(Map.of("x", false));
    assertThat(p.prepare("count(data.t.xs)").evaluate(null).bindings())
        .containsExactly(Map.of("x", 3L));
    assertThat(p.prepare("data.t.f(0)").evaluate(null).bindings())
        .containsExactly(Map.of("x", false));
    // a function without a value for its argument is undefined, not false
    assertThat(p.prepare("data.t.g(1)").evaluate(null).defined()).isFalse();
    // an undefined operand leaves the comparison undefined
    assertThat(p.prepare("input.missing == 1").evaluate(Map.of()).defined()).isFalse();
  }

  @Test
  void aCallQueryThatIteratesOrBindsAnOutputIsCheckedAsBefore() {
    CompiledPolicy p = compile("package t\nxs := [1, 2, 2]\n", null);

    // iterating: OPA checks each captured value, so only the true ones are results
    assertThat(p.prepare("data.t.xs[_] == 2").evaluate(null).bindings())
        .containsExactly(Map.of("x", true));
    assertThat(p.prepare("data.t.xs[_] == 3").evaluate(null).defined()).isFalse();
    // the output argument form binds its variable, nothing is captured
    assertThat(p.prepare("plus(1, 2, y)").evaluate(null).bindings())
        .containsExactly(Map.of("y", 3L));
    // unification is not a call: 1 = 2 stays undefined
    assertThat(p.prepare("1 = 2").evaluate(null).defined()).isFalse();
    // more than one expression: each is checked
    assertThat(p.prepare("true; 1 == 2").evaluate(null).defined()).isFalse();
  }

  @Test
  void withReplacesInputDataAndFunctions() {
    CompiledPolicy p =
        compile(
            """
        package t
        f(x) := x + 1
        p := [input.a, data.n.k, f(1)]
        test_p if p == [5, 6, 10] with input as {"a": 5} with data.n as {"k": 6} with f as g
        g(x) := 10
        """,
            Map.of("n", Map.of("k", 1)));
    assertThat(p.prepare("data.t.test_p").evaluate(null).bindings())
        .containsExactly(Map.of("x", true));
    assertThat(p.rules()).extracting(RuleInfo::name).contains("test_p", "f", "p", "g");
  }

  @Test
  void partialSetsObjectsAndIterationProduceOpaBindingSets() {
    CompiledPolicy p =
        compile(
            """
        package t
        deny contains msg if {
          some item in input.items
          item.price > 10
          msg := sprintf("%s too expensive", [item.name])
        }
        obligations[k] := v if { some k, v in input.obligations }
        """,
            null);
    Map<String, Object> input =
        Map.of(
            "items", List.of(Map.of("name", "a", "price", 20), Map.of("name", "b", "price", 5)),
            "obligations", Map.of("redact", List.of("email")));
    assertThat(p.prepare("x := data.t.deny[_]").evaluate(input).bindings())
        .containsExactly(Map.of("x", "a too expensive"));
    assertThat(p.prepare("data.t.obligations").evaluate(input).bindings())
        .containsExactly(Map.of("x", Map.of("redact", List.of("email"))));
  }

  @Test
  void compileErrorsCarryFileLineAndColumn() {
    assertThatThrownBy(() -> compile("package t\n\np if {\n  x > 1\n}\n", null))
        .isInstanceOfSatisfying(
            RegoException.class,
            e -> {
              assertThat(e.code()).isEqualTo("rego_unsafe_var_error");
              assertThat(e.location()).isPresent();
              assertThat(e.getMessage()).startsWith("policy.rego:4:3");
            });
    assertThatThrownBy(() -> compile("package t\np if nosuch(1)\n", null))
        .isInstanceOfSatisfying(
            RegoException.class, e -> assertThat(e.code()).isEqualTo("rego_type_error"));
    assertThatThrownBy(() -> compile("package t\np if {\n", null))
        .isInstanceOfSatisfying(
            RegoException.class, e -> assertThat(e.code()).isEqualTo("rego_parse_error"));
    assertThatThrownBy(() -> compile("package t\np if q\nq if p\n", null))
        .isInstanceOfSatisfying(
            RegoException.class, e -> assertThat(e.code()).isEqualTo("rego_recursion_error"));
  }

  @Test
  void conflictingCompleteRulesRaiseAConflictError() {
    CompiledPolicy p = compile("package t\np := 1\np := 2\n", null);
    assertThatThrownBy(() -> p.prepare("data.t.p").evaluate(null))
        .isInstanceOfSatisfying(
            RegoException.class, e -> assertThat(e.code()).isEqualTo("eval_conflict_error"));
  }

  @Test
  void aRunawayPolicyStopsAtItsBudget() {
    CompiledPolicy p =
        compile("package t\np := count([x | some x in numbers.range(1, 100000000)])\n", null);
    EvalOptions small =
        EvalOptions.defaults().withMaxSteps(10_000).withDeadline(Duration.ofSeconds(2));
    assertThatThrownBy(() -> p.prepare("data.t.p").evaluate(null, small))
        .isInstanceOfSatisfying(
            RegoException.class, e -> assertThat(e.code()).isEqualTo("eval_budget_exceeded"));
  }

  @Test
  void deepFunctionNestingEndsInABudgetErrorNotAStackOverflow() {
    StringBuilder src = new StringBuilder("package t\nf0(x) := x\n");
    for (int i = 1; i < 3000; i++)
      src.append("f").append(i).append("(x) := f").append(i - 1).append("(x)\n");
    src.append("p := f2999(1)\n");
    CompiledPolicy p = compile(src.toString(), null);
    assertThatThrownBy(() -> p.prepare("data.t.p").evaluate(null))
        .isInstanceOfSatisfying(
            RegoException.class, e -> assertThat(e.code()).isEqualTo("eval_budget_exceeded"));
  }

  @Test
  void traceRecordsFiredRules() {
    CompiledPolicy p = compile("package t\nq if true\np if q\n", null);
    QueryResult r = p.prepare("data.t.p").evaluate(null, EvalOptions.defaults().withTrace(true));
    assertThat(r.trace()).extracting(TraceEvent::rule).contains("data.t.q", "data.t.p");
  }

  @Test
  void aRegexOverAHugeInputIsInterruptedByTheEvaluationBudget() {
    CompiledPolicy p = compile("package t\np if regex.match(`(a|aa)*b`, input.s)\n", null);
    String huge = "a".repeat(2_000_000);
    assertThatThrownBy(
            () ->
                p.prepare("data.t.p")
                    .evaluate(Map.of("s", huge), EvalOptions.defaults().withMaxSteps(500)))
        .isInstanceOf(RegoException.class)
        .hasMessageContaining("budget");
  }
}
