package dev.lattice.policy.internal.rego.compiler;

import dev.lattice.policy.Location;
import dev.lattice.policy.internal.rego.ast.Ast.Expr;
import dev.lattice.policy.internal.rego.ast.Ast.Term;

/** A compiled rule (or one {@code else} branch of it). Bodies are in safe evaluation order. */
public final class CRule {
  public Node node;
  public Node.Kind kind;

  /** Function parameters (patterns), or null. */
  public Term[] args;

  /** Object rules: the head terms after the node's ground prefix. */
  public Term[] headKeys;

  /** Set rules: the element. */
  public Term setKey;

  /** Value (never null after compilation; {@code true} when omitted). */
  public Term value;

  public Expr[] body;

  /** How each body expression is evaluated, decided from the binding analysis (see Strategy). */
  public Strategy[] plan;

  /**
   * Whether the whole branch is single-valued: every body expression is a test, binding or
   * comparison ({@link Strategy#TEST} .. {@link Strategy#COMPARE}), the head (value, set element,
   * object keys) has every variable bound after the body and one value, and function parameters are
   * distinct plain variables. The evaluator then runs it without continuations.
   */
  public boolean singleValued;

  /**
   * How many leading body expressions are ground tests (no variables, no {@code with}, one value,
   * e.g. {@code applies}, {@code flow.type == "offer"}, {@code not flow.dst}): evaluation checks
   * them before it sets up the rule's frame, and skips the rule when one fails.
   */
  public int groundGuards;

  /**
   * The evaluator's compiled form of this branch (its operands and steps), attached once when the
   * policy is compiled, before any evaluation; opaque to the compiler.
   */
  public Object compiled;

  public CRule elseRule;
  public int nslots;
  public Location loc;
  public boolean isDefault;
}
