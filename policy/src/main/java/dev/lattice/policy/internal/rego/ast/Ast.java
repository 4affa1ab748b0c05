package dev.lattice.policy.internal.rego.ast;

import dev.lattice.policy.Location;
import dev.lattice.policy.internal.rego.value.Value;
import java.util.List;

/** Rego abstract syntax. Parsed trees use {@link Var}; compiled trees use {@link Local}. */
public final class Ast {
  private Ast() {}

  public sealed interface Term
      permits Scalar,
          Var,
          Local,
          Root,
          Ref,
          ArrayT,
          SetT,
          ObjectT,
          Call,
          ArrayCompr,
          SetCompr,
          ObjectCompr {
    Location loc();
  }

  public record Scalar(Value value, Location loc) implements Term {}

  /** A variable as written. Wildcards {@code _} are renamed to unique {@code $_N} names. */
  public record Var(String name, Location loc) implements Term {
    public boolean wildcard() {
      return name.startsWith("$");
    }
  }

  /** A compiled local variable: an index into the evaluation frame. */
  public record Local(String name, int slot, Location loc) implements Term {}

  /** {@code data} or {@code input}. */
  public record Root(boolean data, Location loc) implements Term {}

  /**
   * A reference. When the leading constant segments of a {@code data} reference name a rule, the
   * compiler resolves it once: {@code rule} is that rule's node (a compiler {@code Node}) and
   * {@code ruleDepth} the number of path segments it consumes, so evaluation does not walk the
   * package tree; otherwise {@code rule} is null and {@code ruleDepth} 0. When instead its leading
   * constant segments leave the package tree (no package or rule is named by segment {@code
   * baseDepth - 1}), no rule can contribute to its value: {@code baseDepth} is that number of
   * segments and the reference reads the base data document only (0 otherwise).
   */
  public record Ref(
      Term head, List<Term> path, Location loc, Object rule, int ruleDepth, int baseDepth)
      implements Term {
    public Ref(Term head, List<Term> path, Location loc) {
      this(head, path, loc, null, 0, 0);
    }
  }

  public record ArrayT(List<Term> elems, Location loc) implements Term {}

  public record SetT(List<Term> elems, Location loc) implements Term {}

  public record Entry(Term key, Term value) {}

  public record ObjectT(List<Entry> entries, Location loc) implements Term {}

  /**
   * A call of a built-in or user function. {@code target} is null when parsed and resolved by the
   * compiler (a built-in or a function path).
   */
  public record Call(String name, List<Term> args, Location loc, Object target) implements Term {}

  public record ArrayCompr(Term head, List<Expr> body, Location loc) implements Term {}

  public record SetCompr(Term head, List<Expr> body, Location loc) implements Term {}

  public record ObjectCompr(Term key, Term value, List<Expr> body, Location loc) implements Term {}

  // ---- body literals

  public sealed interface Lit permits TermLit, Unify, Assign, SomeDecl, SomeIn, Every {}

  public record TermLit(Term term) implements Lit {}

  public record Unify(Term left, Term right) implements Lit {}

  public record Assign(Term left, Term right) implements Lit {}

  public record SomeDecl(List<Term> vars) implements Lit {}

  /** {@code some [key,] value in collection}; key may be null. */
  public record SomeIn(Term key, Term value, Term collection) implements Lit {}

  public record Every(Term key, Term value, Term domain, List<Expr> body) implements Lit {}

  public record With(Term target, Term value, Location loc) {}

  public record Expr(Lit lit, boolean negated, List<With> withs, Location loc) {}

  // ---- modules

  public record Import(Term path, String alias, Location loc) {}

  /**
   * A rule. {@code head} is a Var or Ref; {@code args} non-null for functions; {@code key} is the
   * element of a {@code contains} rule; {@code value} is null when omitted (true).
   */
  public record Rule(
      Term head,
      List<Term> args,
      Term key,
      Term value,
      boolean isDefault,
      boolean assign,
      List<Expr> body,
      Rule elseRule,
      Location loc) {}

  public record RegoModuleAst(
      String file, List<String> pkg, List<Import> imports, List<Rule> rules, Location loc) {}
}
