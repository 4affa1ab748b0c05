package dev.lattice.policy.internal.rego.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.policy.RegoModule;
import java.util.List;
import org.junit.jupiter.api.Test;

class StrategyTest {

  private static CRule firstDefinition(String source, String name) {
    Compiler c = Compiler.compile(List.of(new RegoModule("t.rego", source)));
    return c.root().children.get("t").children.get(name).rules.get(0);
  }

  @Test
  void eachBodyExpressionGetsItsStrategyFromWhatIsBoundBeforeIt() {
    CRule p =
        firstDefinition(
            """
            package t
            p contains y if {
              x := input.a
              input.b == x
              some i
              v := input.xs[i]
              input.ys[j] > v
              y = x
              x = input.a
              not input.c
              some z in input.zs
            }
            """,
            "p");

    assertThat(p.plan)
        .containsExactly(
            Strategy.BIND_LEFT,
            Strategy.TEST,
            Strategy.BIND_LEFT_ITERATING,
            Strategy.ITERATE,
            Strategy.BIND_LEFT,
            Strategy.COMPARE,
            Strategy.TEST,
            Strategy.GENERAL);
  }

  @Test
  void aFunctionsParametersAreBoundBeforeItsBody() {
    CRule f =
        firstDefinition(
            """
            package t
            f(a, [b, c]) := d if {
              a > b
              d := a + c
              e := object.get(input, a, null)
              e
            }
            """,
            "f");

    assertThat(f.plan)
        .containsExactly(Strategy.TEST, Strategy.BIND_LEFT, Strategy.BIND_LEFT, Strategy.TEST);
  }

  @Test
  void branchesWithOnlyTestsAndBindingsAreSingleValuedAndIteratingOnesAreNot() {
    String src =
        """
        package t
        kind := k if {
          k := input.kind
          k != ""
        }
        reasons contains r if some r in input.rs
        f(x, y) := x + y if x > 0
        g(x, x) := x
        h := input.xs[_]
        """;
    Compiler c = Compiler.compile(List.of(new RegoModule("t.rego", src)));
    Node t = c.root().children.get("t");

    assertThat(t.children.get("kind").rules.get(0).singleValued).isTrue();
    assertThat(t.children.get("f").rules.get(0).singleValued).isTrue();
    assertThat(t.children.get("reasons").rules.get(0).singleValued).isFalse();
    assertThat(t.children.get("g").rules.get(0).singleValued).isFalse();
    assertThat(t.children.get("h").rules.get(0).singleValued).isFalse();
  }
}
