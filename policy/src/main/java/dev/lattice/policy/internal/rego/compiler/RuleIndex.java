package dev.lattice.policy.internal.rego.compiler;

import dev.lattice.policy.internal.rego.ast.Ast.Assign;
import dev.lattice.policy.internal.rego.ast.Ast.Call;
import dev.lattice.policy.internal.rego.ast.Ast.Expr;
import dev.lattice.policy.internal.rego.ast.Ast.Local;
import dev.lattice.policy.internal.rego.ast.Ast.Ref;
import dev.lattice.policy.internal.rego.ast.Ast.Root;
import dev.lattice.policy.internal.rego.ast.Ast.Scalar;
import dev.lattice.policy.internal.rego.ast.Ast.Term;
import dev.lattice.policy.internal.rego.ast.Ast.TermLit;
import dev.lattice.policy.internal.rego.ast.Ast.Unify;
import dev.lattice.policy.internal.rego.builtins.Builtin;
import dev.lattice.policy.internal.rego.value.Json;
import dev.lattice.policy.internal.rego.value.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The definitions of one rule (or function) indexed by the equality conditions they start with, as
 * OPA's rule index does: a definition whose leading ground tests include {@code flow.type ==
 * "offer"}, {@code applies}, {@code not flow.dst} or {@code flow.destination_kind != "network"}
 * (and, for a function, a constant argument such as {@code f("a")}) is evaluated only when the
 * value of that reference (or argument) can satisfy the test.
 *
 * <p>The index is built once at compile time and is immutable. At evaluation the values of its keys
 * are read lazily, each at most once per evaluation of the rule: a key is read when the first
 * definition still selected needs it, which is when a plain evaluation would test that definition's
 * guard. Reading a key narrows the selection for every definition at once (one bitmask per key and
 * value class). A selected definition skips its {@link #coveredGuards(int) covered guards}: the
 * index has checked them.
 *
 * <p>Only the leading run of a definition's ground guards is indexed ({@link CRule#groundGuards}),
 * and only definitions without {@code else} (an {@code else} chain is selected whenever its first
 * branch fails, so it is always evaluated). The evaluator bypasses the index when functions are
 * replaced by {@code with} (the tests use {@code ==} and {@code !=}) and when tracing or coverage
 * record every expression; keys are evaluated in the evaluation's own scope, so {@code with}
 * overrides of input and data are seen.
 */
public final class RuleIndex {

  /** What a definition requires of a key's value. */
  enum Test {
    /** A bare reference: defined and not {@code false}. */
    TRUTHY,
    /** A negated reference ({@code not r}): undefined or {@code false}. */
    FALSY,
    /** {@code r == c} (or a constant function argument): defined and equal to c. */
    EQUAL,
    /** {@code r != c}: defined and not equal to c. */
    NOT_EQUAL
  }

  /**
   * A key: a ground reference into input or data (evaluated in the evaluation's scope), or a
   * function's argument position ({@code reference} null).
   */
  public record Key(Term reference, int argument) {}

  private record Condition(int key, Test test, Value value) {}

  /** The selection masks of one key: bit i stands for definition i of the node. */
  private static final class Masks {
    final long[] unconstrained;
    final long[] truthy;
    final long[] falsy;
    final List<Value> constants = new ArrayList<>();
    final List<long[]> equal = new ArrayList<>();
    final List<long[]> notEqual = new ArrayList<>();
    final long[] anyNotEqual;

    Masks(int words) {
      unconstrained = new long[words];
      truthy = new long[words];
      falsy = new long[words];
      anyNotEqual = new long[words];
    }

    int constant(Value v) {
      for (int i = 0; i < constants.size(); i++) if (constants.get(i).equals(v)) return i;
      return -1;
    }
  }

  private final Key[] keys;
  private final Masks[] masks;
  private final int[][] keysOf;
  private final int[] coveredGuards;
  private final int definitions;

  /** Every definition selected: copied for each rule evaluation. */
  private final long[] allDefinitions;

  private RuleIndex(
      Key[] keys, Masks[] masks, int[][] keysOf, int[] coveredGuards, int definitions) {
    this.keys = keys;
    this.masks = masks;
    this.keysOf = keysOf;
    this.coveredGuards = coveredGuards;
    this.definitions = definitions;
    this.allDefinitions = new long[words(definitions)];
    for (int d = 0; d < definitions; d++) allDefinitions[d >>> 6] |= 1L << d;
  }

  /** The evaluator's compiled form of the keys' references (set while the policy is compiled). */
  private Object compiledKeys;

  /** The evaluator's compiled form of the keys' references, or null. */
  public Object compiledKeys() {
    return compiledKeys;
  }

  /**
   * Attaches the evaluator's compiled form of the keys' references: only while the policy is
   * compiled (again after rule values were folded), before any evaluation.
   */
  public void compileKeys(Object evaluatorForm) {
    compiledKeys = evaluatorForm;
  }

  /** The number of keys. */
  public int keyCount() {
    return keys.length;
  }

  public Key key(int k) {
    return keys[k];
  }

  /** The keys definition {@code d} tests, in the order of its guards. */
  public int[] keysOf(int d) {
    return keysOf[d];
  }

  /**
   * How many leading body expressions of definition d the index checks (skip them when it is
   * selected).
   */
  public int coveredGuards(int d) {
    return coveredGuards[d];
  }

  /** A selection with every definition in it. */
  public long[] all() {
    return allDefinitions.clone();
  }

  public static boolean selected(long[] selection, int d) {
    return (selection[d >>> 6] & (1L << d)) != 0;
  }

  /** Removes from the selection the definitions whose test on key k fails for {@code value}. */
  public void narrow(long[] selection, int k, Value value) {
    Masks m = masks[k];
    boolean truthy = value != null && value != Value.FALSE;
    long[] eq = null;
    long[] neq = null;
    if (value != null) {
      int c = m.constant(value);
      if (c >= 0) {
        eq = m.equal.get(c);
        neq = m.notEqual.get(c);
      }
    }
    for (int w = 0; w < selection.length; w++) {
      // each definition is in exactly one class of the key: unconstrained, truthy, falsy, equal
      // to one constant or not equal to one constant
      long keep = m.unconstrained[w] | (truthy ? m.truthy[w] : m.falsy[w]);
      if (value != null) {
        keep |= m.anyNotEqual[w] & ~(neq == null ? 0 : neq[w]);
        if (eq != null) keep |= eq[w];
      }
      selection[w] &= keep;
    }
  }

  private static int words(int n) {
    return Math.max(1, (n + 63) >>> 6);
  }

  /**
   * Builds the index of a node's definitions, or null when no definition has an indexable condition
   * or the node has fewer than two definitions (its guards do the same job then).
   */
  static RuleIndex build(Node n) {
    List<CRule> defs = n.rules;
    int count = defs.size();
    if (count < 2) return null;
    Map<String, Integer> keyIds = new LinkedHashMap<>();
    List<Key> keys = new ArrayList<>();
    List<List<Condition>> conditions = new ArrayList<>();
    int[] covered = new int[count];
    boolean any = false;
    for (int d = 0; d < count; d++) {
      CRule r = defs.get(d);
      List<Condition> cs = new ArrayList<>();
      conditions.add(cs);
      if (r.elseRule != null) continue;
      if (r.args != null) {
        for (int i = 0; i < r.args.length; i++) {
          if (r.args[i] instanceof Scalar s) {
            int position = i;
            int k = keyIds.computeIfAbsent("arg " + i, x -> add(keys, new Key(null, position)));
            cs.add(new Condition(k, Test.EQUAL, s.value()));
          }
        }
      }
      Map<Integer, Term> aliases = new HashMap<>();
      int g = 0;
      for (; g < r.groundGuards; g++) {
        Condition c = condition(r.body[g], keyIds, keys, aliases);
        if (c == null || cs.stream().anyMatch(x -> x.key == c.key)) break;
        cs.add(c);
      }
      covered[d] = g;
      // then tests on local variables assigned from such references: t := input.event.type;
      // t == "offer" (the body still binds and tests them: only the run of guards is covered)
      for (int i = g; r.plan != null && i < r.body.length; i++) {
        Expr e = r.body[i];
        if (r.plan[i] == Strategy.BIND_LEFT
            && e.lit() instanceof Assign(Local target, Term source)
            && refName(source) != null) {
          aliases.put(target.slot(), source);
          continue;
        }
        if (r.plan[i] == Strategy.BIND_LEFT
            && e.lit() instanceof Unify(Local target, Term source)
            && refName(source) != null) {
          aliases.put(target.slot(), source);
          continue;
        }
        if (r.plan[i] != Strategy.TEST) break;
        Condition c = condition(e, keyIds, keys, aliases);
        if (c == null || cs.stream().anyMatch(x -> x.key == c.key)) break;
        cs.add(c);
      }
      any |= !cs.isEmpty();
    }
    if (!any) return null;
    int words = words(count);
    Masks[] masks = new Masks[keys.size()];
    for (int k = 0; k < masks.length; k++) masks[k] = new Masks(words);
    int[][] keysOf = new int[count][];
    for (int d = 0; d < count; d++) {
      List<Condition> cs = conditions.get(d);
      keysOf[d] = cs.stream().mapToInt(Condition::key).toArray();
      long bit = 1L << d;
      int w = d >>> 6;
      for (int k = 0; k < masks.length; k++) {
        int key = k;
        Condition c = cs.stream().filter(x -> x.key == key).findFirst().orElse(null);
        Masks m = masks[k];
        if (c == null) {
          m.unconstrained[w] |= bit;
          continue;
        }
        switch (c.test) {
          case TRUTHY -> m.truthy[w] |= bit;
          case FALSY -> m.falsy[w] |= bit;
          case EQUAL, NOT_EQUAL -> {
            int i = m.constant(c.value);
            if (i < 0) {
              m.constants.add(c.value);
              m.equal.add(new long[words]);
              m.notEqual.add(new long[words]);
              i = m.constants.size() - 1;
            }
            if (c.test == Test.EQUAL) {
              m.equal.get(i)[w] |= bit;
            } else {
              m.notEqual.get(i)[w] |= bit;
              m.anyNotEqual[w] |= bit;
            }
          }
        }
      }
    }
    return new RuleIndex(keys.toArray(new Key[0]), masks, keysOf, covered, count);
  }

  private static int add(List<Key> keys, Key k) {
    keys.add(k);
    return keys.size() - 1;
  }

  /** The indexable condition of a ground guard, or null. */
  private static Condition condition(
      Expr e, Map<String, Integer> keyIds, List<Key> keys, Map<Integer, Term> aliases) {
    if (!(e.lit() instanceof TermLit t)) return null;
    Term term = keyTerm(t.term(), aliases);
    String name = refName(term);
    if (name != null) {
      int k = keyIds.computeIfAbsent(name, x -> add(keys, new Key(term, -1)));
      return new Condition(k, e.negated() ? Test.FALSY : Test.TRUTHY, null);
    }
    if (e.negated()
        || !(term instanceof Call c)
        || !(c.target() instanceof Builtin b)
        || c.args().size() != 2) return null;
    Test test =
        switch (b.name()) {
          case "equal" -> Test.EQUAL;
          case "neq" -> Test.NOT_EQUAL;
          default -> null;
        };
    if (test == null) return null;
    Term ref = keyTerm(c.args().get(0), aliases);
    Term other = c.args().get(1);
    if (refName(ref) == null) {
      ref = keyTerm(c.args().get(1), aliases);
      other = c.args().get(0);
    }
    String refName = refName(ref);
    if (refName == null || !(other instanceof Scalar s)) return null;
    Term key = ref;
    int k = keyIds.computeIfAbsent(refName, x -> add(keys, new Key(key, -1)));
    return new Condition(k, test, s.value());
  }

  /** The reference a term stands for: itself, or the reference a local variable was assigned. */
  private static Term keyTerm(Term t, Map<Integer, Term> aliases) {
    if (t instanceof Local l) {
      Term ref = aliases.get(l.slot());
      if (ref != null) return ref;
    }
    return t;
  }

  /**
   * A canonical name of a reference into input or data whose path segments are all constants (equal
   * references in different definitions share one key), or null.
   */
  private static String refName(Term t) {
    if (!(t instanceof Ref r) || !(r.head() instanceof Root root)) return null;
    StringBuilder sb = new StringBuilder(root.data() ? "data" : "input");
    for (Term p : r.path()) {
      if (!(p instanceof Scalar s)) return null;
      sb.append('[').append(Json.term(s.value())).append(']');
    }
    return sb.toString();
  }
}
