package dev.lattice.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class RegoSemanticsTest {

  private static Object eval(String src, String query, Object input, Object data) {
    CompiledPolicy p = Rego.compile(List.of(new RegoModule("p.rego", src)), data);
    List<Map<String, Object>> b = p.prepare(query).evaluate(input).bindings();
    return b.isEmpty() ? "undefined" : b.get(0).get("x");
  }

  @Test
  void withDataReplacesANetworkDocumentForOneExpressionOnly() {
    String src =
        """
        package t
        blocked if input.category in data.networks.ski.blocked
        test_blocked if blocked with input as {"category": "bets"} with data.networks as {"ski": {"blocked": ["bets"]}}
        outside := blocked
        """;
    Map<String, Object> data = Map.of("networks", Map.of("ski", Map.of("blocked", List.of())));
    assertThat(eval(src, "data.t.test_blocked", null, data)).isEqualTo(true);
    assertThat(eval(src, "data.t.outside", Map.of("category", "bets"), data))
        .isEqualTo("undefined");
  }

  @Test
  void everyHoldsOnlyWhenEveryElementSatisfiesTheBody() {
    String src = "package t\nall_small if every n in input.ns { n < 10 }\n";
    assertThat(eval(src, "data.t.all_small", Map.of("ns", List.of(1, 2, 3)), null)).isEqualTo(true);
    assertThat(eval(src, "data.t.all_small", Map.of("ns", List.of(1, 20)), null))
        .isEqualTo("undefined");
    assertThat(eval(src, "data.t.all_small", Map.of("ns", List.of()), null)).isEqualTo(true);
  }

  @Test
  void elseChainsAndFunctionDefinitionsPickTheFirstMatchingBranch() {
    String src =
        """
        package t
        grade(s) := "a" if s >= 90
        else := "b" if s >= 80
        else := "c"
        size(x) := "big" if x > 100
        size(x) := "small" if x <= 100
        r := [grade(95), grade(85), grade(10), size(5), size(500)]
        """;
    assertThat(eval(src, "data.t.r", null, null)).isEqualTo(List.of("a", "b", "c", "small", "big"));
  }

  @Test
  void numbersKeepArbitraryPrecisionAndCompareByValue() {
    String src =
        """
        package t
        big := 123456789012345678901234567890 + 1
        same if 1 == 1.0
        frac := 0.1 + 0.2
        """;
    assertThat(eval(src, "data.t.big", null, null))
        .isEqualTo(new BigDecimal("123456789012345678901234567891"));
    assertThat(eval(src, "data.t.same", null, null)).isEqualTo(true);
    assertThat(eval(src, "data.t.frac", null, null)).isEqualTo(new BigDecimal("0.3"));
  }

  @Test
  void setsComeBackAsSortedListsAndObjectsWithSortedKeys() {
    String src = "package t\ns := {\"b\", \"a\", \"c\"}\no := {\"z\": 1, \"a\": {3, 1}}\n";
    assertThat(eval(src, "data.t.s", null, null)).isEqualTo(List.of("a", "b", "c"));
    assertThat(new ArrayList<Object>(((Map<?, ?>) eval(src, "data.t.o", null, null)).keySet()))
        .containsExactly("a", "z");
  }

  @Test
  void timeNowComesFromTheEvaluationOptions() {
    CompiledPolicy p =
        Rego.compile(List.of(new RegoModule("p.rego", "package t\nnow := time.now_ns()\n")), null);
    EvalOptions at = EvalOptions.defaults().withNow(Instant.parse("2026-11-23T10:00:00Z"));
    assertThat(p.prepare("data.t.now").evaluate(null, at).bindings())
        .containsExactly(Map.of("x", 1795428000000000000L));
  }

  @Test
  void timeNowIsTheSameForEveryCallOfAnEvaluationAndItsWithScopes() {
    CompiledPolicy p =
        Rego.compile(
            List.of(
                new RegoModule(
                    "p.rego",
                    """
                    package t
                    later := n if n := time.now_ns() with input as {"x": 1}
                    first := time.now_ns()
                    same := first == later
                    """)),
            null);
    long before = System.currentTimeMillis() * 1_000_000L;
    Map<?, ?> t = (Map<?, ?>) p.prepare("data.t").evaluate(null).bindings().get(0).get("x");
    long after = (System.currentTimeMillis() + 1) * 1_000_000L;
    assertThat(t.get("same")).isEqualTo(true);
    assertThat((Long) t.get("first")).isBetween(before, after);
  }

  @Test
  void strictBuiltinErrorsAbortWhileLenientOnesAreUndefined() {
    CompiledPolicy p =
        Rego.compile(List.of(new RegoModule("p.rego", "package t\nx := 1 / input.d\n")), null);
    assertThat(p.prepare("data.t.x").evaluate(Map.of("d", 0)).defined()).isFalse();
    assertThatThrownBy(
            () ->
                p.prepare("data.t.x")
                    .evaluate(Map.of("d", 0), EvalOptions.defaults().withStrictBuiltinErrors(true)))
        .isInstanceOfSatisfying(
            RegoException.class,
            e -> {
              assertThat(e.code()).isEqualTo("eval_builtin_error");
              assertThat(e.getMessage()).contains("p.rego:2:8").contains("divide by zero");
            });
  }

  @Test
  void aPreparedQueryServesManyThreadsAtOnce() throws Exception {
    CompiledPolicy p =
        Rego.compile(
            List.of(
                new RegoModule(
                    "p.rego",
                    """
        package t
        double := [y | some x in input.xs; y := x * 2]
        """)),
            null);
    PreparedQuery q = p.prepare("data.t.double");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> fs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        final int base = t;
        fs.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 500; i++) {
                    Object got =
                        q.evaluate(Map.of("xs", List.of(base, i))).bindings().get(0).get("x");
                    if (!got.equals(List.of(2L * base, 2L * i))) return false;
                  }
                  return true;
                }));
      }
      for (Future<Boolean> f : fs) assertThat(f.get()).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anInputThatIsNotJsonLikeIsATypedError() {
    CompiledPolicy p =
        Rego.compile(List.of(new RegoModule("p.rego", "package t\nx := input.a\n")), null);
    assertThatThrownBy(() -> p.prepare("data.t.x").evaluate(Map.of("a", new Object())))
        .isInstanceOfSatisfying(
            RegoException.class, e -> assertThat(e.code()).isEqualTo("eval_type_error"));
  }

  @Test
  void printNeverFailsItsBodyAndGoesToTheTrace() {
    CompiledPolicy p =
        Rego.compile(
            List.of(
                new RegoModule(
                    "p.rego",
                    """
        package t
        ok if {
          print("member", input.member, "missing", input.nope)
        }
        """)),
            null);
    QueryResult r =
        p.prepare("data.t.ok")
            .evaluate(Map.of("member", "m-1"), EvalOptions.defaults().withTrace(true));
    assertThat(r.bindings()).containsExactly(Map.of("x", true));
    assertThat(r.trace())
        .extracting(TraceEvent::message)
        .contains("member m-1 missing <undefined>");
  }

  @Test
  void aDeeplyNestedInputIsATypedErrorNotAStackOverflow() {
    Object deep = "leaf";
    for (int i = 0; i < 200_000; i++) deep = List.of(deep);
    Object input = deep;
    CompiledPolicy p =
        Rego.compile(List.of(new RegoModule("p.rego", "package t\nx := input\n")), null);
    assertThatThrownBy(() -> p.prepare("data.t.x").evaluate(input))
        .isInstanceOfSatisfying(
            RegoException.class, e -> assertThat(e.code()).isEqualTo("eval_budget_exceeded"));
  }
}
