package dev.lattice.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rules whose definitions the engine indexes by their leading equality conditions give the same
 * results as evaluation without the index (tracing bypasses it), and skip definitions that cannot
 * match.
 */
class RuleIndexEvaluationTest {

  private static final String DENY =
      """
      package t

      default allow := false

      allow if count(deny) == 0

      kind := input.event.type

      deny contains "offer.no_brand" if {
        kind == "offer"
        not input.event.brand
      }

      deny contains "content.too_big" if {
        input.event.type == "content"
        input.event.size > 10
      }

      deny contains "not_network" if input.destination.kind != "network"

      deny contains "blocked" if input.blocked

      deny contains "unknown" if not kind in {"offer", "content"}

      deny contains "content.no_size" if {
        t := input.event.type
        t == "content"
        not input.event.size
      }

      reasons[code] := detail if {
        kind == "offer"
        some code in deny
        detail := {"kind": kind}
      }

      reasons["closed"] := "the network is closed" if input.closed == true

      level := "high" if {
        input.event.type == "offer"
        input.score > 5
      } else := "low" if {
        input.event.type == "offer"
      }

      level := "content" if input.event.type == "content"

      label("offer") := "an offer"

      label("content") := "content"

      label(x) := "other" if not x in {"offer", "content"}

      named := label(input.event.type)
      """;

  private static final List<Map<String, Object>> INPUTS =
      List.of(
          Map.of("event", Map.of("type", "offer"), "destination", Map.of("kind", "network")),
          Map.of(
              "event",
              Map.of("type", "offer", "brand", "b"),
              "destination",
              Map.of("kind", "brand"),
              "score",
              9,
              "closed",
              true),
          Map.of(
              "event",
              Map.of("type", "content", "size", 20),
              "destination",
              Map.of("kind", "network"),
              "blocked",
              false),
          Map.of("event", Map.of("type", "insight"), "blocked", "yes"),
          Map.of());

  private static Object eval(CompiledPolicy p, String query, Object input, EvalOptions options) {
    List<Map<String, Object>> b = p.prepare("x := " + query).evaluate(input, options).bindings();
    return b.isEmpty() ? "undefined" : b.get(0).get("x");
  }

  @Test
  void indexedRulesGiveTheSameResultsAsEvaluationWithoutTheIndex() {
    CompiledPolicy p = Rego.compile(List.of(new RegoModule("t.rego", DENY)), Map.of());

    for (Map<String, Object> input : INPUTS) {
      for (String rule : List.of("allow", "deny", "reasons", "level", "named")) {
        Object indexed = eval(p, "data.t." + rule, input, EvalOptions.defaults());
        Object unindexed = eval(p, "data.t." + rule, input, EvalOptions.defaults().withTrace(true));
        assertThat(indexed).as("%s for %s", rule, input).isEqualTo(unindexed);
      }
    }
  }

  @Test
  void indexedRulesSelectTheDefinitionsTheInputMatches() {
    CompiledPolicy p = Rego.compile(List.of(new RegoModule("t.rego", DENY)), Map.of());

    Map<String, Object> offer = INPUTS.get(0);
    Map<String, Object> brandOffer = INPUTS.get(1);
    Map<String, Object> content = INPUTS.get(2);
    Map<String, Object> insight = INPUTS.get(3);

    assertThat(eval(p, "data.t.deny", offer, EvalOptions.defaults()))
        .isEqualTo(List.of("offer.no_brand"));
    assertThat(eval(p, "data.t.deny", content, EvalOptions.defaults()))
        .isEqualTo(List.of("content.too_big"));
    assertThat(eval(p, "data.t.deny", insight, EvalOptions.defaults()))
        .isEqualTo(List.of("blocked", "unknown"));
    assertThat(eval(p, "data.t.allow", brandOffer, EvalOptions.defaults())).isEqualTo(false);
    assertThat(eval(p, "data.t.reasons", brandOffer, EvalOptions.defaults()))
        .isEqualTo(
            Map.of("closed", "the network is closed", "not_network", Map.of("kind", "offer")));
    assertThat(eval(p, "data.t.level", brandOffer, EvalOptions.defaults())).isEqualTo("high");
    assertThat(eval(p, "data.t.level", offer, EvalOptions.defaults())).isEqualTo("low");
    assertThat(eval(p, "data.t.level", content, EvalOptions.defaults())).isEqualTo("content");
    assertThat(eval(p, "data.t.named", content, EvalOptions.defaults())).isEqualTo("content");
    assertThat(eval(p, "data.t.named", insight, EvalOptions.defaults())).isEqualTo("other");
    assertThat(eval(p, "data.t.named", Map.of(), EvalOptions.defaults())).isEqualTo("undefined");
  }

  @Test
  void withOverridesOfInputAndDataAreSeenByTheIndex() {
    String src =
        """
        package t

        p contains "a" if input.kind == "a"

        p contains "b" if input.kind == "b"

        p contains "net" if data.net.open

        q := v if v := p with input as {"kind": "b"}

        r := v if v := p with input.kind as "a" with data.net.open as true

        s := [p, q, r]

        f("x") := 1

        f("y") := 2

        mocked := v if v := f("x") with f as g

        g(_) := 3
        """;
    CompiledPolicy p =
        Rego.compile(List.of(new RegoModule("t.rego", src)), Map.of("net", Map.of("open", false)));

    Object s = eval(p, "data.t.s", Map.of("kind", "a"), EvalOptions.defaults());
    Object mocked = eval(p, "data.t.mocked", null, EvalOptions.defaults());

    assertThat(s).isEqualTo(List.of(List.of("a"), List.of("b"), List.of("a", "net")));
    assertThat(mocked).isEqualTo(3L);
  }

  @Test
  void definitionsTheIndexExcludesAreNotEvaluated() {
    // 300 definitions guarded by input.kind: evaluation without the index tests each guard (a step
    // each) and exceeds a budget of 100 steps; with it, the key is read once and one definition
    // runs
    StringBuilder src = new StringBuilder("package t\n");
    for (int i = 0; i < 300; i++) {
      src.append("p contains ").append(i).append(" if input.kind == \"k").append(i).append("\"\n");
    }
    CompiledPolicy p = Rego.compile(List.of(new RegoModule("t.rego", src.toString())), Map.of());
    EvalOptions budget = EvalOptions.defaults().withMaxSteps(100);

    Object indexed = eval(p, "data.t.p", Map.of("kind", "k250"), budget);

    assertThat(indexed).isEqualTo(List.of(250L));
    assertThatThrownBy(() -> eval(p, "data.t.p", Map.of("kind", "k250"), budget.withTrace(true)))
        .isInstanceOf(RegoException.class);
  }

  @Test
  void plannedRuleBodiesGiveTheSameResultsAsBodiesProbedAtRunTime() {
    // explain=fails evaluates every expression through the general path: no plan, no index
    String src =
        """
        package t
        pairs contains [x, y] if {
          some i
          x := input.xs[i]
          y := input.ys[_]
          x < y
          z = x + y
          z > 2
          not input.skip[x]
        }
        firsts[k] := v if {
          v := input.ys[k]
          k == 0
        }
        counts := {k: n | some k, vs in input.groups; n := count(vs)}
        picked := [v | v := input.xs[_]; v > 1] if input.xs
        split_words := w if w := split("a b", " ")
        multi := s if s := [x | walk(input.groups, [p, x]); is_number(x)]
        """;
    CompiledPolicy p = Rego.compile(List.of(new RegoModule("t.rego", src)), Map.of());
    Map<String, Object> input =
        Map.of(
            "xs", List.of(1, 2, 3),
            "ys", List.of(2, 4),
            "skip", Map.of("c", true),
            "groups", Map.of("a", List.of(1, 2), "b", List.of()));

    for (String rule : List.of("pairs", "firsts", "counts", "picked", "split_words", "multi")) {
      Object planned = eval(p, "data.t." + rule, input, EvalOptions.defaults());
      Object probed = eval(p, "data.t." + rule, input, EvalOptions.defaults().withTraceFails(true));
      assertThat(planned).as(rule).isEqualTo(probed).isNotEqualTo("undefined");
    }
    assertThat(eval(p, "data.t.pairs", input, EvalOptions.defaults()))
        .isEqualTo(List.of(List.of(1L, 2L), List.of(1L, 4L), List.of(2L, 4L), List.of(3L, 4L)));
  }

  @Test
  void aFunctionMockedWithAMultiValuedBuiltInTakesTheGeneralPath() {
    // y := g(input) is planned as a single-valued binding; with g as walk it has several values
    String src =
        """
        package t
        g(x) := x
        s contains y if y := g(input)
        one := y if y := g(input)
        mocked := v if v := s with g as walk
        plain := v if v := one
        """;
    CompiledPolicy p = Rego.compile(List.of(new RegoModule("t.rego", src)), Map.of());
    Map<String, Object> input = Map.of("a", 1);

    Object mocked = eval(p, "data.t.mocked", input, EvalOptions.defaults());
    Object probed = eval(p, "data.t.mocked", input, EvalOptions.defaults().withTraceFails(true));

    assertThat(mocked)
        .isEqualTo(probed)
        .isEqualTo(List.of(List.of(List.of(), Map.of("a", 1L)), List.of(List.of("a"), 1L)));
    assertThat(eval(p, "data.t.plain", input, EvalOptions.defaults())).isEqualTo(Map.of("a", 1L));
  }

  @Test
  void conflictsBetweenSelectedDefinitionsAreStillReported() {
    String src =
        """
        package t
        p := 1 if input.kind == "a"
        p := 2 if input.kind == "a"
        p := 3 if input.kind == "b"
        """;
    CompiledPolicy p = Rego.compile(List.of(new RegoModule("t.rego", src)), Map.of());

    assertThat(eval(p, "data.t.p", Map.of("kind", "b"), EvalOptions.defaults())).isEqualTo(3L);
    assertThatThrownBy(() -> eval(p, "data.t.p", Map.of("kind", "a"), EvalOptions.defaults()))
        .isInstanceOf(RegoException.class)
        .hasMessageContaining("conflicting");
  }
}
