package dev.lattice.policy.internal.rego.compiler;

import dev.lattice.policy.Location;
import dev.lattice.policy.RegoException;
import dev.lattice.policy.internal.rego.ast.Ast.*;
import dev.lattice.policy.internal.rego.value.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OPA's strict-mode checks on a parsed module, all reported: imports never used ({@code import
 * data.x unused}), variables assigned with {@code :=} and never read ({@code assigned var x
 * unused}), and calls of deprecated built-ins.
 */
public final class StrictCheck {
  private StrictCheck() {}

  private static final Set<String> DEPRECATED =
      Set.of(
          "any",
          "all",
          "re_match",
          "set_diff",
          "net.cidr_overlap",
          "cast_array",
          "cast_set",
          "cast_string",
          "cast_boolean",
          "cast_null",
          "cast_object");

  public static List<RegoException> check(RegoModuleAst m) {
    List<RegoException> out = new ArrayList<>();
    Map<String, Integer> moduleUses = new HashMap<>();
    for (Rule r : m.rules()) {
      for (Rule b = r; b != null; b = b.elseRule()) walkRule(b, moduleUses, out, null);
    }
    for (Import imp : m.imports()) {
      String text = path(imp.path());
      if (text.startsWith("future.") || text.startsWith("rego.")) continue;
      String name = imp.alias() != null ? imp.alias() : last(imp.path());
      if (moduleUses.getOrDefault(name, 0) == 0)
        out.add(new RegoException(RegoException.COMPILE, "import " + text + " unused", imp.loc()));
    }
    for (Rule r : m.rules()) {
      Map<String, Integer> uses = new HashMap<>();
      List<Var> assigned = new ArrayList<>();
      for (Rule b = r; b != null; b = b.elseRule()) walkRule(b, uses, null, assigned);
      for (Var v : assigned) {
        if (v.wildcard()) continue;
        if (uses.getOrDefault(v.name(), 0) <= 1)
          out.add(
              new RegoException(
                  RegoException.COMPILE, "assigned var " + v.name() + " unused", v.loc()));
      }
    }
    out.sort(
        (a, b) -> {
          Location x = a.location().orElse(null), y = b.location().orElse(null);
          if (x == null || y == null) return 0;
          return x.line() != y.line()
              ? Integer.compare(x.line(), y.line())
              : Integer.compare(x.column(), y.column());
        });
    return out;
  }

  private static String path(Term t) {
    if (t instanceof Var v) return v.name();
    if (t instanceof Ref r && r.head() instanceof Var h) {
      StringBuilder b = new StringBuilder(h.name());
      for (Term p : r.path()) {
        if (p instanceof Scalar s && s.value() instanceof Value.Str str)
          b.append('.').append(str.value);
        else b.append("[...]");
      }
      return b.toString();
    }
    return "";
  }

  private static String last(Term t) {
    if (t instanceof Ref r
        && !r.path().isEmpty()
        && r.path().get(r.path().size() - 1) instanceof Scalar s
        && s.value() instanceof Value.Str str) return str.value;
    return t instanceof Var v ? v.name() : "";
  }

  private static void walkRule(
      Rule r, Map<String, Integer> uses, List<RegoException> deprecated, List<Var> assigned) {
    Walker w = new Walker(uses, deprecated, assigned);
    if (r.head() != null) w.term(r.head());
    if (r.args() != null) for (Term a : r.args()) w.term(a);
    if (r.key() != null) w.term(r.key());
    if (r.value() != null) w.term(r.value());
    w.body(r.body());
  }

  private record Walker(
      Map<String, Integer> uses, List<RegoException> deprecated, List<Var> assigned) {
    void body(List<Expr> body) {
      if (body == null) return;
      for (Expr e : body) {
        switch (e.lit()) {
          case TermLit t -> term(t.term());
          case Unify u -> {
            term(u.left());
            term(u.right());
          }
          case Assign a -> {
            declare(a.left());
            term(a.left());
            term(a.right());
          }
          case SomeDecl s -> {}
          case SomeIn s -> {
            if (s.key() != null) term(s.key());
            term(s.value());
            term(s.collection());
          }
          case Every ev -> {
            if (ev.key() != null) term(ev.key());
            term(ev.value());
            term(ev.domain());
            body(ev.body());
          }
        }
        for (With wi : e.withs()) {
          term(wi.target());
          term(wi.value());
        }
      }
    }

    void declare(Term t) {
      if (assigned == null) return;
      switch (t) {
        case Var v -> assigned.add(v);
        case ArrayT a -> a.elems().forEach(this::declare);
        case ObjectT o -> o.entries().forEach(en -> declare(en.value()));
        default -> {}
      }
    }

    void term(Term t) {
      switch (t) {
        case Var v -> uses.merge(v.name(), 1, Integer::sum);
        case Ref r -> {
          term(r.head());
          r.path().forEach(this::term);
        }
        case ArrayT a -> a.elems().forEach(this::term);
        case SetT s -> s.elems().forEach(this::term);
        case ObjectT o ->
            o.entries()
                .forEach(
                    en -> {
                      term(en.key());
                      term(en.value());
                    });
        case Call c -> {
          if (deprecated != null && DEPRECATED.contains(c.name()))
            deprecated.add(
                new RegoException(
                    RegoException.TYPE,
                    "deprecated built-in function calls in expression: " + c.name(),
                    c.loc()));
          int dot = c.name().indexOf('.');
          uses.merge(dot < 0 ? c.name() : c.name().substring(0, dot), 1, Integer::sum);
          c.args().forEach(this::term);
        }
        case ArrayCompr a -> {
          term(a.head());
          body(a.body());
        }
        case SetCompr s -> {
          term(s.head());
          body(s.body());
        }
        case ObjectCompr o -> {
          term(o.key());
          term(o.value());
          body(o.body());
        }
        default -> {}
      }
    }
  }
}
