package dev.lattice.policy.internal.rego.eval;

import dev.lattice.policy.internal.rego.compiler.InputFootprint;
import dev.lattice.policy.internal.rego.compiler.InputFootprint.Footprint;
import dev.lattice.policy.internal.rego.compiler.Node;
import dev.lattice.policy.internal.rego.value.Value;
import java.util.Map;
import java.util.Set;

/**
 * Folds rules whose value is fixed once the policy is compiled with its data: a rule whose {@link
 * InputFootprint} has no input path reads only the data and other such rules (no input, no clock,
 * no randomness, no side effects), so its value is the same in every evaluation that sees the
 * compiled data and no function replacement. Sets like {@code sharing_types := {"member_data",
 * ...}} or {@code known_types := sharing_types | {"offer"}} were evaluated once per decision; a
 * folded rule's references read the value instead ({@link Operand.FoldedRule}).
 *
 * <p>A rule is folded only when its evaluation succeeds with strict built-in errors (so no built-in
 * error makes it undefined in lenient mode either) within {@link #MAX_STEPS}; one that fails,
 * conflicts, is undefined or takes longer is left to evaluate as before, so its errors surface at
 * evaluation as they always did.
 */
final class RuleFolding {

  /** Steps one rule may take to be folded: folding must not make compiling slow. */
  static final long MAX_STEPS = 100_000;

  private RuleFolding() {}

  /**
   * Sets {@link Node#foldedValue} of every rule under {@code root} that folds under {@code data};
   * returns how many did.
   */
  static int fold(Node root, int nodeCount, Value data) {
    int folded = 0;
    for (Map.Entry<Node, Footprint> e : InputFootprint.of(root).entrySet()) {
      Node n = e.getKey();
      if (n.kind == null || n.kind == Node.Kind.FUNCTION) continue;
      if (e.getValue().paths() == null || !e.getValue().paths().isEmpty()) continue;
      Value v = valueOf(n, nodeCount, root, data);
      if (v != null) {
        n.foldedValue = v;
        folded++;
      }
    }
    return folded;
  }

  private static Value valueOf(Node n, int nodeCount, Node root, Value data) {
    Budget budget = new Budget(MAX_STEPS, 0);
    budget.fixNow(0L); // a folded value never reads the clock
    Ev ev = new Ev(root, nodeCount, null, data, Set.of(), Map.of(), budget, true, null);
    try {
      return ev.ruleValue(n);
    } catch (RuntimeException | StackOverflowError e) {
      // evaluated (and reported) at evaluation time as before
      return null;
    }
  }
}
