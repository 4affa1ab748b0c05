package dev.lattice.policy.internal.rego.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.policy.RegoModule;
import dev.lattice.policy.internal.rego.value.Value;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleIndexTest {

  private static Node rule(String source, String name) {
    Compiler c = Compiler.compile(List.of(new RegoModule("t.rego", source)));
    return c.root().children.get("t").children.get(name);
  }

  /** The definitions still selected after reading every key with the given values, in order. */
  private static List<Integer> selectedWith(RuleIndex index, Value... keyValues) {
    long[] selection = index.all();
    for (int k = 0; k < keyValues.length; k++) index.narrow(selection, k, keyValues[k]);
    List<Integer> out = new ArrayList<>();
    for (int d = 0; d < 64; d++) if (RuleIndex.selected(selection, d)) out.add(d);
    return out;
  }

  @Test
  void definitionsAreSelectedByTheValueTheirEqualityConditionNames() {
    Node deny =
        rule(
            """
            package t
            deny contains "offer" if input.event.type == "offer"
            deny contains "content" if "content" == input.event.type
            deny contains "any" if input.x
            """,
            "deny");

    RuleIndex index = deny.index;

    assertThat(index.keyCount()).isEqualTo(2);
    assertThat(index.key(0).reference()).isNotNull();
    assertThat(selectedWith(index, Value.str("offer"), null)).containsExactly(0);
    assertThat(selectedWith(index, Value.str("content"), Value.TRUE)).containsExactly(1, 2);
    assertThat(selectedWith(index, null, Value.str("yes"))).containsExactly(2);
  }

  @Test
  void negatedAndNotEqualConditionsSelectOnUndefinedFalseAndOtherValues() {
    Node p =
        rule(
            """
            package t
            p contains 1 if not input.dst
            p contains 2 if input.kind != "network"
            p contains 3 if input.kind == "network"
            """,
            "p");

    RuleIndex index = p.index;

    assertThat(selectedWith(index, null, null)).containsExactly(0);
    assertThat(selectedWith(index, Value.FALSE, Value.str("brand"))).containsExactly(0, 1);
    assertThat(selectedWith(index, Value.TRUE, Value.str("network"))).containsExactly(2);
  }

  @Test
  void aDefinitionWithElseOrWithoutLeadingGroundTestsIsAlwaysSelected() {
    Node p =
        rule(
            """
            package t
            p := 1 if {
              input.a == 1
            } else := 2 if {
              input.b
            }
            p := 3 if {
              some x in input.xs
              x == input.a
            }
            p := 4 if input.a == 4
            """,
            "p");

    RuleIndex index = p.index;

    assertThat(index.keysOf(0)).isEmpty();
    assertThat(index.keysOf(1)).isEmpty();
    assertThat(selectedWith(index, Value.num(1))).containsExactly(0, 1);
    assertThat(selectedWith(index, Value.num(4))).containsExactly(0, 1, 2);
  }

  @Test
  void functionsAreIndexedByConstantArguments() {
    Node f =
        rule(
            """
            package t
            f("a") := 1
            f("b") := 2
            f(x) := 3 if x == "c"
            """,
            "f");

    RuleIndex index = f.index;

    assertThat(index.key(0).reference()).isNull();
    assertThat(index.key(0).argument()).isZero();
    assertThat(selectedWith(index, Value.str("b"))).containsExactly(1, 2);
  }

  @Test
  void theIndexCoversOnlyTheLeadingRunOfIndexableGuards() {
    Node p =
        rule(
            """
            package t
            p contains 1 if {
              input.kind == "a"
              count(input.xs) > 0
              input.other == 2
            }
            p contains 2 if input.kind == "b"
            """,
            "p");

    RuleIndex index = p.index;

    assertThat(index.keysOf(0)).hasSize(1);
    assertThat(index.coveredGuards(0)).isEqualTo(1);
    assertThat(index.coveredGuards(1)).isEqualTo(1);
  }

  @Test
  void testsOnLocalsAssignedFromAReferenceAreIndexedOnThatReference() {
    Node p =
        rule(
            """
            package t
            p contains 1 if {
              t := input.event.type
              t == "offer"
            }
            p contains 2 if {
              kind := input.event.type
              kind != "offer"
              some x in input.xs
              x == kind
            }
            p contains 3 if input.event.type == "content"
            """,
            "p");

    RuleIndex index = p.index;

    assertThat(index.keyCount()).isEqualTo(1);
    assertThat(index.coveredGuards(0)).isZero();
    assertThat(selectedWith(index, Value.str("offer"))).containsExactly(0);
    assertThat(selectedWith(index, Value.str("content"))).containsExactly(1, 2);
    assertThat(selectedWith(index, (Value) null)).isEmpty();
  }

  @Test
  void aRuleWithOneDefinitionHasNoIndex() {
    Node p = rule("package t\np if input.kind == \"a\"\n", "p");

    assertThat(p.index).isNull();
  }
}
