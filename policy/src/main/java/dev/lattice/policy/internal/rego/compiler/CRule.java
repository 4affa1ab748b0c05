package dev.lattice.policy.internal.rego.compiler;

import dev.lattice.policy.Location;
import dev.lattice.policy.internal.rego.ast.Ast.Expr;
import dev.lattice.policy.internal.rego.ast.Ast.Term;

/**
 * A compiled rule (or one {@code else} branch of it). Bodies are in safe evaluation order.
 * Immutable once compiled, but for {@link #compiled}, which the evaluator attaches once before any
 * evaluation; the arrays are never written after construction.
 */
public final class CRule {
  public final Node node;
  public final Node.Kind kind;

  /** Function parameters (patterns), or null. */
  public final Term[] args;

  /** Object rules: the head terms after the node's ground prefix. */
  public final Term[] headKeys;

  /** Set rules: the element. */
  public final Term setKey;

  /** Value (never null after compilation; {@code true} when omitted). */
  public final Term value;

  public final Expr[] body;

  /** How each body expression is evaluated, decided from the binding analysis (see Strategy). */
  public final Strategy[] plan;

  /**
   * Whether the whole branch is single-valued: every body expression is a test, binding or
   * comparison ({@link Strategy#TEST} .. {@link Strategy#COMPARE}), the head (value, set element,
   * object keys) has every variable bound after the body and one value, and function parameters are
   * distinct plain variables. The evaluator then runs it without continuations.
   */
  public final boolean singleValued;

  /**
   * How many leading body expressions are ground tests (no variables, no {@code with}, one value,
   * e.g. {@code applies}, {@code flow.type == "offer"}, {@code not flow.dst}): evaluation checks
   * them before it sets up the rule's frame, and skips the rule when one fails.
   */
  public final int groundGuards;

  public final CRule elseRule;

  /** Frame size: the variable slots of the rule (shared by its else branches). */
  public final int nslots;

  public final Location loc;
  public final boolean isDefault;

  private Object compiled;

  /** A branch as compiled, before its else branch and frame size are known. */
  record Draft(
      Location loc,
      boolean isDefault,
      Term[] args,
      Term[] headKeys,
      Term setKey,
      Term value,
      Expr[] body,
      Strategy[] plan,
      int groundGuards,
      boolean singleValued) {}

  CRule(Node node, Node.Kind kind, Draft d, CRule elseRule, int nslots) {
    this.node = node;
    this.kind = kind;
    this.loc = d.loc();
    this.isDefault = d.isDefault();
    this.args = d.args();
    this.headKeys = d.headKeys();
    this.setKey = d.setKey();
    this.value = d.value();
    this.body = d.body();
    this.plan = d.plan();
    this.groundGuards = d.groundGuards();
    this.singleValued = d.singleValued();
    this.elseRule = elseRule;
    this.nslots = nslots;
  }

  /** The evaluator's compiled form of this branch (its operands and steps), or null. */
  public Object compiled() {
    return compiled;
  }

  /** Attaches the evaluator's compiled form; once, when the policy is compiled. */
  public void attach(Object evaluatorForm) {
    if (compiled != null) throw new IllegalStateException("rule " + node + " is compiled already");
    compiled = evaluatorForm;
  }

  /**
   * Replaces the compiled form: only while the policy is being compiled, when rule values folded
   * after the first compilation change what references to them compile to.
   */
  public void recompile(Object evaluatorForm) {
    if (compiled == null) throw new IllegalStateException("rule " + node + " is not compiled yet");
    compiled = evaluatorForm;
  }
}
