package dev.lattice.policy.internal.rego.compiler;

import dev.lattice.policy.internal.rego.ast.Ast.*;
import dev.lattice.policy.internal.rego.builtins.Builtin;
import java.util.BitSet;

/**
 * How the evaluator runs one expression of an ordered rule body, decided at compile time from the
 * variables the safety ordering has bound before it ({@link CRule#plan}). Without a plan (query,
 * comprehension and {@code every} bodies) the evaluator finds out at run time, by trying the
 * single-valued evaluation first.
 */
public enum Strategy {
  /** A term with every variable bound and at most one value: evaluated once, tested for truth. */
  TEST,
  /** {@code x := t} / {@code x = t} with x unbound and t single-valued: t's value binds x. */
  BIND_LEFT,
  /** {@code t = x} with x unbound and t single-valued. */
  BIND_RIGHT,
  /** {@code a == b} / {@code a = b} with both sides single-valued: a comparison. */
  COMPARE,
  /** A reference or call that iterates (an unbound variable in a path, a multi-valued built-in). */
  ITERATE,
  /** {@code x := t} with x unbound and t a reference or call that iterates. */
  BIND_LEFT_ITERATING,
  /** Anything else (with, negated unification, some-in, every, output arguments, print). */
  GENERAL;

  /** The strategy of expression e when the slots in {@code bound} are bound before it. */
  static Strategy of(Expr e, BitSet bound) {
    if (!e.withs().isEmpty()) return GENERAL;
    Lit lit = e.lit();
    if (lit instanceof TermLit t) {
      Term term = t.term();
      if (term instanceof Call c
          && (hasOutputArg(c) || c.target() instanceof Builtin b && b.name().equals("print")))
        return GENERAL;
      if (singleValued(term, bound)) return TEST;
      return !e.negated() && (term instanceof Ref || term instanceof Call) ? ITERATE : GENERAL;
    }
    if (e.negated()) return GENERAL;
    Term l;
    Term r;
    if (lit instanceof Assign a) {
      l = a.left();
      r = a.right();
    } else if (lit instanceof Unify u) {
      l = u.left();
      r = u.right();
    } else {
      return GENERAL;
    }
    boolean leftFree = l instanceof Local ll && !bound.get(ll.slot());
    boolean rightFree = r instanceof Local rl && !bound.get(rl.slot());
    if (leftFree && !rightFree) {
      if (singleValued(r, bound)) return BIND_LEFT;
      if (r instanceof Ref || r instanceof Call c && !hasOutputArg(c)) return BIND_LEFT_ITERATING;
      return GENERAL;
    }
    if (rightFree && !leftFree) return singleValued(l, bound) ? BIND_RIGHT : GENERAL;
    if (!leftFree && singleValued(l, bound) && singleValued(r, bound)) return COMPARE;
    return GENERAL;
  }

  /** Whether t has all its variables bound and yields at most one value. */
  static boolean singleValued(Term t, BitSet bound) {
    return switch (t) {
      case Scalar s -> true;
      case Root r -> true;
      case Local l -> bound.get(l.slot());
      case Ref r ->
          singleValued(r.head(), bound) && r.path().stream().allMatch(p -> singleValued(p, bound));
      case ArrayT a -> a.elems().stream().allMatch(x -> singleValued(x, bound));
      case SetT s -> s.elems().stream().allMatch(x -> singleValued(x, bound));
      case ObjectT o ->
          o.entries().stream()
              .allMatch(x -> singleValued(x.key(), bound) && singleValued(x.value(), bound));
      case Call c ->
          !(c.target() instanceof Builtin b && b.multi())
              && !hasOutputArg(c)
              && c.args().stream().allMatch(x -> singleValued(x, bound));
      // a comprehension is one value; the safety ordering has bound the variables it captures
      case ArrayCompr a -> true;
      case SetCompr s -> true;
      case ObjectCompr o -> true;
      default -> false;
    };
  }

  private static boolean hasOutputArg(Call c) {
    int arity =
        c.target() instanceof Builtin b ? b.arity() : c.target() instanceof Node n ? n.arity : -1;
    return arity >= 0 && c.args().size() == arity + 1;
  }
}
