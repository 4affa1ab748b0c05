package dev.lattice.policy.internal.rego.compiler;

import dev.lattice.policy.Location;
import dev.lattice.policy.RegoException;
import dev.lattice.policy.internal.rego.ast.Ast.*;
import dev.lattice.policy.internal.rego.value.Value;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A type checker like OPA's: the type of every term is inferred (scalars, composites, comprehension
 * results, variables assigned with {@code :=} or bound by {@code some ... in}, rule values and
 * function results, across packages and imports) and every call of a built-in is checked against
 * the built-in's declared argument types ({@code builtin-types.txt}); a call whose argument cannot
 * have the wanted type is reported as OPA reports it:
 *
 * <pre>
 * p.rego:5:2: rego_type_error: count: invalid argument(s)
 * 	have: (number)
 * 	want: (any&lt;array[any], object[any: any], set[any], string&gt;)
 * </pre>
 *
 * In strict mode, a reference into a package of the checked modules that names no rule, no
 * sub-package and no base document is reported as {@code undefined ref: data.a.b.c}. Whatever the
 * checker cannot know (input, base documents, values of unknown shape) has type {@code any} and is
 * never an error. Every error is reported, sorted by location.
 */
public final class TypeCheck {

  // ------------------------------------------------------------------ types

  /** A type in OPA's notation. */
  public sealed interface Type permits Prim, ArrT, SetTy, ObjT, AnyOf {}

  /** {@code any}, {@code null}, {@code boolean}, {@code number}, {@code string}. */
  public record Prim(String name) implements Type {
    @Override
    public String toString() {
      return name;
    }
  }

  public record ArrT(Type elem) implements Type {
    @Override
    public String toString() {
      return "array[" + elem + "]";
    }
  }

  public record SetTy(Type elem) implements Type {
    @Override
    public String toString() {
      return "set[" + elem + "]";
    }
  }

  public record ObjT(Type key, Type value) implements Type {
    @Override
    public String toString() {
      return "object[" + key + ": " + value + "]";
    }
  }

  /** One of several types. */
  public record AnyOf(List<Type> options) implements Type {
    @Override
    public String toString() {
      List<String> parts = new ArrayList<>();
      for (Type t : options) parts.add(t.toString());
      Collections.sort(parts);
      return "any<" + String.join(", ", parts) + ">";
    }
  }

  public static final Type ANY = new Prim("any");
  static final Type NULL = new Prim("null");
  static final Type BOOLEAN = new Prim("boolean");
  static final Type NUMBER = new Prim("number");
  static final Type STRING = new Prim("string");

  /** A built-in's declared signature. */
  public record Signature(String name, List<Type> args, Type result) {
    @Override
    public String toString() {
      List<String> a = new ArrayList<>();
      for (Type t : args) a.add(t.toString());
      return name + "(" + String.join(", ", a) + ") => " + result;
    }
  }

  private static final Map<String, Signature> SIGNATURES = loadSignatures();

  /** Every declared built-in signature by name. */
  public static Map<String, Signature> signatures() {
    return SIGNATURES;
  }

  private static Map<String, Signature> loadSignatures() {
    Map<String, Signature> out = new LinkedHashMap<>();
    try (InputStream in =
            TypeCheck.class.getResourceAsStream("/dev/lattice/policy/builtin-types.txt");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        line = line.strip();
        if (line.isEmpty() || line.startsWith("#")) continue;
        int open = line.indexOf('(');
        int arrow = line.lastIndexOf("=>");
        int close = line.lastIndexOf(')', arrow);
        String name = line.substring(0, open);
        TypeParser args = new TypeParser(line.substring(open + 1, close));
        List<Type> argTypes = new ArrayList<>();
        while (!args.done()) {
          argTypes.add(args.type());
          args.skip(",");
        }
        Type result = new TypeParser(line.substring(arrow + 2)).type();
        out.put(name, new Signature(name, List.copyOf(argTypes), result));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Collections.unmodifiableMap(out);
  }

  /** Reads OPA's type notation. */
  static final class TypeParser {
    private final String s;
    private int p;

    TypeParser(String s) {
      this.s = s;
    }

    boolean done() {
      ws();
      return p >= s.length();
    }

    void ws() {
      while (p < s.length() && s.charAt(p) == ' ') p++;
    }

    void skip(String t) {
      ws();
      if (s.startsWith(t, p)) p += t.length();
    }

    void expect(String t) {
      ws();
      if (!s.startsWith(t, p))
        throw new IllegalArgumentException("expected '" + t + "' at " + p + " in " + s);
      p += t.length();
    }

    Type type() {
      ws();
      int start = p;
      while (p < s.length() && (Character.isLetter(s.charAt(p)))) p++;
      String word = s.substring(start, p);
      ws();
      switch (word) {
        case "array" -> {
          expect("[");
          Type e = type();
          expect("]");
          return new ArrT(e);
        }
        case "set" -> {
          expect("[");
          Type e = type();
          expect("]");
          return new SetTy(e);
        }
        case "object" -> {
          expect("[");
          Type k = type();
          expect(":");
          Type v = type();
          expect("]");
          return new ObjT(k, v);
        }
        case "any" -> {
          if (p < s.length() && s.charAt(p) == '<') {
            p++;
            List<Type> options = new ArrayList<>();
            options.add(type());
            while (true) {
              ws();
              if (s.charAt(p) == '>') {
                p++;
                break;
              }
              expect(",");
              options.add(type());
            }
            return new AnyOf(List.copyOf(options));
          }
          return ANY;
        }
        case "null" -> {
          return NULL;
        }
        case "boolean" -> {
          return BOOLEAN;
        }
        case "number" -> {
          return NUMBER;
        }
        case "string" -> {
          return STRING;
        }
        default -> throw new IllegalArgumentException("unknown type '" + word + "' in " + s);
      }
    }
  }

  /** Whether a value of type {@code have} can be a value of type {@code want}. */
  static boolean compatible(Type have, Type want) {
    if (have == ANY || want == ANY) return true;
    if (have instanceof AnyOf a) {
      for (Type t : a.options()) if (compatible(t, want)) return true;
      return false;
    }
    if (want instanceof AnyOf w) {
      for (Type t : w.options()) if (compatible(have, t)) return true;
      return false;
    }
    return switch (have) {
      case Prim p -> want instanceof Prim q && p.name().equals(q.name());
      case ArrT a -> want instanceof ArrT b && compatible(a.elem(), b.elem());
      case SetTy a -> want instanceof SetTy b && compatible(a.elem(), b.elem());
      case ObjT a ->
          want instanceof ObjT b
              && compatible(a.key(), b.key())
              && compatible(a.value(), b.value());
      case AnyOf a -> true;
    };
  }

  static Type union(Type a, Type b) {
    if (a == null) return b;
    if (b == null) return a;
    if (a == ANY || b == ANY) return ANY;
    if (a.equals(b)) return a;
    if (a instanceof ArrT x && b instanceof ArrT y) return new ArrT(union(x.elem(), y.elem()));
    if (a instanceof SetTy x && b instanceof SetTy y) return new SetTy(union(x.elem(), y.elem()));
    if (a instanceof ObjT x && b instanceof ObjT y)
      return new ObjT(union(x.key(), y.key()), union(x.value(), y.value()));
    Set<Type> options = new LinkedHashSet<>();
    for (Type t : List.of(a, b)) {
      if (t instanceof AnyOf o) options.addAll(o.options());
      else options.add(t);
    }
    if (options.size() > 6) return ANY;
    return new AnyOf(List.copyOf(options));
  }

  // ------------------------------------------------------------------ rules

  /** A rule or function by its full path below {@code data}. */
  private static final class RuleSet {
    final List<Rule> rules = new ArrayList<>();
    final List<RegoModuleAst> modules = new ArrayList<>();
    Type type;
    boolean inProgress;
  }

  private final List<RegoModuleAst> modules;
  private final Map<String, Object> data;
  private final boolean strict;
  private final Map<String, RuleSet> rules = new HashMap<>();
  private final Set<String> packages = new HashSet<>();
  private final Set<String> withTargets = new HashSet<>();
  private final List<RegoException> errors = new ArrayList<>();
  private final Set<String> reported = new HashSet<>();
  private boolean reporting;
  private RegoModuleAst current;

  private TypeCheck(List<RegoModuleAst> modules, Map<String, Object> data, boolean strict) {
    this.modules = modules;
    this.data = data == null ? Map.of() : data;
    this.strict = strict;
  }

  /**
   * Type-checks parsed modules together; {@code data} is the base documents (for strict mode's
   * undefined references). Returns every error, sorted by location.
   */
  public static List<RegoException> check(
      List<RegoModuleAst> modules, Map<String, Object> data, boolean strict) {
    TypeCheck tc = new TypeCheck(modules, data, strict);
    tc.index();
    tc.reporting = true;
    for (RegoModuleAst m : modules) {
      tc.current = m;
      for (Rule r : m.rules()) tc.checkRule(r);
    }
    tc.errors.sort(
        (a, b) -> {
          Location la = a.location().orElse(null), lb = b.location().orElse(null);
          if (la == null || lb == null) return 0;
          int c = la.file().compareTo(lb.file());
          if (c != 0) return c;
          c = Integer.compare(la.line(), lb.line());
          return c != 0 ? c : Integer.compare(la.column(), lb.column());
        });
    return tc.errors;
  }

  private void index() {
    for (RegoModuleAst m : modules) {
      String pkg = "data." + String.join(".", m.pkg());
      for (int i = 1; i <= m.pkg().size(); i++)
        packages.add("data." + String.join(".", m.pkg().subList(0, i)));
      for (Rule r : m.rules()) {
        for (Rule b = r; b != null; b = b.elseRule()) collectWithTargets(b.body());
        String name = staticHead(r.head());
        if (name == null) continue;
        RuleSet set = rules.computeIfAbsent(pkg + "." + name, k -> new RuleSet());
        set.rules.add(r);
        set.modules.add(m);
      }
    }
  }

  /** Paths replaced by {@code with data.x.y as ...}: they may be defined by the replacement. */
  private void collectWithTargets(List<Expr> body) {
    for (Expr x : body) {
      for (With w : x.withs()) {
        List<String> p = staticPath(w.target());
        if (p != null && !p.isEmpty() && p.get(0).equals("data"))
          withTargets.add(String.join(".", p));
      }
      if (x.lit() instanceof Every e) collectWithTargets(e.body());
    }
  }

  /** The static part of a rule head ({@code p}, {@code a.b} of {@code a.b[x]}), or null. */
  private static String staticHead(Term head) {
    if (head instanceof Var v) return v.name();
    if (head instanceof Ref r && r.head() instanceof Var v) {
      StringBuilder sb = new StringBuilder(v.name());
      for (Term t : r.path()) {
        if (t instanceof Scalar s && s.value() instanceof Value.Str str)
          sb.append('.').append(str.value);
        else break;
      }
      return sb.toString();
    }
    return null;
  }

  private static boolean hasDynamicPath(Term head) {
    if (!(head instanceof Ref r)) return false;
    for (Term t : r.path())
      if (!(t instanceof Scalar s && s.value() instanceof Value.Str)) return true;
    return false;
  }

  private Type ruleType(String path) {
    RuleSet set = rules.get(path);
    if (set == null) return null;
    if (set.type != null) return set.type;
    if (set.inProgress) return ANY;
    set.inProgress = true;
    boolean saveReporting = reporting;
    RegoModuleAst saveCurrent = current;
    reporting = false;
    Type t = null;
    try {
      for (int i = 0; i < set.rules.size(); i++) {
        current = set.modules.get(i);
        t = union(t, definitionType(set.rules.get(i)));
      }
    } finally {
      reporting = saveReporting;
      current = saveCurrent;
      set.inProgress = false;
    }
    set.type = t == null ? ANY : t;
    return set.type;
  }

  /** The type of the values one rule definition (with its else chain) produces. */
  private Type definitionType(Rule r) {
    Type t = null;
    for (Rule b = r; b != null; b = b.elseRule()) {
      Map<String, Type> env = new HashMap<>();
      if (r.args() != null) for (Term a : r.args()) bindPattern(a, ANY, env);
      body(b.body(), env);
      Type v;
      if (r.key() != null) v = new SetTy(type(r.key(), env));
      else if (b.value() != null) v = type(b.value(), env);
      else v = BOOLEAN;
      if (r.key() == null && hasDynamicPath(r.head())) v = new ObjT(ANY, v);
      t = union(t, v);
    }
    return t;
  }

  private void checkRule(Rule r) {
    for (Rule b = r; b != null; b = b.elseRule()) {
      Map<String, Type> env = new HashMap<>();
      if (r.args() != null) for (Term a : r.args()) bindPattern(a, ANY, env);
      if (r.head() instanceof Ref ref) for (Term t : ref.path()) type(t, env);
      body(b.body(), env);
      if (r.key() != null) type(r.key(), env);
      if (b.value() != null) type(b.value(), env);
    }
  }

  // ------------------------------------------------------------------ bodies

  private void body(List<Expr> body, Map<String, Type> env) {
    for (Expr x : body) expr(x, env);
  }

  private void expr(Expr x, Map<String, Type> env) {
    switch (x.lit()) {
      case TermLit t -> type(t.term(), env);
      case Unify u -> {
        Type right = type(u.right(), env);
        if (u.left() instanceof Var v && !env.containsKey(v.name()) && !isRuleName(v.name())) {
          type(u.left(), env);
        } else {
          type(u.left(), env);
        }
        if (right == null) type(u.right(), env);
      }
      case Assign a -> {
        Type right = type(a.right(), env);
        bindPattern(a.left(), right, env);
      }
      case SomeDecl s -> {
        for (Term v : s.vars()) if (v instanceof Var var) env.remove(var.name());
      }
      case SomeIn s -> {
        Type coll = type(s.collection(), env);
        Type[] kv = keyValue(coll);
        if (s.key() != null) bindPattern(s.key(), kv[0], env);
        bindPattern(s.value(), kv[1], env);
      }
      case Every e -> {
        Type dom = type(e.domain(), env);
        Type[] kv = keyValue(dom);
        Map<String, Type> inner = new HashMap<>(env);
        if (e.key() != null) bindPattern(e.key(), kv[0], inner);
        bindPattern(e.value(), kv[1], inner);
        body(e.body(), inner);
      }
    }
    for (With w : x.withs()) type(w.value(), env);
  }

  private boolean isRuleName(String name) {
    return current != null
        && rules.containsKey("data." + String.join(".", current.pkg()) + "." + name);
  }

  /** Key and element types of iterating a collection. */
  private static Type[] keyValue(Type coll) {
    return switch (coll) {
      case ArrT a -> new Type[] {NUMBER, a.elem()};
      case SetTy s -> new Type[] {s.elem(), s.elem()};
      case ObjT o -> new Type[] {o.key(), o.value()};
      default -> new Type[] {ANY, ANY};
    };
  }

  private void bindPattern(Term pattern, Type t, Map<String, Type> env) {
    switch (pattern) {
      case Var v -> {
        if (!v.wildcard()) env.put(v.name(), t == null ? ANY : t);
      }
      case ArrayT a -> {
        Type e = t instanceof ArrT at ? at.elem() : ANY;
        for (Term x : a.elems()) bindPattern(x, e, env);
      }
      case ObjectT o -> {
        Type v = t instanceof ObjT ot ? ot.value() : ANY;
        for (Entry e : o.entries()) bindPattern(e.value(), v, env);
      }
      default -> {}
    }
  }

  // ------------------------------------------------------------------ terms

  private Type type(Term t, Map<String, Type> env) {
    return switch (t) {
      case Scalar s -> scalar(s.value());
      case Var v -> var(v, env);
      case Local l -> ANY;
      case Root r -> ANY;
      case Ref r -> ref(r, env);
      case ArrayT a -> {
        Type e = null;
        for (Term x : a.elems()) e = union(e, type(x, env));
        yield new ArrT(e == null ? ANY : e);
      }
      case SetT s -> {
        Type e = null;
        for (Term x : s.elems()) e = union(e, type(x, env));
        yield new SetTy(e == null ? ANY : e);
      }
      case ObjectT o -> {
        Type k = null, v = null;
        for (Entry e : o.entries()) {
          k = union(k, type(e.key(), env));
          v = union(v, type(e.value(), env));
        }
        yield new ObjT(k == null ? ANY : k, v == null ? ANY : v);
      }
      case Call c -> call(c, env);
      case ArrayCompr c -> {
        Map<String, Type> inner = new HashMap<>(env);
        body(c.body(), inner);
        yield new ArrT(type(c.head(), inner));
      }
      case SetCompr c -> {
        Map<String, Type> inner = new HashMap<>(env);
        body(c.body(), inner);
        yield new SetTy(type(c.head(), inner));
      }
      case ObjectCompr c -> {
        Map<String, Type> inner = new HashMap<>(env);
        body(c.body(), inner);
        yield new ObjT(type(c.key(), inner), type(c.value(), inner));
      }
    };
  }

  private static Type scalar(Value v) {
    if (v instanceof Value.Str) return STRING;
    if (v instanceof Value.Num) return NUMBER;
    if (v instanceof Value.Bool) return BOOLEAN;
    if (v instanceof Value.Null) return NULL;
    return ANY;
  }

  private Type var(Var v, Map<String, Type> env) {
    Type local = env.get(v.name());
    if (local != null) return local;
    if (current == null || v.wildcard()) return ANY;
    Type rule = ruleType("data." + String.join(".", current.pkg()) + "." + v.name());
    return rule == null ? ANY : rule;
  }

  /** The data path a reference names statically ({@code data.a.b}), after imports, or null. */
  private List<String> dataPath(Term head, List<Term> path, Map<String, Type> env) {
    if (!(head instanceof Var v) || env.containsKey(v.name())) return null;
    List<String> out = new ArrayList<>();
    if (v.name().equals("data")) {
      out.add("data");
    } else if (current != null) {
      Import imp = importFor(v.name());
      if (imp != null) {
        List<String> ip = staticPath(imp.path());
        if (ip == null || ip.isEmpty() || !ip.get(0).equals("data")) return null;
        out.addAll(ip);
      } else if (rules.containsKey("data." + String.join(".", current.pkg()) + "." + v.name())) {
        out.add("data");
        out.addAll(current.pkg());
        out.add(v.name());
      } else {
        return null;
      }
    } else {
      return null;
    }
    for (Term t : path) {
      if (t instanceof Scalar s && s.value() instanceof Value.Str str) out.add(str.value);
      else break;
    }
    return out;
  }

  private Import importFor(String name) {
    for (Import imp : current.imports()) {
      List<String> p = staticPath(imp.path());
      if (p == null || p.isEmpty()) continue;
      String alias = imp.alias() != null ? imp.alias() : p.get(p.size() - 1);
      if (alias.equals(name)) return imp;
    }
    return null;
  }

  private static List<String> staticPath(Term t) {
    if (t instanceof Var v) return List.of(v.name());
    if (!(t instanceof Ref r) || !(r.head() instanceof Var h)) return null;
    List<String> out = new ArrayList<>();
    out.add(h.name());
    for (Term e : r.path()) {
      if (!(e instanceof Scalar s) || !(s.value() instanceof Value.Str str)) return null;
      out.add(str.value);
    }
    return out;
  }

  private Type ref(Ref r, Map<String, Type> env) {
    for (Term p : r.path()) {
      if (!(p instanceof Scalar)) type(p, env);
    }
    List<String> dp = dataPath(r.head(), r.path(), env);
    if (dp != null) {
      // the longest prefix that is a rule
      for (int n = dp.size(); n >= 2; n--) {
        String key = String.join(".", dp.subList(0, n));
        if (rules.containsKey(key)) {
          Type t = ruleType(key);
          int consumed = n - (dp.size() - countStatic(r));
          return index(t, r.path(), Math.max(0, consumed));
        }
      }
      if (strict && reporting) undefinedRef(dp, r.loc());
      return ANY;
    }
    Type head = type(r.head(), env);
    return index(head, r.path(), 0);
  }

  /** How many leading path elements of the ref are static strings (those in dataPath). */
  private static int countStatic(Ref r) {
    int n = 0;
    for (Term t : r.path()) {
      if (t instanceof Scalar s && s.value() instanceof Value.Str) n++;
      else break;
    }
    return n;
  }

  private static Type index(Type t, List<Term> path, int from) {
    for (int i = from; i < path.size(); i++) {
      t =
          switch (t) {
            case ArrT a -> a.elem();
            case SetTy s -> s.elem();
            case ObjT o -> o.value();
            default -> ANY;
          };
    }
    return t;
  }

  /** Strict mode: a path into a checked package that names nothing there. */
  private void undefinedRef(List<String> dp, Location loc) {
    // the longest prefix that is a package
    int pkgEnd = -1;
    for (int n = dp.size(); n >= 2; n--) {
      if (packages.contains(String.join(".", dp.subList(0, n)))) {
        pkgEnd = n;
        break;
      }
    }
    if (pkgEnd < 0 || pkgEnd == dp.size()) return;
    String next = String.join(".", dp.subList(0, pkgEnd + 1));
    String full = String.join(".", dp);
    for (String w : withTargets)
      if (full.equals(w) || full.startsWith(w + ".") || w.startsWith(next)) return;
    for (String p : packages) if (p.equals(next) || p.startsWith(next + ".")) return;
    for (String rname : rules.keySet()) if (rname.startsWith(next + ".")) return;
    // a base document below the package?
    Object d = data;
    for (int i = 1; i <= pkgEnd && d != null; i++) {
      d = d instanceof Map<?, ?> m ? m.get(dp.get(i)) : null;
    }
    if (d instanceof Map<?, ?> m && m.containsKey(dp.get(pkgEnd))) return;
    report(RegoException.TYPE, "undefined ref: " + next, loc);
  }

  private Type call(Call c, Map<String, Type> env) {
    List<Type> args = new ArrayList<>();
    for (Term a : c.args()) args.add(type(a, env));
    Signature sig = SIGNATURES.get(c.name());
    if (sig != null && !isUserFunction(c.name())) {
      int n = Math.min(sig.args().size(), args.size());
      boolean ok = true;
      for (int i = 0; i < n; i++) if (!compatible(args.get(i), sig.args().get(i))) ok = false;
      if (!ok) {
        List<String> have = new ArrayList<>();
        List<String> want = new ArrayList<>();
        for (int i = 0; i < n; i++) have.add(args.get(i).toString());
        for (Type w : sig.args()) want.add(w.toString());
        report(
            RegoException.TYPE,
            c.name()
                + ": invalid argument(s)\n\thave: ("
                + String.join(", ", have)
                + ")\n\twant: ("
                + String.join(", ", want)
                + ")",
            c.loc());
      }
      if (args.size() == sig.args().size() + 1) {
        Term out = c.args().get(args.size() - 1);
        if (out instanceof Var v && !env.containsKey(v.name())) env.put(v.name(), sig.result());
      }
      return sig.result();
    }
    String fn = functionPath(c.name(), env);
    if (fn != null) {
      Type t = ruleType(fn);
      if (t != null) return t;
    }
    return ANY;
  }

  private boolean isUserFunction(String name) {
    return current != null && functionPath(name, Map.of()) != null;
  }

  private String functionPath(String name, Map<String, Type> env) {
    if (current == null) return null;
    String[] parts = name.split("\\.");
    String local = "data." + String.join(".", current.pkg()) + "." + name;
    if (rules.containsKey(local)) return local;
    if (parts[0].equals("data")) return rules.containsKey(name) ? name : null;
    Import imp = importFor(parts[0]);
    if (imp != null) {
      List<String> ip = staticPath(imp.path());
      if (ip == null) return null;
      List<String> full = new ArrayList<>(ip);
      for (int i = 1; i < parts.length; i++) full.add(parts[i]);
      String key = String.join(".", full);
      return rules.containsKey(key) ? key : null;
    }
    return null;
  }

  private void report(String code, String message, Location loc) {
    if (!reporting) return;
    String key = loc + message;
    if (reported.add(key)) errors.add(new RegoException(code, message, loc));
  }
}
