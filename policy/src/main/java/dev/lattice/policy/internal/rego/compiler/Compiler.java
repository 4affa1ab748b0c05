package dev.lattice.policy.internal.rego.compiler;

import dev.lattice.policy.Location;
import dev.lattice.policy.RegoException;
import dev.lattice.policy.RegoModule;
import dev.lattice.policy.RuleInfo;
import dev.lattice.policy.internal.rego.ast.Ast.*;
import dev.lattice.policy.internal.rego.builtins.Builtin;
import dev.lattice.policy.internal.rego.builtins.Builtins;
import dev.lattice.policy.internal.rego.parser.Parser;
import dev.lattice.policy.internal.rego.value.Value;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns modules into a rule tree: resolves names, allocates variable slots, reorders bodies for
 * safety, plans how each body expression is evaluated, indexes rule definitions, and checks unsafe
 * variables, unknown functions, arity, rule-kind conflicts and recursion. The work is a list of
 * named stages ({@link #STAGES}): read it to find where a check lives.
 */
public final class Compiler {

  private final Node root = new Node("data", "data", 0);
  private int nodeIds = 1;
  private final List<RuleInfo> ruleInfos = new ArrayList<>();
  private final List<Pending> pending = new ArrayList<>();

  private record Pending(
      RegoModuleAst module, Rule rule, Node node, Node.Kind kind, Term[] headKeys) {}

  public Node root() {
    return root;
  }

  public List<RuleInfo> ruleInfos() {
    return ruleInfos;
  }

  public int nodeCount() {
    return nodeIds;
  }

  /** One named stage of compilation; it reports every error it finds into {@code errors}. */
  private record Stage(String name, StageRun run) {}

  @FunctionalInterface
  private interface StageRun {
    void run(Compiler compiler, List<RegoException> errors);
  }

  /**
   * The stages, in order (as OPA's ast/compile.go lists its own). Each stage reports every error it
   * finds (one per module, rule or check), as OPA does; a later stage runs only when the earlier
   * ones found none.
   */
  private static final List<Stage> STAGES =
      List.of(
          new Stage("parse modules", Compiler::parseModules),
          // rego.metadata.rule() / chain() become the annotations they stand for
          new Stage("rewrite metadata calls", Compiler::rewriteMetadataCalls),
          // the package tree: rule nodes, kinds, imports, conflicts between rule kinds
          new Stage("declare rules", Compiler::declareRules),
          // resolve names and refs, allocate variable slots, fold ground terms, order bodies for
          // safety (unsafe variables), plan each expression's strategy (see Strategy)
          new Stage("compile rules", Compiler::compileRules),
          new Stage("check recursion", (c, errors) -> c.checkRecursion()),
          new Stage("build rule indexes", (c, errors) -> buildRuleIndexes(c.root)));

  private List<RegoModule> sources;
  private List<RegoModuleAst> modules;

  public static Compiler compile(List<RegoModule> sources) {
    Compiler c = new Compiler();
    c.sources = sources;
    for (Stage stage : STAGES) {
      List<RegoException> errors = new ArrayList<>();
      stage.run().run(c, errors);
      failOn(errors);
    }
    c.sources = null;
    c.modules = null;
    return c;
  }

  private void parseModules(List<RegoException> errors) {
    modules = new ArrayList<>();
    for (RegoModule m : sources) {
      try {
        modules.add(Parser.parseModule(m.path(), m.source()));
      } catch (RegoException e) {
        errors.add(e);
      }
    }
  }

  private void rewriteMetadataCalls(List<RegoException> errors) {
    try {
      modules = Annotations.rewriteMetadataCalls(modules, sources);
    } catch (RegoException e) {
      errors.add(e);
    }
  }

  private void declareRules(List<RegoException> errors) {
    for (RegoModuleAst m : modules) {
      try {
        declare(m);
      } catch (RegoException e) {
        errors.add(e);
      }
    }
  }

  private void compileRules(List<RegoException> errors) {
    for (Pending p : pending) {
      try {
        compileRule(p);
      } catch (RegoException e) {
        errors.add(e);
      }
    }
  }

  /** Indexes the definitions of every rule with several by their leading equality conditions. */
  private static void buildRuleIndexes(Node n) {
    if (n.hasRules()) n.index = RuleIndex.build(n);
    for (Node child : n.children.values()) buildRuleIndexes(child);
  }

  // ------------------------------------------------------------------ declaration

  private Node child(Node parent, String name) {
    return parent.children.computeIfAbsent(
        name, n -> new Node(n, parent.path + "." + n, nodeIds++));
  }

  private static String str(Term t) {
    return t instanceof Scalar s && s.value() instanceof Value.Str v ? v.value : null;
  }

  private static void failOn(List<RegoException> errors) {
    if (!errors.isEmpty()) throw RegoException.of(errors);
  }

  private void declare(RegoModuleAst m) {
    // a package exists (as an empty object under data) even when its module has no rules
    Node pkg = root;
    for (String s : m.pkg()) pkg = child(pkg, s);
    for (Import imp : m.imports()) {
      Term p = imp.path();
      String head =
          p instanceof Var v
              ? v.name()
              : p instanceof Ref r && r.head() instanceof Var v2 ? v2.name() : null;
      if (head == null
          || !(head.equals("data")
              || head.equals("input")
              || head.equals("future")
              || head.equals("rego"))) {
        throw new RegoException(
            RegoException.PARSE,
            "unexpected import path, must begin with one of: {data, future, input, rego}",
            imp.loc());
      }
    }
    for (Rule r : m.rules()) {
      List<String> ground = new ArrayList<>(m.pkg());
      Term head = r.head();
      List<Term> rest = new ArrayList<>();
      String name;
      if (head instanceof Var v) {
        name = v.name();
        ground.add(name);
      } else if (head instanceof Ref ref && ref.head() instanceof Var v) {
        name = v.name();
        ground.add(name);
        boolean inPrefix = true;
        for (Term t : ref.path()) {
          String s = str(t);
          if (inPrefix && s != null) ground.add(s);
          else {
            inPrefix = false;
            rest.add(t);
          }
        }
      } else {
        throw new RegoException(RegoException.PARSE, "invalid rule head", r.loc());
      }
      Node.Kind kind;
      if (r.args() != null) {
        kind = Node.Kind.FUNCTION;
        if (!rest.isEmpty())
          throw new RegoException(
              RegoException.PARSE, "function head must be a ground reference", r.loc());
      } else if (r.key() != null) {
        kind = rest.isEmpty() ? Node.Kind.SET : Node.Kind.OBJECT;
      } else if (!rest.isEmpty()) {
        kind = Node.Kind.OBJECT;
      } else {
        kind = Node.Kind.COMPLETE;
      }
      Node walk = root;
      for (String s : ground) walk = child(walk, s);
      final Node n = walk;
      if (r.isDefault() && kind == Node.Kind.COMPLETE) {
        if (n.defaultRule != null
            || pending.stream().anyMatch(p -> p.node == n && p.rule.isDefault())) {
          throw new RegoException(
              RegoException.TYPE, "multiple default rules " + n.path + " found", r.loc());
        }
      }
      if (n.kind == null) n.kind = kind;
      else if (n.kind != kind) {
        throw new RegoException(
            RegoException.TYPE, "conflicting rules " + n.path + " found", r.loc());
      }
      if (kind == Node.Kind.FUNCTION) {
        if (n.arity >= 0 && n.arity != r.args().size()) {
          throw new RegoException(
              RegoException.TYPE, "conflicting rules " + n.path + " found", r.loc());
        }
        n.arity = r.args().size();
      }
      pending.add(new Pending(m, r, n, kind, rest.toArray(new Term[0])));
      ruleInfos.add(
          new RuleInfo(List.copyOf(m.pkg()), name, n.path, kind == Node.Kind.FUNCTION, r.loc()));
    }
  }

  private static String importText(Term p) {
    if (p instanceof Var v) return v.name();
    Ref r = (Ref) p;
    StringBuilder b = new StringBuilder(((Var) r.head()).name());
    for (Term t : r.path()) b.append('.').append(str(t));
    return b.toString();
  }

  // ------------------------------------------------------------------ scopes

  static final class Scope {
    final Scope parent;
    final int id;
    final Map<String, Integer> names = new HashMap<>();
    final Set<String> candidates = new HashSet<>();
    final Set<String> assigned = new HashSet<>();

    /**
     * A comprehension's body: as in OPA, {@code :=} there may shadow a variable of an enclosing
     * body.
     */
    boolean comprehension;

    Scope(Scope parent, int id) {
      this.parent = parent;
      this.id = id;
    }
  }

  /** Per-rule (or per-query) state: variable slots and scopes. */
  final class Ctx {
    final RegoModuleAst module;
    final Map<String, Term> globals;
    final List<String> slotNames = new ArrayList<>();
    final List<Integer> slotScope = new ArrayList<>();
    final List<Scope> scopes = new ArrayList<>();
    Scope cur;

    Ctx(RegoModuleAst module, Map<String, Term> globals) {
      this.module = module;
      this.globals = globals;
      cur = newScope(null);
    }

    Scope newScope(Scope parent) {
      Scope s = new Scope(parent, scopes.size());
      scopes.add(s);
      return s;
    }

    int alloc(Scope s, String name) {
      int slot = slotNames.size();
      slotNames.add(name);
      slotScope.add(s.id);
      if (!name.startsWith("$")) s.names.put(name, slot);
      return slot;
    }

    /** Whether slot belongs to scope s or one of its descendants. */
    boolean ownedBy(int slot, Scope s) {
      Scope x = scopes.get(slotScope.get(slot));
      while (x != null) {
        if (x == s) return true;
        x = x.parent;
      }
      return false;
    }

    boolean declaredInChain(String name) {
      for (Scope s = cur; s != null; s = s.parent) if (s.names.containsKey(name)) return true;
      return false;
    }

    Term resolve(Var v) {
      if (v.wildcard()) return new Local("_", alloc(cur, v.name()), v.loc());
      for (Scope s = cur; s != null; s = s.parent) {
        Integer slot = s.names.get(v.name());
        if (slot != null) return new Local(v.name(), slot, v.loc());
      }
      if (v.name().equals("data")) return new Root(true, v.loc());
      if (v.name().equals("input")) return new Root(false, v.loc());
      Term g = globals.get(v.name());
      if (g != null) return relocate(g, v.loc());
      for (Scope s = cur.parent; s != null; s = s.parent) {
        if (s.candidates.contains(v.name()))
          return new Local(v.name(), alloc(s, v.name()), v.loc());
      }
      return new Local(v.name(), alloc(cur, v.name()), v.loc());
    }

    void declare(Var v, boolean assign) {
      if (v.wildcard()) return;
      if (assign) {
        boolean dup = cur.assigned.contains(v.name());
        if (!dup) {
          for (Scope s = cur; s != null; s = s.comprehension ? null : s.parent) {
            if (s.names.containsKey(v.name())) dup = true;
          }
        }
        if (dup)
          throw new RegoException(
              RegoException.COMPILE, "var " + v.name() + " assigned above", v.loc());
        cur.assigned.add(v.name());
      } else if (cur.names.containsKey(v.name())) {
        return;
      }
      alloc(cur, v.name());
    }
  }

  private static Term relocate(Term g, Location loc) {
    if (g instanceof Ref r)
      return new Ref(
          r.head() instanceof Root rt ? new Root(rt.data(), loc) : r.head(),
          r.path(),
          loc,
          r.rule(),
          r.ruleDepth(),
          r.baseDepth());
    if (g instanceof Root rt) return new Root(rt.data(), loc);
    return g;
  }

  private Map<String, Term> globalsFor(RegoModuleAst m) {
    Map<String, Term> g = new HashMap<>();
    Location l = m.loc();
    Node pkg = root;
    for (String s : m.pkg()) pkg = pkg.children.get(s);
    if (pkg != null) {
      for (String name : pkg.children.keySet()) {
        List<Term> path = new ArrayList<>();
        for (String s : m.pkg()) path.add(new Scalar(Value.str(s), l));
        path.add(new Scalar(Value.str(name), l));
        g.put(name, resolveRuleRef(new Root(true, l), path, l));
      }
    }
    for (Import imp : m.imports()) {
      Term p = imp.path();
      if (p instanceof Var v) {
        if (imp.alias() != null) g.put(imp.alias(), new Root(v.name().equals("data"), l));
        continue;
      }
      Ref r = (Ref) p;
      String head = ((Var) r.head()).name();
      if (head.equals("rego") || head.equals("future")) continue;
      String alias = imp.alias() != null ? imp.alias() : str(r.path().get(r.path().size() - 1));
      if (alias == null)
        throw new RegoException(
            RegoException.PARSE, "import path must end with a name or use 'as'", imp.loc());
      g.put(alias, resolveRuleRef(new Root(head.equals("data"), l), r.path(), l));
    }
    return g;
  }

  // ------------------------------------------------------------------ rules

  private final Map<RegoModuleAst, Map<String, Term>> globalsCache =
      new java.util.IdentityHashMap<>();

  private void compileRule(Pending p) {
    Map<String, Term> globals = globalsCache.computeIfAbsent(p.module, this::globalsFor);
    List<CRule.Draft> branches = new ArrayList<>();
    Ctx ctx = new Ctx(p.module, globals);
    Rule rule = liftCallArgs(p.rule);
    // Function args are declared in the top scope and shared by every else branch.
    Term[] args = null;
    if (rule.args() != null) {
      for (Term a : rule.args()) collectPatternVars(a, ctx);
      args = new Term[rule.args().size()];
      for (int i = 0; i < args.length; i++) args[i] = rewriteTerm(rule.args().get(i), ctx);
    }
    Scope top = ctx.cur;
    Term[] headKeys = null;
    Term setKey = null;
    for (Rule r = rule; r != null; r = r.elseRule()) {
      ctx.cur = ctx.newScope(top);
      Scope bodyScope = ctx.cur;
      candidates(r.body(), bodyScope.candidates);
      if (r == rule) {
        for (Term t : p.headKeys) varNames(t, bodyScope.candidates);
        if (r.key() != null) varNames(r.key(), bodyScope.candidates);
      }
      if (r.value() != null) varNames(r.value(), bodyScope.candidates);
      bodyScope.candidates.removeAll(declaredNames(r.body()));
      List<Expr> body = rewriteBody(r.body(), ctx);
      if (r == rule) {
        // else branches share the first branch's head keys and set element
        headKeys = new Term[p.headKeys.length];
        for (int i = 0; i < headKeys.length; i++) headKeys[i] = rewriteTerm(p.headKeys[i], ctx);
        setKey = r.key() == null ? null : rewriteTerm(r.key(), ctx);
      }
      Term value =
          r.value() == null ? new Scalar(Value.TRUE, r.loc()) : rewriteTerm(r.value(), ctx);
      BitSet bound = new BitSet();
      if (args != null) for (Term a : args) patternSlots(a, bound);
      Expr[] ordered = order(body, bound, ctx, bodyScope);
      Strategy[] plan = lastPlan;
      checkHeadSafe(headKeys, setKey, value, bound, ctx);
      branches.add(
          new CRule.Draft(
              r.loc(),
              r.isDefault(),
              args,
              headKeys,
              setKey,
              value,
              ordered,
              plan,
              groundGuards(ordered),
              singleValued(plan, args, headKeys, setKey, value, bound)));
    }
    int n = ctx.slotNames.size();
    CRule first = null;
    for (int i = branches.size() - 1; i >= 0; i--)
      first = new CRule(p.node, p.kind, branches.get(i), first, n);
    if (first.isDefault) {
      if (!isDefaultValue(first.value) && p.kind != Node.Kind.FUNCTION) {
        throw new RegoException(
            RegoException.COMPILE, "default rule value cannot contain variables", first.loc);
      }
      p.node.defaultRule = first;
    } else {
      p.node.addRule(first);
    }
  }

  /** See {@link CRule#singleValued}; {@code bound}: the slots bound after the body. */
  private static boolean singleValued(
      Strategy[] plan, Term[] args, Term[] headKeys, Term setKey, Term value, BitSet bound) {
    for (Strategy s : plan) {
      if (s != Strategy.TEST
          && s != Strategy.BIND_LEFT
          && s != Strategy.BIND_RIGHT
          && s != Strategy.COMPARE) return false;
    }
    if (!Strategy.singleValued(value, bound)) return false;
    if (setKey != null && !Strategy.singleValued(setKey, bound)) return false;
    if (headKeys != null) {
      for (Term k : headKeys) if (!Strategy.singleValued(k, bound)) return false;
    }
    if (args != null) {
      BitSet params = new BitSet();
      for (Term a : args) {
        if (!(a instanceof Local l) || params.get(l.slot())) return false;
        params.set(l.slot());
      }
    }
    return true;
  }

  /** The number of leading expressions of an ordered body that are ground tests. */
  private static int groundGuards(Expr[] body) {
    int n = 0;
    while (n < body.length
        && body[n].withs().isEmpty()
        && body[n].lit() instanceof TermLit t
        && isGroundTest(t.term())) n++;
    return n;
  }

  /** Whether t has no variables and yields at most one value (so it needs no frame). */
  private static boolean isGroundTest(Term t) {
    return switch (t) {
      case Scalar s -> true;
      case Root r -> true;
      case Ref r -> isGroundTest(r.head()) && r.path().stream().allMatch(Compiler::isGroundTest);
      case ArrayT a -> a.elems().stream().allMatch(Compiler::isGroundTest);
      case SetT s -> s.elems().stream().allMatch(Compiler::isGroundTest);
      case ObjectT o ->
          o.entries().stream().allMatch(e -> isGroundTest(e.key()) && isGroundTest(e.value()));
      case Call c ->
          !(c.target() instanceof Builtin b && (b.multi() || b.name().equals("print")))
              && !hasOutputArg(c)
              && c.args().stream().allMatch(Compiler::isGroundTest);
      default -> false;
    };
  }

  /**
   * A function argument holding a call (a template string) is not a pattern: as OPA does, it
   * becomes a fresh argument variable and an equality with the call at the end of each body.
   */
  private static Rule liftCallArgs(Rule r) {
    if (r.args() == null || r.args().stream().noneMatch(Compiler::hasCall)) return r;
    List<Term> args = new ArrayList<>();
    List<Expr> eqs = new ArrayList<>();
    for (int i = 0; i < r.args().size(); i++) {
      Term a = r.args().get(i);
      if (hasCall(a)) {
        Var v = new Var("__fnarg" + i + "__", a.loc());
        args.add(v);
        eqs.add(new Expr(new Unify(v, a), false, List.of(), a.loc()));
      } else {
        args.add(a);
      }
    }
    return withEqualities(r, args, eqs);
  }

  private static Rule withEqualities(Rule r, List<Term> args, List<Expr> eqs) {
    if (r == null) return null;
    List<Expr> body = new ArrayList<>(r.body());
    body.addAll(eqs);
    return new Rule(
        r.head(),
        r.args() == null ? null : args,
        r.key(),
        r.value(),
        r.isDefault(),
        r.assign(),
        body,
        withEqualities(r.elseRule(), args, eqs),
        r.loc());
  }

  private static boolean hasCall(Term t) {
    return switch (t) {
      case Call c -> true;
      case ArrayT a -> a.elems().stream().anyMatch(Compiler::hasCall);
      case SetT a -> a.elems().stream().anyMatch(Compiler::hasCall);
      case ObjectT o ->
          o.entries().stream().anyMatch(en -> hasCall(en.key()) || hasCall(en.value()));
      default -> false;
    };
  }

  /**
   * A default rule's value: ground, where comprehensions count as ground (OPA's parser skips
   * closures in validateDefaultRuleValue, so {@code default p := [x | x := data.a[_]]} is allowed).
   */
  private static boolean isDefaultValue(Term t) {
    return switch (t) {
      case ArrayCompr a -> true;
      case SetCompr s -> true;
      case ObjectCompr o -> true;
      case ArrayT a -> a.elems().stream().allMatch(Compiler::isDefaultValue);
      case SetT s -> s.elems().stream().allMatch(Compiler::isDefaultValue);
      case ObjectT o ->
          o.entries().stream().allMatch(e -> isDefaultValue(e.key()) && isDefaultValue(e.value()));
      default -> isGround(t);
    };
  }

  private static boolean isGround(Term t) {
    return switch (t) {
      case Scalar s -> true;
      case ArrayT a -> a.elems().stream().allMatch(Compiler::isGround);
      case SetT s -> s.elems().stream().allMatch(Compiler::isGround);
      case ObjectT o ->
          o.entries().stream().allMatch(e -> isGround(e.key()) && isGround(e.value()));
      default -> false;
    };
  }

  private void checkHeadSafe(Term[] headKeys, Term setKey, Term value, BitSet bound, Ctx ctx) {
    List<Term> heads = new ArrayList<>();
    if (headKeys != null) heads.addAll(List.of(headKeys));
    if (setKey != null) heads.add(setKey);
    heads.add(value);
    for (Term t : heads) {
      BitSet needs = new BitSet();
      BitSet prov = new BitSet();
      needsProv(t, needs, prov, ctx);
      needs.andNot(bound);
      if (!needs.isEmpty()) {
        int slot = needs.nextSetBit(0);
        throw new RegoException(
            RegoException.UNSAFE_VAR, "var " + ctx.slotNames.get(slot) + " is unsafe", t.loc());
      }
    }
  }

  // ------------------------------------------------------------------ queries

  public CompiledQuery compileQuery(String text, boolean bareAsX) {
    List<Expr> parsed = Parser.parseQuery(text);
    RegoModuleAst m =
        new RegoModuleAst("query", List.of(), List.of(), List.of(), new Location("query", 1, 1));
    Ctx ctx = new Ctx(m, Map.of());
    candidates(parsed, ctx.cur.candidates);
    List<Expr> body = rewriteBody(parsed, ctx);
    Term bare = null;
    if (bareAsX
        && body.size() == 1
        && !body.get(0).negated()
        && body.get(0).withs().isEmpty()
        && body.get(0).lit() instanceof TermLit tl
        && (!(tl.term() instanceof Call c) || capturesValue(c))) {
      bare = tl.term();
    }
    Expr[] ordered = order(body, new BitSet(), ctx, ctx.cur);
    if (bare != null && iterationFree(bare)) {
      // OPA captures the value of a lone term query (rego's RewriteToCaptureValue) and checks it
      // only when the query iterates: `data.t.allow` at false answers false, not undefined. The
      // bare term is then evaluated on its own, not first as a test.
      ordered = new Expr[0];
    }
    List<String> names = new ArrayList<>();
    List<Integer> slots = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (int i = 0; i < ctx.slotNames.size(); i++) {
      String name = ctx.slotNames.get(i);
      if (name.startsWith("$") || ctx.slotScope.get(i) != ctx.cur.id) continue;
      if (seen.add(name)) {
        names.add(name);
        slots.add(i);
      }
    }
    int[] outSlots = slots.stream().mapToInt(Integer::intValue).toArray();
    return new CompiledQuery(ordered, ctx.slotNames.size(), names, outSlots, bare);
  }

  // ------------------------------------------------------------------ name collection

  private static Set<String> declaredNames(List<Expr> body) {
    Set<String> declared = new HashSet<>();
    for (Expr e : body) {
      switch (e.lit()) {
        case SomeDecl s -> s.vars().forEach(v -> declared.add(((Var) v).name()));
        case Assign a -> varNames(a.left(), declared);
        case SomeIn s -> {
          if (s.key() != null) varNames(s.key(), declared);
          varNames(s.value(), declared);
        }
        default -> {}
      }
    }
    return declared;
  }

  private static void candidates(List<Expr> body, Set<String> out) {
    Set<String> declared = new HashSet<>();
    for (Expr e : body) {
      switch (e.lit()) {
        case SomeDecl s -> s.vars().forEach(v -> declared.add(((Var) v).name()));
        case Assign a -> varNames(a.left(), declared);
        case SomeIn s -> {
          if (s.key() != null) varNames(s.key(), declared);
          varNames(s.value(), declared);
        }
        default -> {}
      }
    }
    candidatesAll(body, out);
    out.removeAll(declared);
  }

  private static void candidatesAll(List<Expr> body, Set<String> out) {
    for (Expr e : body) {
      switch (e.lit()) {
        case TermLit t -> varNames(t.term(), out);
        case Unify u -> {
          varNames(u.left(), out);
          varNames(u.right(), out);
        }
        case Assign a -> {
          varNames(a.left(), out);
          varNames(a.right(), out);
        }
        case SomeDecl s -> s.vars().forEach(v -> varNames(v, out));
        case SomeIn s -> {
          if (s.key() != null) varNames(s.key(), out);
          varNames(s.value(), out);
          varNames(s.collection(), out);
        }
        case Every ev -> varNames(ev.domain(), out);
      }
      for (With w : e.withs()) varNames(w.value(), out);
    }
  }

  /**
   * Whether a lone call query answers the call's value, as OPA's RewriteToCaptureValue does: a call
   * with exactly its function's arguments ({@code 1 == 2} answers false, {@code count(x)} the
   * count), not one whose last argument receives the output ({@code plus(1, 2, x)}) nor a variadic
   * one.
   */
  private static boolean capturesValue(Call c) {
    int arity =
        c.target() instanceof Builtin b
            ? b.arity()
            : c.target() instanceof Node n && n.kind == Node.Kind.FUNCTION ? n.arity : -1;
    return arity >= 0 && c.args().size() == arity;
  }

  /** Whether evaluating {@code t} binds no variable (so it has at most one value). */
  private static boolean iterationFree(Term t) {
    return switch (t) {
      case Scalar sc -> true;
      case Root r -> true;
      case Call c -> c.args().stream().allMatch(Compiler::iterationFree);
      case Ref r -> iterationFree(r.head()) && r.path().stream().allMatch(Compiler::iterationFree);
      case ArrayT a -> a.elems().stream().allMatch(Compiler::iterationFree);
      case SetT st -> st.elems().stream().allMatch(Compiler::iterationFree);
      case ObjectT o ->
          o.entries().stream().allMatch(en -> iterationFree(en.key()) && iterationFree(en.value()));
      default -> false;
    };
  }

  /** Variable names in a term, not descending into comprehensions. */
  private static void varNames(Term t, Set<String> out) {
    switch (t) {
      case Var v -> {
        if (!v.wildcard()) out.add(v.name());
      }
      case Ref r -> {
        varNames(r.head(), out);
        r.path().forEach(x -> varNames(x, out));
      }
      case ArrayT a -> a.elems().forEach(x -> varNames(x, out));
      case SetT s -> s.elems().forEach(x -> varNames(x, out));
      case ObjectT o ->
          o.entries()
              .forEach(
                  en -> {
                    varNames(en.key(), out);
                    varNames(en.value(), out);
                  });
      case Call c -> c.args().forEach(x -> varNames(x, out));
      default -> {}
    }
  }

  private static void collectPatternVars(Term t, Ctx ctx) {
    switch (t) {
      case Var v -> ctx.declare(v, false);
      case ArrayT a -> a.elems().forEach(x -> collectPatternVars(x, ctx));
      case ObjectT o -> o.entries().forEach(en -> collectPatternVars(en.value(), ctx));
      default -> {}
    }
  }

  // ------------------------------------------------------------------ rewriting

  private List<Expr> rewriteBody(List<Expr> body, Ctx ctx) {
    // declarations take effect from the declaring expression on, as in OPA
    List<Expr> out = new ArrayList<>(body.size());
    for (Expr e : body) out.add(rewriteExpr(e, ctx));
    return out;
  }

  private void declareAssign(Term left, Ctx ctx) {
    switch (left) {
      case Var v -> ctx.declare(v, true);
      case ArrayT a -> a.elems().forEach(x -> declareAssign(x, ctx));
      case ObjectT o -> o.entries().forEach(en -> declareAssign(en.value(), ctx));
      case Scalar s -> {}
      default ->
          throw new RegoException(
              RegoException.COMPILE, "cannot assign to " + describe(left), left.loc());
    }
  }

  private static String describe(Term t) {
    return switch (t) {
      case Ref r -> "ref";
      case Call c -> "call";
      case SetT s -> "set";
      default -> t.getClass().getSimpleName().toLowerCase();
    };
  }

  private Expr rewriteExpr(Expr e, Ctx ctx) {
    Lit lit =
        switch (e.lit()) {
          case TermLit t -> new TermLit(rewriteTerm(t.term(), ctx));
          case Unify u -> new Unify(rewriteTerm(u.left(), ctx), rewriteTerm(u.right(), ctx));
          case Assign a -> {
            Term right = rewriteTerm(a.right(), ctx);
            declareAssign(a.left(), ctx);
            yield new Assign(rewriteTerm(a.left(), ctx), right);
          }
          case SomeDecl s -> {
            s.vars().forEach(v -> ctx.declare((Var) v, false));
            List<Term> vars = new ArrayList<>();
            for (Term v : s.vars()) vars.add(rewriteTerm(v, ctx));
            yield new SomeDecl(vars);
          }
          case SomeIn s -> {
            Term coll = rewriteTerm(s.collection(), ctx);
            if (s.key() != null) collectPatternVars(s.key(), ctx);
            collectPatternVars(s.value(), ctx);
            yield new SomeIn(
                s.key() == null ? null : rewriteTerm(s.key(), ctx),
                rewriteTerm(s.value(), ctx),
                coll);
          }
          case Every ev -> {
            Term domain = rewriteTerm(ev.domain(), ctx);
            Scope saved = ctx.cur;
            ctx.cur = ctx.newScope(saved);
            candidates(ev.body(), ctx.cur.candidates);
            if (ev.key() != null) collectPatternVars(ev.key(), ctx);
            collectPatternVars(ev.value(), ctx);
            Term k = ev.key() == null ? null : rewriteTerm(ev.key(), ctx);
            Term v = rewriteTerm(ev.value(), ctx);
            List<Expr> body = rewriteBody(ev.body(), ctx);
            BitSet bound = new BitSet();
            for (int i = 0; i < ctx.slotNames.size(); i++)
              if (!ctx.ownedBy(i, ctx.cur)) bound.set(i);
            if (k != null) patternSlots(k, bound);
            patternSlots(v, bound);
            Expr[] ordered = order(body, bound, ctx, ctx.cur);
            ctx.cur = saved;
            yield new Every(k, v, domain, List.of(ordered));
          }
        };
    List<With> withs = e.withs();
    if (!withs.isEmpty()) {
      List<With> ws = new ArrayList<>();
      for (With w : withs) ws.add(rewriteWith(w, ctx));
      withs = ws;
    }
    return new Expr(lit, e.negated(), withs, e.loc());
  }

  private With rewriteWith(With w, Ctx ctx) {
    Term target = w.target();
    String head =
        target instanceof Var v
            ? v.name()
            : target instanceof Ref r && r.head() instanceof Var v2 ? v2.name() : null;
    Term t;
    if ("input".equals(head) || "data".equals(head)) {
      t = rewriteTerm(target, ctx);
    } else {
      Object fn = resolveFunction(dotted(target), ctx, w.loc());
      if (fn == null) {
        // a rule name or import alias in scope
        t = rewriteTerm(target, ctx);
        if (!(t instanceof Ref || t instanceof Root)) {
          throw new RegoException(
              RegoException.TYPE,
              "with keyword target must reference existing input, data, or a function",
              w.loc());
        }
      } else {
        t = new Call(dotted(target), List.of(), w.loc(), fn);
      }
    }
    if (t instanceof Ref r && r.head() instanceof Root root && root.data()) {
      checkNotInsideRule(r, r.loc() != null ? r.loc() : w.loc());
      Node n = nodeAt(r);
      if (n != null && n.kind == Node.Kind.FUNCTION) t = new Call(n.path, List.of(), w.loc(), n);
    }
    Term value = w.value();
    Term v = null;
    if (t instanceof Call && (value instanceof Var || value instanceof Ref)) {
      String name = dotted(value);
      if (name != null && !ctx.declaredInChain(name.split("\\.")[0])) {
        Object fn = resolveFunction(name, ctx, w.loc());
        if (fn != null) v = new Call(name, List.of(), w.loc(), fn);
      }
    }
    if (v == null) v = rewriteTerm(value, ctx);
    return new With(t, v, w.loc());
  }

  /**
   * OPA's rule: a {@code with} target below {@code data} may replace a rule (or a package, with
   * every rule below it) or base data, but not a path inside a rule's value: when a proper prefix
   * of the target is a rule (a complete, partial set or partial object rule, or a function), the
   * target is a compile error. A prefix that is not a constant string (or not in the rule tree)
   * ends the check, as in OPA.
   */
  private void checkNotInsideRule(Ref r, Location loc) {
    Node n = root;
    List<Term> path = r.path();
    for (int i = 0; i < path.size() - 1; i++) {
      String s = str(path.get(i));
      if (s == null) return;
      n = n.children.get(s);
      if (n == null) return;
      if (n.hasRules()) {
        throw new RegoException(
            RegoException.COMPILE,
            "with keyword cannot partially replace virtual document(s)",
            loc);
      }
    }
  }

  private Node nodeAt(Ref r) {
    Node n = root;
    for (Term t : r.path()) {
      String s = str(t);
      if (s == null) return null;
      n = n.children.get(s);
      if (n == null) return null;
    }
    return n;
  }

  private static String dotted(Term t) {
    if (t instanceof Var v) return v.name();
    if (t instanceof Ref r && r.head() instanceof Var v) {
      StringBuilder b = new StringBuilder(v.name());
      for (Term x : r.path()) {
        String s = str(x);
        if (s == null) return null;
        b.append('.').append(s);
      }
      return b.toString();
    }
    return null;
  }

  private Term rewriteTerm(Term t, Ctx ctx) {
    return switch (t) {
      case Scalar s -> s;
      case Var v -> ctx.resolve(v);
      case Local l -> l;
      case Root r -> r;
      case Ref r -> {
        Term head = rewriteTerm(r.head(), ctx);
        List<Term> path = new ArrayList<>();
        if (head instanceof Ref hr) {
          path.addAll(hr.path());
          head = hr.head();
        }
        for (Term x : r.path()) path.add(rewriteTerm(x, ctx));
        yield resolveRuleRef(head, path, r.loc());
      }
      case ArrayT a -> foldGround(new ArrayT(rewriteTerms(a.elems(), ctx), a.loc()));
      case SetT s -> foldGround(new SetT(rewriteTerms(s.elems(), ctx), s.loc()));
      case ObjectT o -> {
        List<Entry> es = new ArrayList<>();
        for (Entry e : o.entries())
          es.add(new Entry(rewriteTerm(e.key(), ctx), rewriteTerm(e.value(), ctx)));
        yield foldGround(new ObjectT(es, o.loc()));
      }
      case Call c -> {
        Object target = resolveFunction(c.name(), ctx, c.loc());
        if (target == null) {
          throw new RegoException(RegoException.TYPE, "undefined function " + c.name(), c.loc());
        }
        int arity = target instanceof Builtin b ? b.arity() : ((Node) target).arity;
        int n = c.args().size();
        if (arity >= 0 && n != arity && n != arity + 1) {
          String name = target instanceof Builtin b ? b.name() : ((Node) target).path;
          throw new RegoException(
              RegoException.TYPE,
              name
                  + ": arity mismatch: expected "
                  + arity
                  + " argument"
                  + (arity == 1 ? "" : "s")
                  + ", got "
                  + n,
              c.loc());
        }
        List<Term> args = rewriteTerms(c.args(), ctx);
        Term keyed = memberWithConstantKey(c, target, args, ctx);
        yield keyed != null ? keyed : new Call(c.name(), args, c.loc(), target);
      }
      case ArrayCompr a -> {
        Scope saved = enterCompr(ctx, a.body(), List.of(a.head()));
        List<Expr> body = rewriteBody(a.body(), ctx);
        Term head = rewriteTerm(a.head(), ctx);
        Expr[] ordered = orderCompr(body, ctx, List.of(head));
        ctx.cur = saved;
        yield new ArrayCompr(head, List.of(ordered), a.loc());
      }
      case SetCompr a -> {
        Scope saved = enterCompr(ctx, a.body(), List.of(a.head()));
        List<Expr> body = rewriteBody(a.body(), ctx);
        Term head = rewriteTerm(a.head(), ctx);
        Expr[] ordered = orderCompr(body, ctx, List.of(head));
        ctx.cur = saved;
        yield new SetCompr(head, List.of(ordered), a.loc());
      }
      case ObjectCompr a -> {
        Scope saved = enterCompr(ctx, a.body(), List.of(a.key(), a.value()));
        List<Expr> body = rewriteBody(a.body(), ctx);
        Term k = rewriteTerm(a.key(), ctx);
        Term v = rewriteTerm(a.value(), ctx);
        Expr[] ordered = orderCompr(body, ctx, List.of(k, v));
        ctx.cur = saved;
        yield new ObjectCompr(k, v, List.of(ordered), a.loc());
      }
    };
  }

  /**
   * {@code "a", 1 in other.ref} as OPA compiles it: with a constant key and a reference as the
   * collection, {@code other.ref["a"] == 1}, so that only the member named is evaluated (OPA's case
   * {@code aggregates/member+key+ref+input+other rule (conflict)}: a conflict in {@code
   * other.ref.b} does not matter). Null when the call is not of that form.
   */
  private Term memberWithConstantKey(Call c, Object target, List<Term> args, Ctx ctx) {
    if (!"internal.member_3".equals(c.name()) || !(target instanceof Builtin) || args.size() != 3)
      return null;
    if (!(args.get(0) instanceof Scalar key) || !(args.get(2) instanceof Ref coll)) return null;
    Object equal = resolveFunction("equal", ctx, c.loc());
    if (!(equal instanceof Builtin)) return null;
    List<Term> path = new ArrayList<>(coll.path());
    path.add(key);
    Ref member = resolveRuleRef(coll.head(), path, coll.loc());
    return new Call("equal", List.of(member, args.get(1)), c.loc(), equal);
  }

  /**
   * Resolves a {@code data} reference whose leading constant segments name a (non-function) rule to
   * that rule's node, or that leave the package tree to the base data, once at compile time (see
   * {@link Ref#rule()} and {@link Ref#baseDepth()}).
   */
  private Ref resolveRuleRef(Term head, List<Term> path, Location loc) {
    if (head instanceof Root rt && rt.data()) {
      Node n = root;
      for (int i = 0; i < path.size(); i++) {
        String key = str(path.get(i));
        if (key == null && !(path.get(i) instanceof Scalar)) break; // a variable key: unknown
        n = key == null ? null : n.children.get(key);
        // a constant that names no package or rule: only base data lies below
        if (n == null) return new Ref(head, path, loc, null, 0, i + 1);
        if (n.hasRules()) {
          if (n.kind == Node.Kind.FUNCTION) break;
          return new Ref(head, path, loc, n, i + 1, 0);
        }
      }
    }
    return new Ref(head, path, loc);
  }

  /**
   * Folds an array, set or object whose members are all constants into one constant, built once
   * here instead of on every evaluation. Objects with a repeated key stay as they are (their
   * conflict is reported when evaluated).
   */
  private static Term foldGround(Term t) {
    switch (t) {
      case ArrayT a -> {
        Value[] out = new Value[a.elems().size()];
        for (int i = 0; i < out.length; i++) {
          if (!(a.elems().get(i) instanceof Scalar s)) return t;
          out[i] = s.value();
        }
        return new Scalar(new Value.Arr(out), a.loc());
      }
      case SetT st -> {
        java.util.TreeSet<Value> out = new java.util.TreeSet<>();
        for (Term x : st.elems()) {
          if (!(x instanceof Scalar s)) return t;
          out.add(s.value());
        }
        return new Scalar(Value.SetV.of(out), st.loc());
      }
      case ObjectT o -> {
        java.util.TreeMap<Value, Value> out = new java.util.TreeMap<>();
        for (Entry e : o.entries()) {
          if (!(e.key() instanceof Scalar k) || !(e.value() instanceof Scalar v)) return t;
          if (out.put(k.value(), v.value()) != null) return t;
        }
        return new Scalar(Value.Obj.of(out), o.loc());
      }
      default -> {
        return t;
      }
    }
  }

  private Scope enterCompr(Ctx ctx, List<Expr> body, List<Term> heads) {
    Scope saved = ctx.cur;
    ctx.cur = ctx.newScope(saved);
    ctx.cur.comprehension = true;
    candidates(body, ctx.cur.candidates);
    for (Term h : heads) varNames(h, ctx.cur.candidates);
    return saved;
  }

  private Expr[] orderCompr(List<Expr> body, Ctx ctx, List<Term> heads) {
    BitSet bound = new BitSet();
    for (int i = 0; i < ctx.slotNames.size(); i++) if (!ctx.ownedBy(i, ctx.cur)) bound.set(i);
    Expr[] ordered = order(body, bound, ctx, ctx.cur);
    for (Term h : heads) {
      BitSet needs = new BitSet();
      needsProv(h, needs, new BitSet(), ctx);
      needs.andNot(bound);
      if (!needs.isEmpty()) {
        throw new RegoException(
            RegoException.UNSAFE_VAR,
            "var " + ctx.slotNames.get(needs.nextSetBit(0)) + " is unsafe",
            h.loc());
      }
    }
    return ordered;
  }

  private List<Term> rewriteTerms(List<Term> ts, Ctx ctx) {
    List<Term> out = new ArrayList<>(ts.size());
    for (Term t : ts) out.add(rewriteTerm(t, ctx));
    return out;
  }

  /** A user function node or a built-in for a (possibly dotted) call name, or null. */
  private Object resolveFunction(String name, Ctx ctx, Location loc) {
    if (name == null) return null;
    String[] parts = name.split("\\.");
    List<String> path = null;
    if (parts[0].equals("data")) {
      path = new ArrayList<>(List.of(parts).subList(1, parts.length));
    } else if (ctx.globals.get(parts[0]) instanceof Ref g
        && g.head() instanceof Root r
        && r.data()) {
      path = new ArrayList<>();
      for (Term t : g.path()) path.add(str(t));
      path.addAll(List.of(parts).subList(1, parts.length));
    }
    if (path != null) {
      Node n = root;
      for (String s : path) {
        n = n == null ? null : n.children.get(s);
      }
      if (n != null && n.kind == Node.Kind.FUNCTION) return n;
      if (parts[0].equals("data")) return null;
    }
    return Builtins.get(name);
  }

  // ------------------------------------------------------------------ safety ordering

  /** Slots that must be bound before t can be evaluated, and slots t binds by iteration. */
  void needsProv(Term t, BitSet needs, BitSet prov, Ctx ctx) {
    switch (t) {
      case Local l -> needs.set(l.slot());
      case Ref r -> {
        if (r.head() instanceof Local l) needs.set(l.slot());
        else needsProv(r.head(), needs, prov, ctx);
        for (Term x : r.path()) {
          if (x instanceof Local l) prov.set(l.slot());
          else if (x instanceof ArrayT || x instanceof ObjectT) sideVars(x, prov, needs, prov, ctx);
          else needsProv(x, needs, prov, ctx);
        }
      }
      case ArrayT a -> a.elems().forEach(x -> needsProv(x, needs, prov, ctx));
      case SetT s -> s.elems().forEach(x -> needsProv(x, needs, prov, ctx));
      case ObjectT o ->
          o.entries()
              .forEach(
                  e -> {
                    needsProv(e.key(), needs, prov, ctx);
                    needsProv(e.value(), needs, prov, ctx);
                  });
      case Call c -> c.args().forEach(x -> needsProv(x, needs, prov, ctx));
      case ArrayCompr a -> captured(t, needs, ctx);
      case SetCompr a -> captured(t, needs, ctx);
      case ObjectCompr a -> captured(t, needs, ctx);
      default -> {}
    }
  }

  /** Slots used inside a comprehension that belong to enclosing scopes. */
  private void captured(Term compr, BitSet needs, Ctx ctx) {
    BitSet all = new BitSet();
    allSlots(compr, all);
    for (int i = all.nextSetBit(0); i >= 0; i = all.nextSetBit(i + 1)) {
      boolean descendantOwned = ctx.slotScope.get(i) != ctx.cur.id && ctx.ownedBy(i, ctx.cur);
      if (!descendantOwned) needs.set(i);
    }
  }

  static void allSlots(Term t, BitSet out) {
    switch (t) {
      case Local l -> out.set(l.slot());
      case Ref r -> {
        allSlots(r.head(), out);
        r.path().forEach(x -> allSlots(x, out));
      }
      case ArrayT a -> a.elems().forEach(x -> allSlots(x, out));
      case SetT s -> s.elems().forEach(x -> allSlots(x, out));
      case ObjectT o ->
          o.entries()
              .forEach(
                  e -> {
                    allSlots(e.key(), out);
                    allSlots(e.value(), out);
                  });
      case Call c -> c.args().forEach(x -> allSlots(x, out));
      case ArrayCompr a -> {
        allSlots(a.head(), out);
        a.body().forEach(e -> allSlots(e, out));
      }
      case SetCompr a -> {
        allSlots(a.head(), out);
        a.body().forEach(e -> allSlots(e, out));
      }
      case ObjectCompr a -> {
        allSlots(a.key(), out);
        allSlots(a.value(), out);
        a.body().forEach(e -> allSlots(e, out));
      }
      default -> {}
    }
  }

  static void allSlots(Expr e, BitSet out) {
    switch (e.lit()) {
      case TermLit t -> allSlots(t.term(), out);
      case Unify u -> {
        allSlots(u.left(), out);
        allSlots(u.right(), out);
      }
      case Assign a -> {
        allSlots(a.left(), out);
        allSlots(a.right(), out);
      }
      case SomeDecl s -> {}
      case SomeIn s -> {
        if (s.key() != null) allSlots(s.key(), out);
        allSlots(s.value(), out);
        allSlots(s.collection(), out);
      }
      case Every ev -> {
        allSlots(ev.domain(), out);
        if (ev.key() != null) allSlots(ev.key(), out);
        allSlots(ev.value(), out);
        ev.body().forEach(x -> allSlots(x, out));
      }
    }
    for (With w : e.withs()) allSlots(w.value(), out);
  }

  static void patternSlots(Term t, BitSet out) {
    switch (t) {
      case Local l -> out.set(l.slot());
      case ArrayT a -> a.elems().forEach(x -> patternSlots(x, out));
      case ObjectT o -> o.entries().forEach(e -> patternSlots(e.value(), out));
      default -> {}
    }
  }

  /** Pattern variables of a unification side plus the needs/provisions of its non-pattern parts. */
  private void sideVars(Term t, BitSet pv, BitSet needs, BitSet prov, Ctx ctx) {
    switch (t) {
      case Local l -> pv.set(l.slot());
      case ArrayT a -> a.elems().forEach(x -> sideVars(x, pv, needs, prov, ctx));
      case ObjectT o ->
          o.entries()
              .forEach(
                  e -> {
                    needsProv(e.key(), needs, prov, ctx);
                    sideVars(e.value(), pv, needs, prov, ctx);
                  });
      default -> needsProv(t, needs, prov, ctx);
    }
  }

  /** Tries to place the unification of a and b given bound; returns newly bound slots or null. */
  private BitSet tryUnify(Term a, Term b, BitSet bound, Ctx ctx) {
    List<Term[]> pairs = new ArrayList<>();
    decompose(a, b, pairs);
    BitSet b2 = (BitSet) bound.clone();
    boolean progress = true;
    while (!pairs.isEmpty() && progress) {
      progress = false;
      for (int i = 0; i < pairs.size(); i++) {
        Term[] pr = pairs.get(i);
        BitSet pvA = new BitSet(), pvB = new BitSet(), needs = new BitSet(), prov = new BitSet();
        sideVars(pr[0], pvA, needs, prov, ctx);
        sideVars(pr[1], pvB, needs, prov, ctx);
        BitSet n = (BitSet) needs.clone();
        n.andNot(b2);
        n.andNot(prov);
        if (!n.isEmpty()) continue;
        BitSet ua = (BitSet) pvA.clone();
        ua.andNot(b2);
        BitSet ub = (BitSet) pvB.clone();
        ub.andNot(b2);
        if (!ua.isEmpty() && !ub.isEmpty()) continue;
        b2.or(pvA);
        b2.or(pvB);
        b2.or(prov);
        pairs.remove(i);
        progress = true;
        break;
      }
    }
    return pairs.isEmpty() ? b2 : null;
  }

  private static void decompose(Term a, Term b, List<Term[]> out) {
    if (a instanceof ArrayT x && b instanceof ArrayT y && x.elems().size() == y.elems().size()) {
      for (int i = 0; i < x.elems().size(); i++) decompose(x.elems().get(i), y.elems().get(i), out);
    } else if (a instanceof ObjectT x
        && b instanceof ObjectT y
        && x.entries().size() == y.entries().size()
        && sameScalarKeys(x, y)) {
      for (Entry e : x.entries()) {
        for (Entry f : y.entries()) {
          if (((Scalar) e.key()).value().equals(((Scalar) f.key()).value()))
            decompose(e.value(), f.value(), out);
        }
      }
    } else {
      out.add(new Term[] {a, b});
    }
  }

  private static boolean sameScalarKeys(ObjectT x, ObjectT y) {
    Set<Value> kx = new HashSet<>(), ky = new HashSet<>();
    for (Entry e : x.entries()) {
      if (!(e.key() instanceof Scalar s)) return false;
      kx.add(s.value());
    }
    for (Entry e : y.entries()) {
      if (!(e.key() instanceof Scalar s)) return false;
      ky.add(s.value());
    }
    return kx.equals(ky);
  }

  /** Returns the slots bound after placing e, or null if e cannot be placed yet. */
  private BitSet tryPlace(Expr e, BitSet bound, Ctx ctx) {
    BitSet extraNeeds = new BitSet();
    for (With w : e.withs()) {
      needsProv(w.value(), extraNeeds, new BitSet(), ctx);
    }
    BitSet en = (BitSet) extraNeeds.clone();
    en.andNot(bound);
    if (!en.isEmpty()) return null;
    BitSet result;
    switch (e.lit()) {
      case TermLit t -> {
        Term term = t.term();
        if (term instanceof Call c && hasOutputArg(c)) {
          BitSet needs = new BitSet(), prov = new BitSet(), pv = new BitSet();
          for (int i = 0; i < c.args().size() - 1; i++)
            needsProv(c.args().get(i), needs, prov, ctx);
          sideVars(c.args().get(c.args().size() - 1), pv, needs, prov, ctx);
          needs.andNot(bound);
          needs.andNot(prov);
          if (!needs.isEmpty()) return null;
          result = (BitSet) bound.clone();
          result.or(prov);
          result.or(pv);
        } else {
          BitSet needs = new BitSet(), prov = new BitSet();
          needsProv(term, needs, prov, ctx);
          needs.andNot(bound);
          needs.andNot(prov);
          if (!needs.isEmpty()) return null;
          result = (BitSet) bound.clone();
          result.or(prov);
        }
      }
      case Unify u -> result = tryUnify(u.left(), u.right(), bound, ctx);
      case Assign a -> result = tryUnify(a.left(), a.right(), bound, ctx);
      case SomeDecl s -> result = (BitSet) bound.clone();
      case SomeIn s -> {
        BitSet needs = new BitSet(), prov = new BitSet(), pv = new BitSet();
        needsProv(s.collection(), needs, prov, ctx);
        if (s.key() != null) sideVars(s.key(), pv, needs, prov, ctx);
        sideVars(s.value(), pv, needs, prov, ctx);
        needs.andNot(bound);
        needs.andNot(prov);
        if (!needs.isEmpty()) return null;
        result = (BitSet) bound.clone();
        result.or(prov);
        result.or(pv);
      }
      case Every ev -> {
        BitSet needs = new BitSet(), prov = new BitSet();
        needsProv(ev.domain(), needs, prov, ctx);
        BitSet inner = new BitSet();
        for (Expr x : ev.body()) allSlots(x, inner);
        for (int i = inner.nextSetBit(0); i >= 0; i = inner.nextSetBit(i + 1)) {
          if (!ctx.ownedBy(i, ctx.cur) || ctx.slotScope.get(i) == ctx.cur.id) needs.set(i);
        }
        needs.andNot(bound);
        needs.andNot(prov);
        if (!needs.isEmpty()) return null;
        result = (BitSet) bound.clone();
      }
    }
    if (result == null) return null;
    if (e.negated()) {
      BitSet all = new BitSet();
      allSlots(e, all);
      for (int i = all.nextSetBit(0); i >= 0; i = all.nextSetBit(i + 1)) {
        if (ctx.slotNames.get(i).equals("_")) continue;
        if (ctx.slotScope.get(i) != ctx.cur.id && ctx.ownedBy(i, ctx.cur)) continue;
        if (!bound.get(i)) return null;
      }
      return (BitSet) bound.clone();
    }
    return result;
  }

  private static boolean hasOutputArg(Call c) {
    int arity =
        c.target() instanceof Builtin b ? b.arity() : c.target() instanceof Node n ? n.arity : -1;
    return arity >= 0 && c.args().size() == arity + 1;
  }

  /** The strategies of the body {@link #order} returned last, one per expression. */
  private Strategy[] lastPlan;

  /**
   * Reorders a body so every expression's inputs are bound; raises unsafe-var errors. Sets {@link
   * #lastPlan}: how each expression is evaluated, from the slots bound before it.
   */
  private Expr[] order(List<Expr> body, BitSet bound, Ctx ctx, Scope scope) {
    Scope saved = ctx.cur;
    ctx.cur = scope;
    try {
      List<Expr> remaining = new ArrayList<>(body);
      List<Expr> out = new ArrayList<>(body.size());
      List<Strategy> strategies = new ArrayList<>(body.size());
      while (!remaining.isEmpty()) {
        boolean placed = false;
        for (int i = 0; i < remaining.size(); i++) {
          BitSet r = tryPlace(remaining.get(i), bound, ctx);
          if (r != null) {
            strategies.add(Strategy.of(remaining.get(i), bound));
            bound.clear();
            bound.or(r);
            out.add(remaining.remove(i));
            placed = true;
            break;
          }
        }
        if (!placed) {
          Expr e = remaining.get(0);
          BitSet all = new BitSet();
          allSlots(e, all);
          all.andNot(bound);
          String name = null;
          for (int i = all.nextSetBit(0); i >= 0; i = all.nextSetBit(i + 1)) {
            if (!ctx.slotNames.get(i).equals("_")
                && (ctx.slotScope.get(i) == ctx.cur.id || !ctx.ownedBy(i, ctx.cur))) {
              name = ctx.slotNames.get(i);
              break;
            }
          }
          if (name == null && !all.isEmpty()) name = ctx.slotNames.get(all.nextSetBit(0));
          throw new RegoException(
              RegoException.UNSAFE_VAR,
              "var " + (name == null ? "?" : name) + " is unsafe",
              e.loc());
        }
      }
      // variables declared with some but never bound are unsafe
      for (Expr e : out) {
        if (e.lit() instanceof SomeDecl s) {
          for (Term v : s.vars()) {
            if (v instanceof Local l && !bound.get(l.slot())) {
              throw new RegoException(
                  RegoException.UNSAFE_VAR, "var " + l.name() + " is unsafe", l.loc());
            }
          }
        }
      }
      List<Expr> filtered = new ArrayList<>(out.size());
      List<Strategy> plan = new ArrayList<>(out.size());
      for (int i = 0; i < out.size(); i++) {
        if (out.get(i).lit() instanceof SomeDecl) continue;
        filtered.add(out.get(i));
        plan.add(strategies.get(i));
      }
      if (filtered.isEmpty()) {
        Location l = body.isEmpty() ? null : body.get(0).loc();
        filtered.add(new Expr(new TermLit(new Scalar(Value.TRUE, l)), false, List.of(), l));
        plan.add(Strategy.TEST);
      }
      lastPlan = plan.toArray(new Strategy[0]);
      return filtered.toArray(new Expr[0]);
    } finally {
      ctx.cur = saved;
    }
  }

  // ------------------------------------------------------------------ recursion

  private void checkRecursion() {
    Map<Node, Set<Node>> deps = new LinkedHashMap<>();
    collectNodes(root, deps);
    for (Node n : deps.keySet()) {
      Set<Node> d = deps.get(n);
      for (CRule r : allRules(n)) {
        for (CRule b = r; b != null; b = b.elseRule) {
          List<Term> terms = new ArrayList<>();
          if (b.value != null) terms.add(b.value);
          if (b.setKey != null) terms.add(b.setKey);
          if (b.headKeys != null) terms.addAll(List.of(b.headKeys));
          for (Term t : terms) depsOf(t, d);
          for (Expr e : b.body) depsOf(e, d);
        }
      }
    }
    Map<Node, Integer> state = new HashMap<>();
    for (Node n : deps.keySet()) {
      List<Node> stack = new ArrayList<>();
      dfs(n, deps, state, stack);
    }
  }

  private static List<CRule> allRules(Node n) {
    List<CRule> out = new ArrayList<>(n.rules);
    if (n.defaultRule != null) out.add(n.defaultRule);
    return out;
  }

  private void dfs(Node n, Map<Node, Set<Node>> deps, Map<Node, Integer> state, List<Node> stack) {
    Integer s = state.get(n);
    if (s != null && s == 2) return;
    if (s != null && s == 1) {
      int i = stack.indexOf(n);
      StringBuilder b = new StringBuilder();
      for (int j = i; j < stack.size(); j++) b.append(stack.get(j).path).append(" -> ");
      b.append(n.path);
      CRule r = n.rules.isEmpty() ? n.defaultRule : n.rules.get(0);
      throw new RegoException(
          RegoException.RECURSION,
          "rule " + n.path + " is recursive: " + b,
          r == null ? null : r.loc);
    }
    state.put(n, 1);
    stack.add(n);
    for (Node d : deps.getOrDefault(n, Set.of())) dfs(d, deps, state, stack);
    stack.remove(stack.size() - 1);
    state.put(n, 2);
  }

  private static void collectNodes(Node n, Map<Node, Set<Node>> out) {
    if (n.hasRules()) out.put(n, new LinkedHashSet<>());
    for (Node c : n.children.values()) collectNodes(c, out);
  }

  private void depsOf(Expr e, Set<Node> out) {
    switch (e.lit()) {
      case TermLit t -> depsOf(t.term(), out);
      case Unify u -> {
        depsOf(u.left(), out);
        depsOf(u.right(), out);
      }
      case Assign a -> {
        depsOf(a.left(), out);
        depsOf(a.right(), out);
      }
      case SomeDecl s -> {}
      case SomeIn s -> {
        if (s.key() != null) depsOf(s.key(), out);
        depsOf(s.value(), out);
        depsOf(s.collection(), out);
      }
      case Every ev -> {
        depsOf(ev.domain(), out);
        for (Expr x : ev.body()) depsOf(x, out);
      }
    }
    for (With w : e.withs()) depsOf(w.value(), out);
  }

  /**
   * The rules a {@code data} ref may read: its path is matched against the rule tree, a variable
   * segment matching every child (as OPA does; a rule elsewhere in the tree is no dependency).
   */
  private void refDeps(Node n, List<Term> path, int i, Set<Node> out) {
    if (i == path.size() || n.hasRules()) {
      addUnder(n, out);
      return;
    }
    Term x = path.get(i);
    String s = str(x);
    if (s != null) {
      Node c = n.children.get(s);
      if (c != null) refDeps(c, path, i + 1, out);
    } else if (!(x instanceof Scalar)) {
      for (Node c : n.children.values()) refDeps(c, path, i + 1, out);
    }
  }

  private void depsOf(Term t, Set<Node> out) {
    switch (t) {
      case Root r -> {
        if (r.data()) addUnder(root, out);
      }
      case Ref r -> {
        if (r.head() instanceof Root rt && rt.data()) {
          refDeps(root, r.path(), 0, out);
        } else {
          depsOf(r.head(), out);
        }
        r.path().forEach(x -> depsOf(x, out));
      }
      case ArrayT a -> a.elems().forEach(x -> depsOf(x, out));
      case SetT s -> s.elems().forEach(x -> depsOf(x, out));
      case ObjectT o ->
          o.entries()
              .forEach(
                  e -> {
                    depsOf(e.key(), out);
                    depsOf(e.value(), out);
                  });
      case Call c -> {
        if (c.target() instanceof Node n) out.add(n);
        c.args().forEach(x -> depsOf(x, out));
      }
      case ArrayCompr a -> {
        depsOf(a.head(), out);
        a.body().forEach(x -> depsOf(x, out));
      }
      case SetCompr a -> {
        depsOf(a.head(), out);
        a.body().forEach(x -> depsOf(x, out));
      }
      case ObjectCompr a -> {
        depsOf(a.key(), out);
        depsOf(a.value(), out);
        a.body().forEach(x -> depsOf(x, out));
      }
      default -> {}
    }
  }

  private static void addUnder(Node n, Set<Node> out) {
    if (n.hasRules() && n.kind != Node.Kind.FUNCTION) out.add(n);
    for (Node c : n.children.values()) addUnder(c, out);
  }
}
