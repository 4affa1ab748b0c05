package dev.lattice.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * An evaluation's rule values live in a cache its engine reuses on the same thread: each evaluation
 * sees only its own values, also after one that failed half-way, on other threads at the same time,
 * and in {@code with} scopes (which get a cache of their own).
 */
class RuleCacheReuseTest {

  private static final String POLICY =
      """
      package t
      import rego.v1

      n := input.n
      doubled := n * 2
      default big := false
      big if doubled > 10
      summary := {"n": n, "doubled": doubled, "big": big}
      slow := count([x | some x in numbers.range(1, input.n)])
      known := {"a", "b"}
      kinds := known | {"c"}
      known_kind if input.kind in (known | {"c"})
      replaced := k if k := kinds with data.t.known as {"z"}
      mocked := k if k := kinds with data.t.n as 1
      """;

  private static final CompiledPolicy COMPILED =
      Rego.compile(List.of(new RegoModule("t.rego", POLICY)), Map.of());

  private static Object eval(PreparedQuery q, Map<String, Object> input, EvalOptions o) {
    List<Map<String, Object>> b = q.evaluate(input, o).bindings();
    return b.isEmpty() ? "undefined" : b.get(0).get("x");
  }

  @Test
  void eachEvaluationOnTheSameThreadSeesOnlyItsOwnRuleValues() {
    PreparedQuery q = COMPILED.prepare("x := data.t.summary");
    for (int n = 0; n < 20; n++) {
      assertThat(eval(q, Map.of("n", n), EvalOptions.defaults()))
          .as("n=%d", n)
          .isEqualTo(Map.of("n", (long) n, "doubled", n * 2L, "big", n * 2 > 10));
    }
  }

  @Test
  void anEvaluationThatFailedHalfWayLeavesNothingForTheNext() {
    PreparedQuery q = COMPILED.prepare("x := [data.t.doubled, data.t.slow]");
    assertThatThrownBy(() -> eval(q, Map.of("n", 5000), EvalOptions.defaults().withMaxSteps(200)))
        .isInstanceOf(RegoException.class);
    assertThat(eval(q, Map.of("n", 3), EvalOptions.defaults())).isEqualTo(List.of(6L, 3L));
  }

  @Test
  void evaluationsOnManyThreadsAtOnceKeepTheirOwnValues() {
    PreparedQuery q = COMPILED.prepare("x := data.t.doubled");
    List<Object> got =
        IntStream.range(0, 2000)
            .parallel()
            .mapToObj(i -> eval(q, Map.of("n", i), EvalOptions.defaults()))
            .toList();
    assertThat(got).isEqualTo(IntStream.range(0, 2000).mapToObj(i -> i * 2L).toList());
  }

  @Test
  void withScopesInsideAnEvaluationSeeTheirOwnRuleValues() {
    assertThat(eval(COMPILED.prepare("x := data.t.kinds"), Map.of(), EvalOptions.defaults()))
        .isEqualTo(List.of("a", "b", "c"));
    assertThat(eval(COMPILED.prepare("x := data.t.replaced"), Map.of(), EvalOptions.defaults()))
        .isEqualTo(List.of("c", "z"));
    assertThat(eval(COMPILED.prepare("x := data.t.mocked"), Map.of(), EvalOptions.defaults()))
        .isEqualTo(List.of("a", "b", "c"));
    PreparedQuery member = COMPILED.prepare("x := data.t.known_kind");
    for (int i = 0; i < 3; i++) {
      assertThat(eval(member, Map.of("kind", "c"), EvalOptions.defaults())).isEqualTo(true);
      assertThat(eval(member, Map.of("kind", "d"), EvalOptions.defaults())).isEqualTo("undefined");
    }
  }
}
