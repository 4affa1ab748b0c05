package dev.lattice.policy.internal.rego.compiler;

import dev.lattice.policy.internal.rego.ast.Ast.ArrayCompr;
import dev.lattice.policy.internal.rego.ast.Ast.ArrayT;
import dev.lattice.policy.internal.rego.ast.Ast.Assign;
import dev.lattice.policy.internal.rego.ast.Ast.Call;
import dev.lattice.policy.internal.rego.ast.Ast.Entry;
import dev.lattice.policy.internal.rego.ast.Ast.Every;
import dev.lattice.policy.internal.rego.ast.Ast.Expr;
import dev.lattice.policy.internal.rego.ast.Ast.Lit;
import dev.lattice.policy.internal.rego.ast.Ast.Local;
import dev.lattice.policy.internal.rego.ast.Ast.ObjectCompr;
import dev.lattice.policy.internal.rego.ast.Ast.ObjectT;
import dev.lattice.policy.internal.rego.ast.Ast.Ref;
import dev.lattice.policy.internal.rego.ast.Ast.Root;
import dev.lattice.policy.internal.rego.ast.Ast.Scalar;
import dev.lattice.policy.internal.rego.ast.Ast.SetCompr;
import dev.lattice.policy.internal.rego.ast.Ast.SetT;
import dev.lattice.policy.internal.rego.ast.Ast.SomeDecl;
import dev.lattice.policy.internal.rego.ast.Ast.SomeIn;
import dev.lattice.policy.internal.rego.ast.Ast.Term;
import dev.lattice.policy.internal.rego.ast.Ast.TermLit;
import dev.lattice.policy.internal.rego.ast.Ast.Unify;
import dev.lattice.policy.internal.rego.ast.Ast.Var;
import dev.lattice.policy.internal.rego.builtins.Builtin;
import dev.lattice.policy.internal.rego.value.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which parts of the input a rule's value can depend on: a static analysis of the compiled rule
 * tree, used to memoise rule values across evaluations (see {@code SharedRuleMemo}).
 *
 * <p>A rule has a <em>footprint</em> when everything its value can depend on is the policy's data
 * and the values at a fixed set of constant input paths ({@code input.destination.id}, {@code
 * input.consent.purposes} for {@code input.consent.purposes[x]}, ...): then two evaluations whose
 * inputs agree at those paths give the rule the same value. A rule has none (null) when anything in
 * it or in what it calls — rules, functions, transitively — could depend on more:
 *
 * <ul>
 *   <li>the whole input ({@code input} as a term) or the whole data document (the rules below it),
 *   <li>a {@code with} modifier (it changes input, data or functions for what it evaluates),
 *   <li>a built-in whose result is not a function of its arguments (time, randomness, network,
 *       runtime, print/trace side effects),
 *   <li>an unresolved call, or a rule that (illegally) depends on itself.
 * </ul>
 *
 * <p>The analysis errs towards "none": a rule without a footprint is simply evaluated every time.
 */
public final class InputFootprint {

  /** Built-ins whose result is not a function of their arguments alone. */
  private static final List<String> NONDETERMINISTIC_PREFIXES =
      List.of(
          "time.now_ns",
          "rand.",
          "uuid.rfc4122",
          "http.send",
          "net.lookup_ip_addr",
          "opa.runtime",
          "io.jwt.decode_verify",
          "crypto.x509.parse_and_verify_certificates",
          "print",
          "trace");

  /** A footprint: constant input paths (each a list of keys), plus a size estimate of the work. */
  public record Footprint(List<List<Value>> paths, int weight) {}

  private static final Footprint NONE = new Footprint(null, 0);

  private final Map<Node, Footprint> done = new HashMap<>();
  private final Set<Node> inProgress = new HashSet<>();
  private final Node root;

  private InputFootprint(Node root) {
    this.root = root;
  }

  /** The footprint of every rule node under {@code root} (absent key: no footprint). */
  public static Map<Node, Footprint> of(Node root) {
    InputFootprint a = new InputFootprint(root);
    a.visitAll(root);
    Map<Node, Footprint> out = new HashMap<>();
    a.done.forEach(
        (n, f) -> {
          if (f != NONE) out.put(n, f);
        });
    return out;
  }

  private void visitAll(Node n) {
    if (n.hasRules()) footprint(n);
    for (Node c : n.children.values()) visitAll(c);
  }

  private Footprint footprint(Node n) {
    Footprint f = done.get(n);
    if (f != null) return f;
    if (!inProgress.add(n)) return NONE; // recursion: the compiler rejects it anyway
    Collector c = new Collector();
    try {
      for (CRule r : n.rules) {
        for (CRule b = r; b != null; b = b.elseRule) c.rule(b);
      }
      if (n.defaultRule != null) c.rule(n.defaultRule);
    } finally {
      inProgress.remove(n);
    }
    f = c.failed ? NONE : new Footprint(List.copyOf(minimal(c.paths)), c.weight);
    done.put(n, f);
    return f;
  }

  /** Drops every path that lies below another path of the set (the shorter one covers it). */
  private static List<List<Value>> minimal(Set<List<Value>> paths) {
    List<List<Value>> out = new ArrayList<>();
    for (List<Value> p : paths) {
      boolean covered = false;
      for (List<Value> q : paths) {
        if (q != p && q.size() < p.size() && p.subList(0, q.size()).equals(q)) covered = true;
      }
      if (!covered) out.add(p);
    }
    return out;
  }

  /** Collects the input paths and dependencies of one node's rules. */
  private final class Collector {
    final Set<List<Value>> paths = new LinkedHashSet<>();
    int weight;
    boolean failed;

    void rule(CRule r) {
      if (r.args != null) terms(List.of(r.args));
      if (r.headKeys != null) terms(List.of(r.headKeys));
      if (r.setKey != null) term(r.setKey);
      if (r.value != null) term(r.value);
      if (r.body != null) exprs(List.of(r.body));
    }

    void exprs(List<Expr> es) {
      for (Expr e : es) {
        if (failed) return;
        weight++;
        if (!e.withs().isEmpty()) {
          failed = true;
          return;
        }
        lit(e.lit());
      }
    }

    void lit(Lit l) {
      switch (l) {
        case TermLit t -> term(t.term());
        case Unify u -> {
          term(u.left());
          term(u.right());
        }
        case Assign a -> {
          term(a.left());
          term(a.right());
        }
        case SomeDecl s -> terms(s.vars());
        case SomeIn s -> {
          if (s.key() != null) term(s.key());
          if (s.value() != null) term(s.value());
          term(s.collection());
        }
        case Every e -> {
          if (e.key() != null) term(e.key());
          if (e.value() != null) term(e.value());
          term(e.domain());
          exprs(e.body());
        }
      }
    }

    void terms(List<Term> ts) {
      for (Term t : ts) term(t);
    }

    void term(Term t) {
      if (failed || t == null) return;
      switch (t) {
        case Scalar s -> {}
        case Var v -> {}
        case Local l -> {}
        case Root r -> failed = true; // the whole input, or the whole data document
        case Ref r -> ref(r);
        case ArrayT a -> terms(a.elems());
        case SetT s -> terms(s.elems());
        case ObjectT o -> {
          for (Entry e : o.entries()) {
            term(e.key());
            term(e.value());
          }
        }
        case Call c -> call(c);
        case ArrayCompr a -> {
          term(a.head());
          exprs(a.body());
        }
        case SetCompr s -> {
          term(s.head());
          exprs(s.body());
        }
        case ObjectCompr o -> {
          term(o.key());
          term(o.value());
          exprs(o.body());
        }
      }
    }

    void ref(Ref r) {
      terms(r.path());
      if (!(r.head() instanceof Root head)) {
        term(r.head());
        return;
      }
      if (!head.data()) {
        List<Value> path = new ArrayList<>();
        for (Term p : r.path()) {
          if (!(p instanceof Scalar s)) break;
          path.add(s.value());
        }
        if (path.isEmpty()) {
          failed = true; // input[x]: as good as the whole input
          return;
        }
        paths.add(List.copyOf(path));
        return;
      }
      Node n = root;
      int i = 0;
      for (; n != null && !n.hasRules() && i < r.path().size(); i++) {
        if (!(r.path().get(i) instanceof Scalar s) || !(s.value() instanceof Value.Str key)) {
          allBelow(n); // data.pkg[x]: any rule below the package may be read
          return;
        }
        n = n.children.get(key.value);
      }
      if (n == null) return; // base data only: fixed for the compiled policy
      if (n.hasRules()) {
        depend(n);
      } else {
        allBelow(n); // a package document: every rule below it
      }
    }

    void allBelow(Node n) {
      if (n.hasRules()) depend(n);
      for (Node c : n.children.values()) {
        if (failed) return;
        allBelow(c);
      }
    }

    void depend(Node n) {
      Footprint f = footprint(n);
      if (f == NONE) {
        failed = true;
        return;
      }
      paths.addAll(f.paths());
      weight += f.weight() + 1;
    }

    void call(Call c) {
      terms(c.args());
      if (failed) return;
      Object target = c.target();
      if (target instanceof Builtin b) {
        for (String prefix : NONDETERMINISTIC_PREFIXES) {
          if (b.name().startsWith(prefix)) {
            failed = true;
            return;
          }
        }
        weight++;
      } else if (target instanceof Node n) {
        depend(n);
      } else {
        failed = true;
      }
    }
  }
}
