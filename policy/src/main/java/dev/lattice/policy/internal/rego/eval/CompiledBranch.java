package dev.lattice.policy.internal.rego.eval;

import dev.lattice.policy.internal.rego.ast.Ast.Assign;
import dev.lattice.policy.internal.rego.ast.Ast.Expr;
import dev.lattice.policy.internal.rego.ast.Ast.Local;
import dev.lattice.policy.internal.rego.ast.Ast.SomeIn;
import dev.lattice.policy.internal.rego.ast.Ast.Term;
import dev.lattice.policy.internal.rego.ast.Ast.TermLit;
import dev.lattice.policy.internal.rego.ast.Ast.Unify;
import dev.lattice.policy.internal.rego.compiler.CRule;
import dev.lattice.policy.internal.rego.compiler.Node;
import dev.lattice.policy.internal.rego.compiler.RuleIndex;
import dev.lattice.policy.internal.rego.compiler.Strategy;

/**
 * A rule branch's body and head compiled to {@link Operand}s, attached to its {@link CRule} once
 * when the policy is compiled ({@link #attach}): the evaluator runs the single-valued expressions
 * of the plan (tests, bindings, comparisons) and the ground guards from these pre-built steps.
 * Immutable.
 */
final class CompiledBranch {

  /**
   * One body expression: a test of {@code operand}, a binding of {@code slot} to {@code operand}, a
   * comparison of {@code operand} with {@code other} (the single-valued strategies), or (strategy
   * GENERAL) {@code some .. in operand}.
   */
  record Step(Expr expr, Strategy strategy, Operand operand, Operand other, int slot) {}

  /**
   * By body index: the step of a single-valued or some-in expression, null for the general path.
   */
  final Step[] steps;

  /** The ground guards' terms (see CRule#groundGuards). */
  final Operand[] guards;

  /** The head: value, set element (null for other kinds). */
  final Operand value;

  final Operand setKey;

  private CompiledBranch(CRule b) {
    Expr[] body = b.body;
    steps = new Step[body.length];
    for (int i = 0; b.plan != null && i < body.length; i++) steps[i] = step(body[i], b.plan[i]);
    guards = new Operand[b.groundGuards];
    for (int i = 0; i < guards.length; i++)
      guards[i] = Operand.of(((TermLit) body[i].lit()).term());
    value = b.value == null ? null : Operand.of(b.value);
    setKey = b.setKey == null ? null : Operand.of(b.setKey);
  }

  private static Step step(Expr e, Strategy strategy) {
    switch (strategy) {
      case TEST -> {
        return new Step(e, strategy, Operand.of(((TermLit) e.lit()).term()), null, -1);
      }
      case BIND_LEFT, BIND_RIGHT, COMPARE -> {
        Term left = e.lit() instanceof Assign a ? a.left() : ((Unify) e.lit()).left();
        Term right = e.lit() instanceof Assign a ? a.right() : ((Unify) e.lit()).right();
        if (strategy == Strategy.COMPARE)
          return new Step(e, strategy, Operand.of(left), Operand.of(right), -1);
        Local target = (Local) (strategy == Strategy.BIND_LEFT ? left : right);
        Term source = strategy == Strategy.BIND_LEFT ? right : left;
        return new Step(e, strategy, Operand.of(source), null, target.slot());
      }
      default -> {
        // some x in collection: the collection is compiled; the iteration binds as evalLit does
        if (e.lit() instanceof SomeIn in && e.withs().isEmpty() && !e.negated())
          return new Step(e, strategy, Operand.of(in.collection()), null, -1);
        return null;
      }
    }
  }

  /** The compiled form of branch b. */
  static CompiledBranch of(CRule b) {
    return (CompiledBranch) b.compiled();
  }

  /** Compiles every rule branch under {@code n} (default rules included). */
  static void attach(Node n) {
    compileAll(n, false);
  }

  /** Compiles every rule branch under {@code n} again (after rules were folded). */
  static void reattach(Node n) {
    compileAll(n, true);
  }

  private static void compileAll(Node n, boolean again) {
    for (CRule r : n.rules) for (CRule b = r; b != null; b = b.elseRule) compile(b, again);
    if (n.defaultRule != null) compile(n.defaultRule, again);
    if (n.index != null) n.index.compileKeys(indexKeys(n.index));
    for (Node c : n.children.values()) compileAll(c, again);
  }

  private static void compile(CRule branch, boolean again) {
    if (again) branch.recompile(new CompiledBranch(branch));
    else branch.attach(new CompiledBranch(branch));
  }

  /** The operands of a rule index's key references (null for a function argument's key). */
  private static Operand[] indexKeys(RuleIndex index) {
    Operand[] out = new Operand[index.keyCount()];
    for (int k = 0; k < out.length; k++) {
      Term reference = index.key(k).reference();
      out[k] = reference == null ? null : Operand.of(reference);
    }
    return out;
  }

  /** The compiled key references of index (see {@link #indexKeys}). */
  static Operand[] keysOf(RuleIndex index) {
    return (Operand[]) index.compiledKeys();
  }
}
