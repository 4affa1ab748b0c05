package dev.lattice.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.policy.internal.rego.eval.Engine;
import dev.lattice.policy.internal.rego.value.Convert;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Random and mutated policy text and inputs: the engine only ever raises {@link RegoException}, and
 * no evaluation uses more steps than its budget.
 */
class RegoRobustnessPropertyTest {

  private static final long MAX_STEPS = 20_000;

  private static final List<String> SEEDS =
      List.of(
          """
      package lattice
      default allow := false
      allow if {
        input.event.purpose in data.consent[input.member].purposes
        not deny_reasons[_]
      }
      deny_reasons contains "category" if input.event.category == "health"
      obligations[k] := v if { some k, v in {"redact": ["email"], "generalize": ["age"]} }
      decision := {"allow": allow, "reasons": deny_reasons, "obligations": obligations}
      """,
          """
      package t
      f(x) := y if { y := x * 2 }
      f(x) := 0 if x < 0
      p := [f(n) | some n in input.numbers]
      q contains s if { some s in split(input.text, ","); startswith(s, "a") }
      r := count(q) + sum([1, 2, 3])
      every_ok if every x in input.numbers { x > -100 }
      """,
          """
      package t
      a.b[x].c := v if { some x, v in input.m }
      s := {x | x := input.items[_].name}
      o := {k: v | some k, v in input.m; is_number(v)}
      z := y if { y := json.unmarshal(json.marshal(input)) } else := "none"
      w if { t := time.parse_rfc3339_ns("2020-01-01T00:00:00Z"); t > 0 } with input as {"x": 1}
      """);

  private static final List<String> TOKENS =
      List.of(
          "package",
          "t",
          "p",
          "q",
          "x",
          "y",
          "f",
          "if",
          "else",
          "contains",
          "some",
          "in",
          "every",
          "not",
          "with",
          "as",
          "default",
          ":=",
          "=",
          "==",
          "!=",
          "<",
          ">",
          "+",
          "-",
          "*",
          "/",
          "%",
          "&",
          "|",
          "{",
          "}",
          "[",
          "]",
          "(",
          ")",
          ".",
          ",",
          ";",
          ":",
          "\n",
          "input",
          "data",
          "1",
          "2.5",
          "\"s\"",
          "true",
          "null",
          "count",
          "sprintf",
          "_",
          "import",
          "rego.v1",
          "set()",
          "walk",
          "numbers.range");

  @Property(tries = 300)
  void mutatedPoliciesOnlyRaiseTypedErrorsAndStayWithinBudget(
      @ForAll("mutatedPolicies") String policy, @ForAll("inputs") Object input) {
    exercise(policy, input);
  }

  @Property(tries = 300)
  void randomTokenSoupOnlyRaisesTypedErrors(
      @ForAll("tokenSoup") String policy, @ForAll("inputs") Object input) {
    exercise(policy, input);
  }

  private static void exercise(String policy, Object input) {
    CompiledPolicy compiled;
    try {
      compiled =
          Rego.compile(List.of(new RegoModule("fuzz.rego", policy)), Map.of("consent", Map.of()));
    } catch (RegoException e) {
      assertThat(e.code()).startsWith("rego_");
      return;
    }
    for (String query : List.of("data", "x := data.t.p", "data.lattice.decision")) {
      Engine.Prepared prepared;
      try {
        prepared = ((Engine) compiled).prepare(query, true);
      } catch (RegoException e) {
        continue;
      }
      long[] steps = {0};
      EvalOptions options = new EvalOptions(MAX_STEPS, Duration.ofSeconds(5), false, false, null);
      try {
        prepared.evaluateRaw(Convert.fromJava(input), options, null, steps);
        assertThat(steps[0]).as("steps used").isLessThanOrEqualTo(MAX_STEPS);
      } catch (RegoException e) {
        assertThat(e.code()).isNotBlank();
        if (!e.code().equals(RegoException.BUDGET)) {
          assertThat(steps[0]).isLessThanOrEqualTo(MAX_STEPS);
        }
      }
    }
  }

  @Provide
  Arbitrary<String> mutatedPolicies() {
    Arbitrary<String> seed = Arbitraries.of(SEEDS);
    Arbitrary<List<Tuple.Tuple3<Integer, Integer, String>>> edits =
        Combinators.combine(
                Arbitraries.integers().between(0, 10_000),
                Arbitraries.integers().between(0, 3),
                Arbitraries.of(TOKENS))
            .as(Tuple::of)
            .list()
            .ofMinSize(1)
            .ofMaxSize(6);
    return Combinators.combine(seed, edits)
        .as(
            (s, es) -> {
              StringBuilder b = new StringBuilder(s);
              for (Tuple.Tuple3<Integer, Integer, String> e : es) {
                int pos = e.get1() % (b.length() + 1);
                switch (e.get2()) {
                  case 0 -> b.insert(pos, e.get3());
                  case 1 -> {
                    if (b.length() > 0) b.deleteCharAt(Math.min(pos, b.length() - 1));
                  }
                  case 2 -> b.replace(pos, Math.min(b.length(), pos + e.get3().length()), e.get3());
                  default -> {
                    int end = Math.min(b.length(), pos + 12);
                    b.insert(pos, b.substring(pos, end));
                  }
                }
              }
              return b.toString();
            });
  }

  @Provide
  Arbitrary<String> tokenSoup() {
    return Arbitraries.of(TOKENS)
        .list()
        .ofMinSize(1)
        .ofMaxSize(60)
        .map(ts -> "package t\n" + String.join(" ", ts));
  }

  @Provide
  Arbitrary<Object> inputs() {
    Arbitrary<Object> scalars =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(8).map(s -> (Object) s),
            Arbitraries.integers().between(-1000, 1000).map(i -> (Object) i),
            Arbitraries.of(true, false).map(b -> (Object) b),
            Arbitraries.just(null));
    Arbitrary<Object> lists = scalars.list().ofMaxSize(4).map(l -> (Object) new ArrayList<>(l));
    Arbitrary<Object> maps =
        Arbitraries.maps(
                Arbitraries.of("x", "m", "items", "numbers", "text", "event"),
                Arbitraries.oneOf(scalars, lists))
            .ofMaxSize(4)
            .map(m -> (Object) new LinkedHashMap<>(m));
    return Arbitraries.oneOf(scalars, lists, maps);
  }
}
