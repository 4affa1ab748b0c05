package dev.lattice.policy.internal.rego.eval;

import dev.lattice.policy.Location;
import dev.lattice.policy.RegoException;
import dev.lattice.policy.TraceEvent;
import dev.lattice.policy.internal.rego.ast.Ast.*;
import dev.lattice.policy.internal.rego.builtins.Builtin;
import dev.lattice.policy.internal.rego.builtins.BuiltinContext;
import dev.lattice.policy.internal.rego.builtins.BuiltinException;
import dev.lattice.policy.internal.rego.compiler.CRule;
import dev.lattice.policy.internal.rego.compiler.Node;
import dev.lattice.policy.internal.rego.compiler.RuleIndex;
import dev.lattice.policy.internal.rego.compiler.Strategy;
import dev.lattice.policy.internal.rego.value.Json;
import dev.lattice.policy.internal.rego.value.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The evaluation state of one query evaluation (or one {@code with} scope of it): top-down,
 * continuation-passing, with bindings in per-rule frames.
 */
final class Ev implements BuiltinContext {
  /** Marks a term that may produce several values (needs the generator path). */
  static final Value MULTI = new Value.Str("\u0000multi");

  private static final Object UNDEF = new Object();
  private static final Object IN_PROGRESS = new Object();

  final Node root;
  final Value input; // null = undefined
  final Value data;
  final Set<Node> masked;
  final Map<Object, Object> fnOverrides;
  final RuleCache cache;
  final Budget budget;
  final boolean strict;
  final List<TraceEvent> trace; // null when off

  /** Rule values shared across evaluations; only in an evaluation's top scope, else null. */
  SharedRuleMemo shared;

  /**
   * Whether rule values folded when the policy was compiled ({@link Node#foldedValue}) hold in this
   * scope: the compiled data, no function replaced, no trace or coverage (which record every rule
   * evaluation). Set by whoever creates the scope; false by default.
   */
  boolean foldedRulesHold;

  /** This evaluation's look-ups in the memo, begun at the first (see SharedRuleMemo#key). */
  private SharedRuleMemo.Lookup memoLookup;

  Ev(
      Node root,
      RuleCache cache,
      Value input,
      Value data,
      Set<Node> masked,
      Map<Object, Object> fnOverrides,
      Budget budget,
      boolean strict,
      List<TraceEvent> trace) {
    this.root = root;
    this.input = input;
    this.data = data;
    this.masked = masked;
    this.fnOverrides = fnOverrides;
    this.cache = cache;
    this.budget = budget;
    this.strict = strict;
    this.trace = trace;
  }

  // ------------------------------------------------------------ BuiltinContext

  @Override
  public long nowNanos() {
    return budget.now();
  }

  @Override
  public void print(String message) {
    if (trace != null) trace.add(new TraceEvent("print", null, null, message));
  }

  @Override
  public void step(long n) {
    budget.add(n);
  }

  @Override
  public Map<String, Value> memo() {
    return budget.memo();
  }

  @Override
  public void note(String message) {
    if (trace != null) trace.add(new TraceEvent("note", null, null, message));
  }

  // ------------------------------------------------------------ bodies and expressions

  boolean evalBody(Expr[] body, int start, Value[] frame, Continuation k) {
    return evalBody(body, null, start, frame, k);
  }

  /**
   * As above, with the body's terms compiled ({@link Operand#ofBody}; null: evaluate the terms by
   * {@link #evalOne}): a compiled operand gives what evalOne gives for its term.
   */
  boolean evalBody(Expr[] body, Operand[][] operands, int start, Value[] frame, Continuation k) {
    // Straight-line prefix: expressions with at most one outcome run without continuations.
    int i = start;
    int[] undo = null;
    int nUndo = 0;
    try {
      // explain=fails: every expression goes through evalExpr, which records the ones that fail
      while (i < body.length && !budget.traceFails) {
        Expr e = body[i];
        if (!e.withs().isEmpty()) break;
        if (budget.covered != null) budget.covered.add(e.loc());
        Lit lit = e.lit();
        if (lit instanceof TermLit t) {
          if (t.term() instanceof Call c
              && (hasOutputArg(c) || c.target() instanceof Builtin b && b.name().equals("print")))
            break;
          Value v = operands == null ? evalOne(t.term(), frame) : operands[i][0].value(this, frame);
          if (v == MULTI) break;
          budget.step();
          boolean truthy = v != null && v != Value.FALSE;
          if (e.negated() == truthy) return false;
          i++;
          continue;
        }
        if (e.negated()) break;
        Term l, r;
        if (lit instanceof Assign a) {
          l = a.left();
          r = a.right();
        } else if (lit instanceof Unify u) {
          l = u.left();
          r = u.right();
        } else {
          break;
        }
        Local target = null;
        Term other = null;
        if (l instanceof Local ll && frame[ll.slot()] == null) {
          target = ll;
          other = r;
        } else if (r instanceof Local rl && frame[rl.slot()] == null) {
          target = rl;
          other = l;
        }
        if (target != null) {
          if (isPattern(other, frame)) break;
          Value v =
              operands == null
                  ? evalOne(other, frame)
                  : operands[i][other == r ? 1 : 0].value(this, frame);
          if (v == MULTI) break;
          budget.step();
          if (v == null) return false;
          frame[target.slot()] = v;
          if (undo == null) undo = new int[body.length - i];
          undo[nUndo++] = target.slot();
          i++;
          continue;
        }
        if (isPattern(l, frame) || isPattern(r, frame)) break;
        Value a = operands == null ? evalOne(l, frame) : operands[i][0].value(this, frame);
        if (a == MULTI) break;
        if (a == null) {
          budget.step();
          return false;
        }
        Value b = operands == null ? evalOne(r, frame) : operands[i][1].value(this, frame);
        if (b == MULTI) break;
        budget.step();
        if (b == null || !a.equals(b)) return false;
        i++;
      }
      if (i == body.length) return k.run();
      final int next = i + 1;
      return evalExpr(body[i], frame, () -> evalBody(body, operands, next, frame, k));
    } finally {
      for (int j = 0; j < nUndo; j++) frame[undo[j]] = null;
    }
  }

  /**
   * Evaluates a rule body by its compile-time plan ({@link CRule#plan}): which expressions are
   * single-valued tests, bindings or comparisons, and which iterate, is known, so nothing is probed
   * at run time. A plan's assumption that fails at run time (a function replaced by {@code with}
   * with a multi-valued built-in) falls back to the general path for that expression.
   */
  boolean evalPlanned(CRule b, int start, Value[] frame, Continuation k) {
    Expr[] body = b.body;
    Strategy[] plan = b.plan;
    // explain=fails records every failed expression through evalExpr
    if (plan == null || budget.traceFails) return evalBody(body, start, frame, k);
    CompiledBranch.Step[] steps = CompiledBranch.of(b).steps;
    int i = start;
    int[] undo = null;
    int undone = 0;
    try {
      for (; i < body.length; i++) {
        CompiledBranch.Step step = steps[i];
        if (step == null) break;
        int outcome = runStep(step, frame);
        if (outcome == NOT_SINGLE_VALUED) break;
        if (outcome == FAILS) return false;
        if (outcome != HOLDS) {
          if (undo == null) undo = new int[body.length - i];
          undo[undone++] = outcome;
        }
      }
      if (i == body.length) return k.run();
      final int next = i + 1;
      Expr e = body[i];
      Continuation rest = () -> evalPlanned(b, next, frame, k);
      if (steps[i] != null && plan[i] == Strategy.GENERAL) return evalSomeIn(steps[i], frame, rest);
      return switch (plan[i]) {
        case ITERATE -> evalIterating(e, frame, rest);
        case BIND_LEFT_ITERATING -> evalBindIterating(e, frame, rest);
        default -> evalExpr(e, frame, rest);
      };
    } finally {
      for (int j = 0; j < undone; j++) frame[undo[j]] = null;
    }
  }

  /** {@link #runStep}: the expression is not single-valued here (take the general path). */
  private static final int NOT_SINGLE_VALUED = -3;

  /** {@link #runStep}: the expression fails. */
  private static final int FAILS = -2;

  /** {@link #runStep}: the expression holds and bound nothing. */
  private static final int HOLDS = -1;

  /**
   * Runs one single-valued expression of a planned body (TEST, BIND_LEFT, BIND_RIGHT, COMPARE) from
   * its compiled step, without continuations: returns {@link #FAILS}, {@link #HOLDS}, the slot it
   * bound (the caller unbinds it on backtracking), or {@link #NOT_SINGLE_VALUED} when the plan's
   * assumption does not hold at run time (nothing is bound then).
   */
  private int runStep(CompiledBranch.Step step, Value[] frame) {
    switch (step.strategy()) {
      case TEST -> {
        Value v = step.operand().value(this, frame);
        if (v == MULTI) return NOT_SINGLE_VALUED;
        if (budget.covered != null) budget.covered.add(step.expr().loc());
        budget.step();
        boolean truthy = v != null && v != Value.FALSE;
        return step.expr().negated() == truthy ? FAILS : HOLDS;
      }
      case BIND_LEFT, BIND_RIGHT -> {
        int slot = step.slot();
        if (frame[slot] != null) return NOT_SINGLE_VALUED;
        Value v = step.operand().value(this, frame);
        if (v == MULTI) return NOT_SINGLE_VALUED;
        if (budget.covered != null) budget.covered.add(step.expr().loc());
        budget.step();
        if (v == null) return FAILS;
        frame[slot] = v;
        return slot;
      }
      case COMPARE -> {
        Value leftValue = step.operand().value(this, frame);
        if (leftValue == MULTI) return NOT_SINGLE_VALUED;
        if (leftValue != null) {
          Value rightValue = step.other().value(this, frame);
          if (rightValue == MULTI) return NOT_SINGLE_VALUED;
          leftValue = rightValue != null && leftValue.equals(rightValue) ? leftValue : null;
        }
        if (budget.covered != null) budget.covered.add(step.expr().loc());
        budget.step();
        return leftValue == null ? FAILS : HOLDS;
      }
      default -> {
        return NOT_SINGLE_VALUED;
      }
    }
  }

  /**
   * The value of a rule branch whose body and head are single-valued ({@link CRule#singleValued}),
   * evaluated without continuations into the fresh frame: null when the body fails or the value is
   * undefined, {@link #MULTI} when the branch must take the general path (not single-valued,
   * explain=fails, or a plan assumption that fails at run time; the frame must be discarded then).
   */
  Value singleValue(CRule b, int start, Value[] frame, Operand head) {
    if (!b.singleValued || budget.traceFails) return MULTI;
    CompiledBranch.Step[] steps = CompiledBranch.of(b).steps;
    for (int i = start; i < steps.length; i++) {
      int outcome = runStep(steps[i], frame);
      if (outcome == NOT_SINGLE_VALUED) return MULTI;
      if (outcome == FAILS) return null;
    }
    return head.value(this, frame);
  }

  /**
   * {@code some [key,] value in collection} with a compiled collection: binds each member as
   * evalLit does, without the general path's term dispatch (which it takes when the collection
   * itself iterates).
   */
  private boolean evalSomeIn(CompiledBranch.Step step, Value[] frame, Continuation k) {
    Value collection = step.operand().value(this, frame);
    if (collection == MULTI) return evalExpr(step.expr(), frame, k);
    budget.step();
    if (budget.covered != null) budget.covered.add(step.expr().loc());
    if (collection == null) return false;
    SomeIn s = (SomeIn) step.expr().lit();
    // plain variables not bound yet (most loops: some r in deny, some path, c in fields) take each
    // member in place, without a pattern match and two continuations per member
    int valueSlot = s.value() instanceof Local v && frame[v.slot()] == null ? v.slot() : -1;
    int keySlot = s.key() instanceof Local kv && frame[kv.slot()] == null ? kv.slot() : -1;
    if (valueSlot >= 0 && (s.key() == null || keySlot >= 0 && keySlot != valueSlot)) {
      try {
        return iterate(
            collection,
            (key, val) -> {
              frame[valueSlot] = val;
              if (keySlot >= 0) frame[keySlot] = key;
              return k.run();
            });
      } finally {
        frame[valueSlot] = null;
        if (keySlot >= 0) frame[keySlot] = null;
      }
    }
    if (s.key() == null)
      return iterate(collection, (key, val) -> bindPattern(s.value(), val, frame, k));
    return iterate(
        collection,
        (key, val) ->
            bindPattern(s.key(), key, frame, () -> bindPattern(s.value(), val, frame, k)));
  }

  /** Calls vk for every value of a rule head, trying its compiled operand first. */
  private boolean evalHead(Operand head, Term term, Value[] frame, ValueContinuation vk) {
    Value v = head.value(this, frame);
    if (v != MULTI) return v != null && vk.apply(v);
    return evalTerm(term, frame, vk);
  }

  /** A reference or call that iterates (plan ITERATE): straight to its generator. */
  private boolean evalIterating(Expr e, Value[] frame, Continuation k) {
    budget.step();
    if (budget.covered != null) budget.covered.add(e.loc());
    return evalTermIterating(((TermLit) e.lit()).term(), frame, x -> x != Value.FALSE && k.run());
  }

  /** {@code x := t} with t iterating (plan BIND_LEFT_ITERATING): x takes each value of t. */
  private boolean evalBindIterating(Expr e, Value[] frame, Continuation k) {
    Term left = e.lit() instanceof Assign a ? a.left() : ((Unify) e.lit()).left();
    Term right = e.lit() instanceof Assign a ? a.right() : ((Unify) e.lit()).right();
    Local target = (Local) left;
    if (frame[target.slot()] != null) return evalExpr(e, frame, k);
    budget.step();
    if (budget.covered != null) budget.covered.add(e.loc());
    return evalTermIterating(right, frame, v -> bindPattern(target, v, frame, k));
  }

  /** A term known to iterate: its generator, without trying single-valued evaluation first. */
  private boolean evalTermIterating(Term t, Value[] frame, ValueContinuation vk) {
    if (t instanceof Ref r) return evalRef(r, frame, vk);
    if (t instanceof Call c)
      return evalCall(c, hasOutputArg(c) ? c.args().size() - 1 : c.args().size(), frame, vk);
    return evalTerm(t, frame, vk);
  }

  boolean evalExpr(Expr e, Value[] frame, Continuation k) {
    budget.step();
    if (budget.covered != null) budget.covered.add(e.loc());
    if (!e.withs().isEmpty()) {
      Ev child = withScope(e, frame);
      if (child == null) return false;
      return child.evalExprNoWith(e, frame, k);
    }
    return evalExprNoWith(e, frame, k);
  }

  private boolean evalExprNoWith(Expr e, Value[] frame, Continuation k) {
    if (budget.traceFails) return evalExprRecordingFailure(e, frame, k);
    if (e.negated()) {
      boolean found = evalLit(e.lit(), frame, () -> true);
      return found ? false : k.run();
    }
    return evalLit(e.lit(), frame, k);
  }

  /** As evalExprNoWith, and a {@code fail} event when the expression itself has no solution. */
  private boolean evalExprRecordingFailure(Expr e, Value[] frame, Continuation k) {
    boolean[] held = {false};
    boolean found;
    if (e.negated()) {
      if (evalLit(e.lit(), frame, () -> true)) {
        found = false;
      } else {
        held[0] = true;
        found = k.run();
      }
    } else {
      found =
          evalLit(
              e.lit(),
              frame,
              () -> {
                held[0] = true;
                return k.run();
              });
    }
    if (!held[0]) trace.add(new TraceEvent("fail", null, e.loc(), null));
    return found;
  }

  private boolean evalLit(Lit lit, Value[] frame, Continuation k) {
    switch (lit) {
      case TermLit t -> {
        Term term = t.term();
        if (term instanceof Call c && c.target() instanceof Builtin b && b.name().equals("print")) {
          Value[] args = new Value[c.args().size()];
          for (int i = 0; i < args.length; i++) {
            Value v = first(c.args().get(i), frame);
            args[i] = v == null ? Value.str("<undefined>") : v;
          }
          callBuiltin(b, args, c.loc());
          return k.run();
        }
        if (term instanceof Call c && hasOutputArg(c)) {
          Term out = c.args().get(c.args().size() - 1);
          return evalCall(c, c.args().size() - 1, frame, v -> bindPattern(out, v, frame, k));
        }
        Value v = evalOne(term, frame);
        if (v != MULTI) {
          if (v == null || v == Value.FALSE) return false;
          return k.run();
        }
        return evalTerm(term, frame, x -> x == Value.FALSE ? false : k.run());
      }
      case Unify u -> {
        return unify(u.left(), u.right(), frame, k);
      }
      case Assign a -> {
        return unify(a.left(), a.right(), frame, k);
      }
      case SomeDecl s -> {
        return k.run();
      }
      case SomeIn s -> {
        return evalTerm(
            s.collection(),
            frame,
            c ->
                iterate(
                    c,
                    (key, val) ->
                        s.key() == null
                            ? bindPattern(s.value(), val, frame, k)
                            : bindPattern(
                                s.key(), key, frame, () -> bindPattern(s.value(), val, frame, k))));
      }
      case Every ev -> {
        Expr[] body = ev.body().toArray(new Expr[0]);
        return evalTerm(
            ev.domain(),
            frame,
            d -> {
              if (!(d instanceof Value.Arr || d instanceof Value.Obj || d instanceof Value.SetV))
                return false;
              boolean[] failed = {false};
              iterate(
                  d,
                  (key, val) -> {
                    boolean ok =
                        ev.key() == null
                            ? bindPattern(
                                ev.value(), val, frame, () -> evalBody(body, 0, frame, () -> true))
                            : bindPattern(
                                ev.key(),
                                key,
                                frame,
                                () ->
                                    bindPattern(
                                        ev.value(),
                                        val,
                                        frame,
                                        () -> evalBody(body, 0, frame, () -> true)));
                    if (!ok) {
                      failed[0] = true;
                      return true;
                    }
                    return false;
                  });
              return failed[0] ? false : k.run();
            });
      }
    }
  }

  /** Receives one member of a collection (array index, object key or set element, and value). */
  interface MemberVisitor {
    boolean apply(Value key, Value val);
  }

  /** Calls fn for each (key, value) of a collection; stops and returns true when fn does. */
  static boolean iterate(Value c, MemberVisitor fn) {
    switch (c) {
      case Value.Arr a -> {
        for (int i = 0; i < a.size(); i++) if (fn.apply(Value.num(i), a.get(i))) return true;
      }
      case Value.Obj o -> {
        for (int i = 0, n = o.size(); i < n; i++) if (fn.apply(o.key(i), o.value(i))) return true;
      }
      case Value.SetV s -> {
        for (int i = 0, n = s.size(); i < n; i++) {
          Value e = s.get(i);
          if (fn.apply(e, e)) return true;
        }
      }
      default -> {}
    }
    return false;
  }

  private static boolean hasOutputArg(Call c) {
    int arity =
        c.target() instanceof Builtin b ? b.arity() : c.target() instanceof Node n ? n.arity : -1;
    return arity >= 0 && c.args().size() == arity + 1;
  }

  // ------------------------------------------------------------ with

  private Ev withScope(Expr e, Value[] frame) {
    Value newInput = input;
    Value newData = data;
    Set<Node> newMasked = masked;
    Map<Object, Object> newFns = fnOverrides;
    for (With w : e.withs()) {
      Object fnValue = null;
      Value value = null;
      if (w.value() instanceof Call c && c.args().isEmpty() && w.target() instanceof Call) {
        fnValue = c.target();
      } else {
        value = first(w.value(), frame);
        if (value == null) return null;
      }
      Term t = w.target();
      if (t instanceof Call c) {
        if (newFns == fnOverrides) newFns = new HashMap<>(fnOverrides);
        newFns.put(c.target(), fnValue != null ? fnValue : value);
      } else if (t instanceof Root r) {
        if (r.data()) {
          newData = value;
          newMasked = new HashSet<>(newMasked);
          newMasked.add(root);
        } else {
          newInput = value;
        }
      } else if (t instanceof Ref r && r.head() instanceof Root rt) {
        List<Value> keys = new ArrayList<>();
        for (Term p : r.path()) {
          Value k = first(p, frame);
          if (k == null) return null;
          keys.add(k);
        }
        if (rt.data()) {
          newData = upsert(newData, keys, 0, value);
          Node n = root;
          for (Value k : keys) {
            n = k instanceof Value.Str s && n != null ? n.children.get(s.value) : null;
            if (n == null) break;
            if (n.hasRules()) break;
          }
          if (n != null) {
            newMasked = new HashSet<>(newMasked);
            newMasked.add(n);
          }
        } else {
          newInput = upsert(newInput, keys, 0, value);
        }
      } else {
        throw new RegoException(
            RegoException.TYPE,
            "with keyword target must reference existing input, data, or a function",
            w.loc());
      }
    }
    Ev scope =
        new Ev(
            root,
            new RuleCache(cache.size()),
            newInput,
            newData,
            newMasked,
            newFns,
            budget,
            strict,
            trace);
    // a different input leaves folded rules alone (they read none); other data or functions do not
    scope.foldedRulesHold =
        foldedRulesHold && newData == data && newMasked.isEmpty() && newFns.isEmpty();
    return scope;
  }

  private static Value upsert(Value base, List<Value> keys, int i, Value value) {
    if (i == keys.size()) return value;
    Value.Obj.Builder m = base instanceof Value.Obj o ? o.toBuilder() : Value.Obj.builder();
    Value k = keys.get(i);
    m.put(k, upsert(m.get(k), keys, i + 1, value));
    return m.build();
  }

  private Value first(Term t, Value[] frame) {
    Value v = evalOne(t, frame);
    if (v != MULTI) return v;
    Value[] out = {null};
    evalTerm(
        t,
        frame,
        x -> {
          out[0] = x;
          return true;
        });
    return out[0];
  }

  // ------------------------------------------------------------ unification

  static boolean isPattern(Term t, Value[] frame) {
    if (t instanceof Local l) return frame[l.slot()] == null;
    if (t instanceof Scalar || t instanceof Ref || t instanceof Call) return false;
    return switch (t) {
      case Local l -> frame[l.slot()] == null;
      case ArrayT a -> {
        for (Term x : a.elems()) if (isPattern(x, frame)) yield true;
        yield false;
      }
      case ObjectT o -> {
        for (Entry e : o.entries()) if (isPattern(e.value(), frame)) yield true;
        yield false;
      }
      default -> false;
    };
  }

  boolean unify(Term a, Term b, Value[] frame, Continuation k) {
    boolean pa = isPattern(a, frame);
    boolean pb = isPattern(b, frame);
    if (pa && pb) {
      if (a instanceof ArrayT x && b instanceof ArrayT y) {
        if (x.elems().size() != y.elems().size()) return false;
        return unifyPairs(x.elems(), y.elems(), 0, frame, k, 0);
      }
      if (a instanceof ObjectT x && b instanceof ObjectT y) {
        if (x.entries().size() != y.entries().size()) return false;
        List<Term> xs = new ArrayList<>();
        List<Term> ys = new ArrayList<>();
        for (Entry ex : x.entries()) {
          Value kx = evalOne(ex.key(), frame);
          Entry match = null;
          for (Entry ey : y.entries()) {
            Value ky = evalOne(ey.key(), frame);
            if (kx != null && kx.equals(ky)) match = ey;
          }
          if (match == null) return false;
          xs.add(ex.value());
          ys.add(match.value());
        }
        return unifyPairs(xs, ys, 0, frame, k, 0);
      }
      Term var = a instanceof Local ? a : b;
      throw new RegoException(
          RegoException.UNSAFE_VAR,
          "var " + ((var instanceof Local l) ? l.name() : "?") + " is unsafe",
          a.loc());
    }
    if (pa) return evalTerm(b, frame, v -> bindPattern(a, v, frame, k));
    if (pb) return evalTerm(a, frame, v -> bindPattern(b, v, frame, k));
    Value va = evalOne(a, frame);
    if (va != MULTI) {
      if (va == null) return false;
      Value vb = evalOne(b, frame);
      if (vb != MULTI) return vb != null && va.equals(vb) && k.run();
      return evalTerm(b, frame, y -> va.equals(y) && k.run());
    }
    return evalTerm(a, frame, x -> evalTerm(b, frame, y -> x.equals(y) && k.run()));
  }

  private boolean unifyPairs(
      List<Term> xs, List<Term> ys, int i, Value[] frame, Continuation k, int deferred) {
    if (i == xs.size()) return k.run();
    Term a = xs.get(i);
    Term b = ys.get(i);
    if (isPattern(a, frame)
        && isPattern(b, frame)
        && !(a instanceof ArrayT && b instanceof ArrayT)
        && !(a instanceof ObjectT && b instanceof ObjectT)) {
      if (deferred > xs.size()) {
        return unify(a, b, frame, k); // raises unsafe
      }
      List<Term> nx = new ArrayList<>(xs);
      List<Term> ny = new ArrayList<>(ys);
      nx.add(nx.remove(i));
      ny.add(ny.remove(i));
      return unifyPairs(nx, ny, i, frame, k, deferred + 1);
    }
    return unify(a, b, frame, () -> unifyPairs(xs, ys, i + 1, frame, k, 0));
  }

  boolean bindPattern(Term p, Value v, Value[] frame, Continuation k) {
    switch (p) {
      case Local l -> {
        Value cur = frame[l.slot()];
        if (cur == null) {
          frame[l.slot()] = v;
          try {
            return k.run();
          } finally {
            frame[l.slot()] = null;
          }
        }
        return cur.equals(v) && k.run();
      }
      case ArrayT a -> {
        if (!(v instanceof Value.Arr arr) || arr.size() != a.elems().size()) return false;
        return bindElems(a.elems(), arr, 0, frame, k);
      }
      case ObjectT o -> {
        if (!(v instanceof Value.Obj obj) || obj.size() != o.entries().size()) return false;
        return bindEntries(o.entries(), obj, 0, frame, k);
      }
      default -> {
        Value x = evalOne(p, frame);
        if (x != MULTI) return x != null && x.equals(v) && k.run();
        return evalTerm(p, frame, y -> y.equals(v) && k.run());
      }
    }
  }

  private boolean bindElems(List<Term> ps, Value.Arr arr, int i, Value[] frame, Continuation k) {
    if (i == ps.size()) return k.run();
    return bindPattern(ps.get(i), arr.get(i), frame, () -> bindElems(ps, arr, i + 1, frame, k));
  }

  private boolean bindEntries(List<Entry> es, Value.Obj obj, int i, Value[] frame, Continuation k) {
    if (i == es.size()) return k.run();
    Entry e = es.get(i);
    return evalTerm(
        e.key(),
        frame,
        key -> {
          Value v = obj.get(key);
          if (v == null) return false;
          return bindPattern(e.value(), v, frame, () -> bindEntries(es, obj, i + 1, frame, k));
        });
  }

  // ------------------------------------------------------------ terms

  /**
   * Evaluates a term that yields at most one value without continuations: returns the value, null
   * for undefined, or {@link #MULTI} when the term iterates (unbound variables in a reference).
   */
  Value evalOne(Term t, Value[] frame) {
    // hot cases first, without the pattern-switch bootstrap
    if (t instanceof Ref r) return refOne(r, frame);
    if (t instanceof Scalar s) return s.value();
    if (t instanceof Local l) {
      Value v = frame[l.slot()];
      return v == null ? MULTI : v;
    }
    if (t instanceof Call c) return callTermOne(c, frame);
    switch (t) {
      case Scalar s -> {
        return s.value();
      }
      case Local l -> {
        Value v = frame[l.slot()];
        if (v == null) return MULTI;
        return v;
      }
      case Root r -> {
        return r.data() ? dataDocument() : input;
      }
      case Ref r -> {
        return refOne(r, frame);
      }
      case ArrayT a -> {
        Value[] out = new Value[a.elems().size()];
        for (int i = 0; i < out.length; i++) {
          Value v = evalOne(a.elems().get(i), frame);
          if (v == null || v == MULTI) return v;
          out[i] = v;
        }
        return new Value.Arr(out);
      }
      case SetT s -> {
        Value.SetV.Builder out = Value.SetV.builder(s.elems().size());
        for (Term x : s.elems()) {
          Value v = evalOne(x, frame);
          if (v == null || v == MULTI) return v;
          out.add(v);
        }
        return out.build();
      }
      case ObjectT o -> {
        Value.Obj.Builder out = Value.Obj.builder(o.entries().size());
        for (Entry e : o.entries()) {
          Value k = evalOne(e.key(), frame);
          if (k == null || k == MULTI) return k;
          Value v = evalOne(e.value(), frame);
          if (v == null || v == MULTI) return v;
          Value prev = out.put(k, v);
          if (prev != null && !prev.equals(v)) {
            throw duplicateKey(o.loc());
          }
        }
        return out.build();
      }
      case Call c -> {
        return callTermOne(c, frame);
      }
      case ArrayCompr a -> {
        List<Value> out = new ArrayList<>();
        collectHeads(a.head(), a.body().toArray(new Expr[0]), null, frame, out::add);
        return Value.Arr.of(out);
      }
      case SetCompr a -> {
        Value.SetV.Builder out = Value.SetV.builder();
        collectHeads(a.head(), a.body().toArray(new Expr[0]), null, frame, out::add);
        return out.build();
      }
      case ObjectCompr a -> {
        return objectComprehension(a, a.body().toArray(new Expr[0]), null, frame);
      }
      default -> throw new IllegalStateException("unexpected term " + t);
    }
  }

  /** The value of object comprehension {@code a}, whose ordered body is {@code body}. */
  Value objectComprehension(ObjectCompr a, Expr[] body, Operand[][] operands, Value[] frame) {
    Value.Obj.Builder out = Value.Obj.builder();
    evalBody(
        body,
        operands,
        0,
        frame,
        () ->
            evalTerm(
                a.key(),
                frame,
                k ->
                    evalTerm(
                        a.value(),
                        frame,
                        v -> {
                          Value prev = out.put(k, v);
                          if (prev != null && !prev.equals(v)) {
                            throw new RegoException(
                                RegoException.CONFLICT, "object keys must be unique", a.loc());
                          }
                          return false;
                        })));
    return out.build();
  }

  /** A call's single value (see evalOne): its arguments evaluated in order, then the call. */
  private Value callTermOne(Call c, Value[] frame) {
    if (c.target() instanceof Builtin b && b.multi()) return MULTI;
    List<Term> argTerms = c.args();
    int n = hasOutputArg(c) ? argTerms.size() - 1 : argTerms.size();
    Value[] args = new Value[n];
    for (int i = 0; i < n; i++) {
      Value v = evalOne(argTerms.get(i), frame);
      if (v == null || v == MULTI) return v;
      args[i] = v;
    }
    return callOne(c, args);
  }

  /** Adds the head's value to {@code out} for every solution of an array or set comprehension. */
  void collectHeads(
      Term head, Expr[] body, Operand[][] operands, Value[] frame, Consumer<Value> out) {
    evalBody(
        body,
        operands,
        0,
        frame,
        () ->
            evalTerm(
                head,
                frame,
                v -> {
                  out.accept(v);
                  return false;
                }));
  }

  boolean evalTerm(Term t, Value[] frame, ValueContinuation vk) {
    Value one = evalOne(t, frame);
    if (one != MULTI) return one != null && vk.apply(one);
    switch (t) {
      case Local l ->
          throw new RegoException(
              RegoException.UNSAFE_VAR, "var " + l.name() + " is unsafe", l.loc());
      case Ref r -> {
        return evalRef(r, frame, vk);
      }
      case ArrayT a -> {
        return evalElems(
            a.elems(),
            0,
            new Value[a.elems().size()],
            frame,
            vals -> vk.apply(new Value.Arr(vals.clone())));
      }
      case SetT s -> {
        return evalElems(
            s.elems(),
            0,
            new Value[s.elems().size()],
            frame,
            vals -> vk.apply(Value.SetV.of(List.of(vals))));
      }
      case ObjectT o -> {
        List<Term> flat = new ArrayList<>();
        for (Entry e : o.entries()) {
          flat.add(e.key());
          flat.add(e.value());
        }
        return evalElems(
            flat,
            0,
            new Value[flat.size()],
            frame,
            vals -> {
              Value.Obj.Builder m = Value.Obj.builder(vals.length / 2);
              for (int i = 0; i < vals.length; i += 2) m.put(vals[i], vals[i + 1]);
              return vk.apply(m.build());
            });
      }
      case Call c -> {
        return evalCall(c, hasOutputArg(c) ? c.args().size() - 1 : c.args().size(), frame, vk);
      }
      default -> throw new IllegalStateException("unexpected multi-valued term " + t);
    }
  }

  /** Receives the values of a list of terms (one combination when some of them iterate). */
  interface ValuesContinuation {
    boolean apply(Value[] vals);
  }

  private boolean evalElems(
      List<Term> ts, int i, Value[] acc, Value[] frame, ValuesContinuation k) {
    if (i == ts.size()) return k.apply(acc);
    if (ts.get(i) instanceof Local l && frame[l.slot()] == null && i + 1 < ts.size()) {
      // A variable only a later element binds (foo == input.foos[foo], which the compiler accepts
      // as safe): evaluate the rest first, then the variable.
      return evalElems(
          ts,
          i + 1,
          acc,
          frame,
          rest ->
              evalTerm(
                  l,
                  frame,
                  v -> {
                    acc[i] = v;
                    return k.apply(acc);
                  }));
    }
    return evalTerm(
        ts.get(i),
        frame,
        v -> {
          acc[i] = v;
          return evalElems(ts, i + 1, acc, frame, k);
        });
  }

  // ------------------------------------------------------------ references

  private Value refOne(Ref r, Value[] frame) {
    List<Term> path = r.path();
    Term head = r.head();
    Value cur;
    int i = 0;
    boolean fromBase = false;
    if (head instanceof Root rt) {
      if (!rt.data()) {
        cur = input;
        if (cur == null) return null;
      } else if (r.rule() instanceof Node rule && masked.isEmpty()) {
        cur = ruleValue(rule);
        if (cur == null) return null;
        i = r.ruleDepth();
      } else {
        Node n = root;
        Value base = data;
        if (masked.contains(n)) n = null;
        while (true) {
          if (n == null) {
            cur = base;
            fromBase = true;
            if (cur == null) return null;
            break;
          }
          if (n.hasRules()) {
            if (n.kind == Node.Kind.FUNCTION) return null;
            cur = ruleValue(n);
            if (cur == null) return null;
            break;
          }
          if (i == path.size()) return nodeDocument(n, base);
          Value key = evalOne(path.get(i), frame);
          if (key == null || key == MULTI) return key;
          i++;
          Node child = key instanceof Value.Str s ? n.children.get(s.value) : null;
          if (child != null && !masked.isEmpty() && masked.contains(child)) child = null;
          base = base == null ? null : baseLookup(base, key);
          n = child;
        }
      }
    } else {
      cur = evalOne(head, frame);
      if (cur == null || cur == MULTI) return cur;
    }
    for (; i < path.size(); i++) {
      Value key = evalOne(path.get(i), frame);
      if (key == null || key == MULTI) return key;
      cur = fromBase ? baseLookup(cur, key) : lookup(cur, key);
      if (cur == null) return null;
    }
    return cur;
  }

  static Value lookup(Value v, Value key) {
    if (v instanceof Value.Obj o) return o.get(key);
    switch (v) {
      case Value.Obj o -> {
        return o.get(key);
      }
      case Value.Arr a -> {
        if (key instanceof Value.Num n) {
          Integer idx = n.intValue();
          if (idx != null && idx >= 0 && idx < a.size()) return a.get(idx);
        }
        return null;
      }
      case Value.SetV s -> {
        return s.contains(key) ? key : null;
      }
      default -> {
        return null;
      }
    }
  }

  /** Base documents come from JSON, so a number key also finds the string key of the same text. */
  static Value baseLookup(Value base, Value key) {
    Value v = lookup(base, key);
    if (v == null && key instanceof Value.Num n && base instanceof Value.Obj o)
      v = o.get(Value.str(n.toString()));
    return v;
  }

  private boolean evalRef(Ref r, Value[] frame, ValueContinuation vk) {
    Term head = r.head();
    if (head instanceof Root rt) {
      if (!rt.data()) return input != null && walk(input, r.path(), 0, frame, vk);
      if (r.rule() instanceof Node rule && masked.isEmpty()) {
        Value v = ruleValue(rule);
        return v != null && walk(v, r.path(), r.ruleDepth(), frame, vk);
      }
      Node n = masked.contains(root) ? null : root;
      return walkData(n, data, r.path(), 0, frame, vk);
    }
    return evalTerm(head, frame, h -> walk(h, r.path(), 0, frame, vk));
  }

  private boolean walk(Value v, List<Term> path, int i, Value[] frame, ValueContinuation vk) {
    if (i == path.size()) return vk.apply(v);
    Term p = path.get(i);
    if (isPattern(p, frame)) {
      return iterate(
          v, (key, child) -> bindPattern(p, key, frame, () -> walk(child, path, i + 1, frame, vk)));
    }
    return evalTerm(
        p,
        frame,
        key -> {
          Value child = lookup(v, key);
          return child != null && walk(child, path, i + 1, frame, vk);
        });
  }

  private boolean walkData(
      Node n, Value base, List<Term> path, int i, Value[] frame, ValueContinuation vk) {
    if (n == null) return base != null && walk(base, path, i, frame, vk);
    if (n.hasRules()) {
      if (n.kind == Node.Kind.FUNCTION) return false;
      Value v = ruleValue(n);
      return v != null && walk(v, path, i, frame, vk);
    }
    if (i == path.size()) return vk.apply(nodeDocument(n, base));
    Term p = path.get(i);
    if (isPattern(p, frame)) {
      TreeSet<Value> keys = new TreeSet<>();
      for (Map.Entry<String, Node> c : n.children.entrySet()) {
        if (c.getValue().kind != Node.Kind.FUNCTION) keys.add(Value.str(c.getKey()));
      }
      if (base instanceof Value.Obj o) keys.addAll(o.map().keySet());
      for (Value key : keys) {
        Node child = childOf(n, key);
        Value b = base == null ? null : lookup(base, key);
        if (bindPattern(p, key, frame, () -> walkData(child, b, path, i + 1, frame, vk)))
          return true;
      }
      return false;
    }
    return evalTerm(
        p,
        frame,
        key -> {
          Node child = childOf(n, key);
          Value b = base == null ? null : baseLookup(base, key);
          return walkData(child, b, path, i + 1, frame, vk);
        });
  }

  private Node childOf(Node n, Value key) {
    Node c = key instanceof Value.Str s ? n.children.get(s.value) : null;
    if (c != null && !masked.isEmpty() && masked.contains(c)) return null;
    return c;
  }

  Value dataDocument() {
    if (masked.contains(root)) return data == null ? Value.EMPTY_OBJECT : data;
    return nodeDocument(root, data);
  }

  /** The document at a package node: base data merged with every rule below it. */
  private Value nodeDocument(Node n, Value base) {
    Value.Obj.Builder m = base instanceof Value.Obj o ? o.toBuilder() : Value.Obj.builder();
    for (Map.Entry<String, Node> e : n.children.entrySet()) {
      Node c = e.getValue();
      if (!masked.isEmpty() && masked.contains(c)) continue;
      Value key = Value.str(e.getKey());
      if (c.hasRules()) {
        if (c.kind == Node.Kind.FUNCTION) continue;
        Value v = ruleValue(c);
        if (v != null) m.putIfAbsent(key, v);
      } else {
        Value b = base == null ? null : lookup(base, key);
        m.put(key, nodeDocument(c, b));
      }
    }
    return m.build();
  }

  // ------------------------------------------------------------ rules

  /** The value of the rules at node n (cached per evaluation scope), or null when undefined. */
  Value ruleValue(Node n) {
    Object c = cache.get(n.id);
    if (c != null) {
      if (c == UNDEF) return null;
      if (c == IN_PROGRESS) {
        throw new RegoException(RegoException.RECURSION, "rule " + n.path + " is recursive");
      }
      return (Value) c;
    }
    SharedRuleMemo.Key memoKey = null;
    if (shared != null && shared.memoises(n)) {
      if (memoLookup == null) memoLookup = shared.begin();
      memoKey = shared.key(n, input, strict, memoLookup);
      Object m = shared.get(memoKey, memoLookup);
      if (m != null) {
        Value v = m == SharedRuleMemo.undefined() ? null : (Value) m;
        cache.put(n.id, v == null ? UNDEF : v);
        return v;
      }
    }
    cache.put(n.id, IN_PROGRESS);
    Value v;
    try {
      enter();
      v =
          switch (n.kind) {
            case COMPLETE -> completeValue(n);
            case SET -> setValue(n);
            case OBJECT -> objectValue(n);
            case FUNCTION -> null;
          };
    } catch (RuntimeException | Error e) {
      cache.remove(n.id);
      throw e;
    } finally {
      budget.depth--;
    }
    cache.put(n.id, v == null ? UNDEF : v);
    if (memoKey != null) shared.put(memoKey, v, memoLookup);
    return v;
  }

  void enter() {
    if (++budget.depth > Budget.MAX_DEPTH) {
      throw new RegoException(
          RegoException.BUDGET,
          "evaluation nested deeper than " + Budget.MAX_DEPTH + " rule or function calls");
    }
  }

  private void fired(CRule r) {
    if (budget.covered != null) budget.covered.add(r.loc);
    if (trace != null) trace.add(new TraceEvent("fire", r.node.path, r.loc, null));
  }

  private static final Value[] NO_SLOTS = new Value[0];

  /**
   * Checks a rule branch's ground guards ({@link CRule#groundGuards}) before its frame exists:
   * returns -1 when one fails (the branch has no solution), else the index its body continues from.
   * With coverage or explain=fails on, the body is evaluated from the start.
   */
  private int checkGuards(CRule b, int from) {
    // coverage and explain=fails record expressions as the body evaluates them: start there
    if (b.groundGuards <= from || budget.covered != null || budget.traceFails) return from;
    Expr[] body = b.body;
    Operand[] guards = CompiledBranch.of(b).guards;
    for (int i = from; i < b.groundGuards; i++) {
      Expr e = body[i];
      Value v = guards[i].value(this, NO_SLOTS);
      if (v == MULTI) return i;
      budget.step();
      boolean truthy = v != null && v != Value.FALSE;
      if (e.negated() == truthy) return -1;
    }
    return b.groundGuards;
  }

  /**
   * The selection of a node's definitions by its {@link RuleIndex} in this scope, or null when the
   * node has no index or it is bypassed: with functions replaced by {@code with} (the index's tests
   * are {@code ==} and {@code !=}), and with trace, coverage or explain=fails, which record every
   * expression as the body evaluates it.
   */
  private Selection select(Node n, Value[] args) {
    RuleIndex index = n.index;
    if (index == null
        || trace != null
        || budget.covered != null
        || budget.traceFails
        || !fnOverrides.isEmpty()) return null;
    return new Selection(index, args);
  }

  /**
   * The definitions of one rule evaluation that can match: reads each index key at most once, when
   * the first still-selected definition tests it.
   */
  private final class Selection {
    private final RuleIndex index;
    private final Value[] args;
    private final long[] selected;
    private final boolean[] read;
    private boolean unreadKey;

    Selection(RuleIndex index, Value[] args) {
      this.index = index;
      this.args = args;
      this.selected = index.all();
      this.read = new boolean[index.keyCount()];
    }

    boolean selects(int d) {
      if (!RuleIndex.selected(selected, d)) return false;
      for (int k : index.keysOf(d)) {
        if (read[k]) continue;
        read[k] = true;
        RuleIndex.Key key = index.key(k);
        Value v;
        if (key.reference() == null) {
          v = args[key.argument()];
        } else {
          Operand[] compiled = CompiledBranch.keysOf(index);
          v =
              compiled != null
                  ? compiled[k].value(Ev.this, NO_SLOTS)
                  : evalOne(key.reference(), NO_SLOTS);
          budget.step();
          if (v == MULTI) {
            // not expected of a ground reference; evaluate the guards as usual then
            unreadKey = true;
            continue;
          }
        }
        index.narrow(selected, k, v);
        if (!RuleIndex.selected(selected, d)) return false;
      }
      return true;
    }

    /** Where definition d's body continues: after the guards the index has checked. */
    int bodyStart(int d) {
      return unreadKey ? 0 : index.coveredGuards(d);
    }
  }

  /**
   * Where definition d's body starts under the index's selection (null: no index): -1 when the
   * index dropped it, else after the guards the index has checked.
   */
  private static int bodyStart(Selection selection, int d) {
    if (selection == null) return 0;
    return selection.selects(d) ? selection.bodyStart(d) : -1;
  }

  private Value completeValue(Node n) {
    Value result = null;
    Selection selection = select(n, null);
    List<CRule> rules = n.rules;
    for (int d = 0; d < rules.size(); d++) {
      CRule r = rules.get(d);
      int from = bodyStart(selection, d);
      if (from < 0) continue;
      for (CRule b = r; b != null; b = b.elseRule) {
        int start = checkGuards(b, b == r ? from : 0);
        if (start < 0) continue;
        Value[] singleFrame = frame(b.nslots);
        Value single = singleValue(b, start, singleFrame, CompiledBranch.of(b).value);
        if (single != MULTI) {
          if (single == null) continue;
          fired(b);
          result = completeResult(n, b, result, single);
          break;
        }
        Value[] produced = {result};
        if (evalBranch(n, b, start, b.singleValued ? frame(b.nslots) : singleFrame, produced)) {
          result = produced[0];
          break;
        }
      }
    }
    return result != null ? result : defaultValue(n);
  }

  /**
   * Evaluates branch b of complete rule n on the general path; true when it produced a value, then
   * in {@code result[0]} (which holds the earlier definitions' value on entry).
   */
  private boolean evalBranch(Node n, CRule b, int start, Value[] frame, Value[] result) {
    boolean[] found = {false};
    evalPlanned(
        b,
        start,
        frame,
        () ->
            evalHead(
                CompiledBranch.of(b).value,
                b.value,
                frame,
                v -> {
                  found[0] = true;
                  fired(b);
                  result[0] = completeResult(n, b, result[0], v);
                  return false;
                }));
    return found[0];
  }

  /**
   * A fresh frame of {@code slots} variables; the shared empty frame for a branch without any (most
   * complete rules: {@code allow if count(deny) == 0}), which nothing can write to.
   */
  private static Value[] frame(int slots) {
    return slots == 0 ? NO_SLOTS : new Value[slots];
  }

  /** The value of the rule's or function's default, or null when it has none. */
  private Value defaultValue(Node n) {
    if (n.defaultRule == null) return null;
    Value value = evalOne(n.defaultRule.value, frame(n.defaultRule.nslots));
    if (budget.covered != null) budget.covered.add(n.defaultRule.loc);
    return value;
  }

  /** A complete rule's value after a branch produced v: v, or a conflict with the earlier one. */
  private static Value completeResult(Node n, CRule branch, Value earlier, Value v) {
    if (earlier != null && !earlier.equals(v)) {
      throw new RegoException(
          RegoException.CONFLICT,
          "rule "
              + n.path
              + " produced conflicting values (complete rules must not produce multiple outputs)",
          branch.loc);
    }
    return v;
  }

  private Value setValue(Node n) {
    Value.SetV.Builder out = Value.SetV.builder();
    Selection selection = select(n, null);
    List<CRule> rules = n.rules;
    for (int d = 0; d < rules.size(); d++) {
      CRule r = rules.get(d);
      int from = bodyStart(selection, d);
      if (from < 0) continue;
      int start = checkGuards(r, from);
      if (start < 0) continue;
      Value[] singleFrame = frame(r.nslots);
      Value single = singleValue(r, start, singleFrame, CompiledBranch.of(r).setKey);
      if (single != MULTI) {
        if (single != null) {
          fired(r);
          out.add(single);
        }
        continue;
      }
      Value[] frame = r.singleValued ? frame(r.nslots) : singleFrame;
      evalPlanned(
          r,
          start,
          frame,
          () ->
              evalHead(
                  CompiledBranch.of(r).setKey,
                  r.setKey,
                  frame,
                  v -> {
                    fired(r);
                    out.add(v);
                    return false;
                  }));
    }
    return out.build();
  }

  private Value objectValue(Node n) {
    HashMap<Value, Object> out = new HashMap<>();
    Selection selection = select(n, null);
    List<CRule> rules = n.rules;
    for (int d = 0; d < rules.size(); d++) {
      CRule r = rules.get(d);
      int from = bodyStart(selection, d);
      if (from < 0) continue;
      for (CRule b = r; b != null; b = b.elseRule) {
        CRule branch = b;
        int start = checkGuards(b, b == r ? from : 0);
        if (start < 0) continue;
        Value[] frame = new Value[b.nslots];
        boolean[] found = {false};
        Value[] keys = new Value[r.headKeys.length];
        evalPlanned(
            b,
            start,
            frame,
            () ->
                evalElems(
                    List.of(r.headKeys),
                    0,
                    keys,
                    frame,
                    ks ->
                        evalTerm(
                            r.setKey != null ? r.setKey : branch.value,
                            frame,
                            v -> {
                              found[0] = true;
                              fired(branch);
                              if (r.setKey != null) insertSet(out, ks, 0, v, n, branch);
                              else insert(out, ks, 0, v, n, branch);
                              return false;
                            })));
        if (found[0]) break;
      }
    }
    // deeper ground rules under an object rule (p[x] := .. and p.q.r := ..)
    List<Value> path = new ArrayList<>();
    for (Map.Entry<String, Node> e : n.children.entrySet()) {
      path.add(Value.str(e.getKey()));
      insertChild(out, path, e.getValue(), n);
      path.remove(path.size() - 1);
    }
    return freeze(out);
  }

  /**
   * Puts the values of the rules at and below child node c of object rule n into n's value, each at
   * its own path (OPA merges rules whose refs share a prefix): rules that reach the same path with
   * equal values agree ({@code p[q].r := i} and {@code p.a.r := 0}), multi-value rules at the same
   * path union their sets ({@code p[q] contains r} and {@code p.b contains "foo"}), and a rule that
   * reaches into another rule's value conflicts.
   */
  @SuppressWarnings("unchecked")
  private void insertChild(HashMap<Value, Object> out, List<Value> path, Node c, Node n) {
    if (!masked.isEmpty() && masked.contains(c)) return;
    if (c.hasRules()) {
      if (c.kind == Node.Kind.FUNCTION) return;
      Value v = ruleValue(c);
      if (v == null) return;
      Value[] keys = path.toArray(Value[]::new);
      if (c.kind == Node.Kind.SET && v instanceof Value.SetV set) {
        if (set.size() == 0) ensureSet(out, keys, n);
        for (Value elem : set.set()) insertSet(out, keys, 0, elem, n, null);
      } else {
        insert(out, keys, 0, v, n, null);
      }
      return;
    }
    HashMap<Value, Object> m = out;
    for (Value k : path) {
      Object prev = m.get(k);
      if (prev == null) {
        prev = new HashMap<Value, Object>();
        m.put(k, prev);
      } else if (!(prev instanceof HashMap<?, ?>)) {
        throw new RegoException(
            RegoException.CONFLICT,
            "rule " + n.path + " produced conflicting values (object keys must be unique)",
            null);
      }
      m = (HashMap<Value, Object>) prev;
    }
    for (Map.Entry<String, Node> e : c.children.entrySet()) {
      List<Value> sub = new ArrayList<>(path.size() + 1);
      sub.add(Value.str(e.getKey()));
      insertChild(m, sub, e.getValue(), n);
    }
  }

  /** An empty set at keys (a multi-value rule with no values yet still defines its path). */
  private static void ensureSet(HashMap<Value, Object> m, Value[] keys, Node n) {
    Value[] parent = java.util.Arrays.copyOf(keys, keys.length - 1);
    HashMap<Value, Object> at = m;
    for (Value k : parent) {
      Object prev = at.computeIfAbsent(k, x -> new HashMap<Value, Object>());
      if (!(prev instanceof HashMap<?, ?> h)) return;
      @SuppressWarnings("unchecked")
      HashMap<Value, Object> next = (HashMap<Value, Object>) h;
      at = next;
    }
    Object prev = at.get(keys[keys.length - 1]);
    if (prev == null) at.put(keys[keys.length - 1], Value.SetV.builder());
    else if (!(prev instanceof Value.SetV.Builder))
      throw new RegoException(
          RegoException.CONFLICT,
          "rule " + n.path + " produced conflicting values (object keys must be unique)",
          null);
  }

  @SuppressWarnings("unchecked")
  private static void insert(
      HashMap<Value, Object> m, Value[] keys, int i, Value v, Node n, CRule r) {
    Value k = keys[i];
    if (i == keys.length - 1) {
      Object prev = m.get(k);
      if (prev == null) {
        m.put(k, v);
      } else if (prev instanceof HashMap || !prev.equals(v)) {
        throw new RegoException(
            RegoException.CONFLICT,
            "rule " + n.path + " produced conflicting values (object keys must be unique)",
            r == null ? null : r.loc);
      }
      return;
    }
    Object prev = m.get(k);
    HashMap<Value, Object> sub;
    if (prev == null) {
      sub = new HashMap<>();
      m.put(k, sub);
    } else if (prev instanceof HashMap<?, ?> t) {
      sub = (HashMap<Value, Object>) t;
    } else {
      throw new RegoException(
          RegoException.CONFLICT,
          "rule " + n.path + " produced conflicting values (object keys must be unique)",
          r == null ? null : r.loc);
    }
    insert(sub, keys, i + 1, v, n, r);
  }

  @SuppressWarnings("unchecked")
  private static void insertSet(
      HashMap<Value, Object> m, Value[] keys, int i, Value elem, Node n, CRule r) {
    Value k = keys[i];
    Object prev = m.get(k);
    if (i == keys.length - 1) {
      if (prev == null) {
        prev = Value.SetV.builder();
        m.put(k, prev);
      }
      if (!(prev instanceof Value.SetV.Builder)) {
        throw new RegoException(
            RegoException.CONFLICT,
            "rule " + n.path + " produced conflicting values (object keys must be unique)",
            r == null ? null : r.loc);
      }
      ((Value.SetV.Builder) prev).add(elem);
      return;
    }
    if (prev == null) {
      prev = new HashMap<Value, Object>();
      m.put(k, prev);
    }
    if (!(prev instanceof HashMap<?, ?>)) {
      throw new RegoException(
          RegoException.CONFLICT,
          "rule " + n.path + " produced conflicting values (object keys must be unique)",
          r == null ? null : r.loc);
    }
    insertSet((HashMap<Value, Object>) prev, keys, i + 1, elem, n, r);
  }

  @SuppressWarnings("unchecked")
  private static Value freeze(HashMap<Value, Object> m) {
    Value.Obj.Builder out = Value.Obj.builder(m.size());
    for (Map.Entry<Value, Object> e : m.entrySet()) {
      Object v = e.getValue();
      Value fv;
      if (v instanceof HashMap<?, ?> t) fv = freeze((HashMap<Value, Object>) t);
      else if (v instanceof Value.SetV.Builder ts) fv = ts.build();
      else fv = (Value) v;
      out.put(e.getKey(), fv);
    }
    return out.build();
  }

  // ------------------------------------------------------------ calls

  private Object target(Call c) {
    Object t = c.target();
    if (!fnOverrides.isEmpty()) {
      Object o = fnOverrides.get(t);
      if (o != null) return o;
    }
    return t;
  }

  /**
   * Calls a user function. A mock replacement runs without any function mocks, as OPA evaluates a
   * mock in a fresh mock scope: it does not route back to itself, and the mocks around it do not
   * apply inside it ({@code with} inside the mock adds its own).
   */
  private Value callUser(Call c, Node n, Value[] args) {
    if (n != c.target() && !fnOverrides.isEmpty()) {
      Ev inner =
          new Ev(
              root,
              new RuleCache(cache.size()),
              input,
              data,
              masked,
              new HashMap<>(),
              budget,
              strict,
              trace);
      return inner.callFunction(n, args, c.loc());
    }
    return callFunction(n, args, c.loc());
  }

  private Value callOne(Call c, Value[] args) {
    Object t = target(c);
    if (t instanceof Value v) return v;
    if (t instanceof Node n) return callUser(c, n, args);
    Builtin b = (Builtin) t;
    if (b.multi()) {
      Value r = callBuiltin(b, args, c.loc());
      if (r instanceof Value.Arr a && a.size() == 1) return a.get(0);
      return MULTI;
    }
    return callBuiltin(b, args, c.loc());
  }

  private boolean evalCall(Call c, int nargs, Value[] frame, ValueContinuation vk) {
    List<Term> argTerms = c.args().subList(0, nargs);
    return evalElems(
        argTerms,
        0,
        new Value[nargs],
        frame,
        vals -> {
          Object t = target(c);
          if (t instanceof Value v) return vk.apply(v);
          if (t instanceof Node n) {
            Value r = callUser(c, n, vals.clone());
            return r != null && vk.apply(r);
          }
          Builtin b = (Builtin) t;
          Value r = callBuiltin(b, vals.clone(), c.loc());
          if (r == null) return false;
          if (b.multi()) {
            Value.Arr a = (Value.Arr) r;
            for (int i = 0; i < a.size(); i++) if (vk.apply(a.get(i))) return true;
            return false;
          }
          return vk.apply(r);
        });
  }

  Value callBuiltin(Builtin b, Value[] args, Location loc) {
    try {
      return b.fn().call(args, this);
    } catch (BuiltinException e) {
      if (strict) throw new RegoException(e.code(), b.name() + ": " + e.getMessage(), loc);
      return null;
    } catch (ArithmeticException | IllegalArgumentException | IndexOutOfBoundsException e) {
      if (strict)
        throw new RegoException(RegoException.BUILTIN, b.name() + ": " + e.getMessage(), loc);
      return null;
    }
  }

  /**
   * A user function call with scalar arguments: the key of {@link #calls}. The arguments array is
   * the call's own copy (never written after the call), hashed once.
   */
  private static final class CallKey {
    private final int node;
    private final Value[] args;
    private final int hash;

    CallKey(int node, Value[] args) {
      this.node = node;
      this.args = args;
      this.hash = 31 * node + java.util.Arrays.hashCode(args);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof CallKey k
          && k.hash == hash
          && k.node == node
          && java.util.Arrays.equals(k.args, args);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /**
   * Results of user function calls in this scope, by function and arguments: within one scope the
   * input, data and function overrides are fixed, so a function's value depends on its arguments
   * alone. Only calls whose arguments are strings, booleans, null, integers or arrays of those are
   * kept (their equality is exact and cheap); off with trace or coverage, which record every call.
   */
  private Map<CallKey, Object> calls;

  private static boolean scalar(Value v) {
    return v instanceof Value.Str
        || v instanceof Value.Bool
        || v instanceof Value.Null
        || v instanceof Value.Num num && num.isSmall();
  }

  private static boolean memoisableArgs(Value[] args) {
    for (Value a : args) {
      if (scalar(a)) continue;
      if (!(a instanceof Value.Arr arr)) return false;
      for (int i = 0; i < arr.size(); i++) if (!scalar(arr.get(i))) return false;
    }
    return true;
  }

  Value callFunction(Node n, Value[] args, Location loc) {
    if (trace != null || budget.covered != null || !memoisableArgs(args)) {
      return evaluateFunction(n, args, loc);
    }
    CallKey key = new CallKey(n.id, args);
    if (calls == null) calls = new HashMap<>();
    Object known = calls.get(key);
    if (known != null) return known == UNDEF ? null : (Value) known;
    Value v = evaluateFunction(n, args, loc);
    calls.put(key, v == null ? UNDEF : v);
    return v;
  }

  private Value evaluateFunction(Node n, Value[] args, Location loc) {
    enter();
    try {
      Value[] result = {null};
      Selection selection = select(n, args);
      List<CRule> rules = n.rules;
      for (int d = 0; d < rules.size(); d++) {
        CRule r = rules.get(d);
        int from = bodyStart(selection, d);
        if (from < 0) continue;
        for (CRule b = r; b != null; b = b.elseRule) {
          CRule branch = b;
          int start = b == r ? from : 0;
          if (b.singleValued && !budget.traceFails) {
            // parameters are distinct plain variables: they bind straight into the frame
            Value[] singleFrame = new Value[b.nslots];
            for (int i = 0; i < args.length; i++) singleFrame[((Local) b.args[i]).slot()] = args[i];
            Value single = singleValue(b, start, singleFrame, CompiledBranch.of(b).value);
            if (single != MULTI) {
              if (single == null) continue;
              fired(b);
              result[0] = functionResult(n, loc, result[0], single);
              break;
            }
          }
          Value[] frame = new Value[b.nslots];
          boolean[] found = {false};
          bindArgs(
              b.args,
              args,
              0,
              frame,
              () ->
                  evalPlanned(
                      branch,
                      start,
                      frame,
                      () ->
                          evalHead(
                              CompiledBranch.of(branch).value,
                              branch.value,
                              frame,
                              v -> {
                                found[0] = true;
                                fired(branch);
                                result[0] = functionResult(n, loc, result[0], v);
                                return false;
                              })));
          if (found[0]) break;
        }
      }
      return result[0] != null ? result[0] : defaultValue(n);
    } finally {
      budget.depth--;
    }
  }

  /** A function's value after a definition produced v: v, or a conflict with the earlier one. */
  static Value functionResult(Node n, Location loc, Value earlier, Value v) {
    if (earlier != null && !earlier.equals(v)) {
      throw new RegoException(
          RegoException.CONFLICT,
          "function "
              + n.path
              + " produced conflicting values for the same inputs (functions must not produce multiple outputs for same inputs)",
          loc);
    }
    return v;
  }

  private boolean bindArgs(Term[] ps, Value[] vals, int i, Value[] frame, Continuation k) {
    if (i == 0) {
      // Leading plain parameters bind straight into the fresh frame: nothing before them can
      // backtrack, and the frame is dropped after the call, so they need no continuation or undo.
      while (i < ps.length && ps[i] instanceof Local l && frame[l.slot()] == null) {
        frame[l.slot()] = vals[i++];
      }
    }
    if (i == ps.length) return k.run();
    int next = i + 1;
    return bindPattern(ps[i], vals[i], frame, () -> bindArgs(ps, vals, next, frame, k));
  }

  static RegoException duplicateKey(Location loc) {
    return new RegoException(RegoException.CONFLICT, "object keys must be unique", loc);
  }

  static String show(Value v) {
    return Json.term(v);
  }

  static final Map<Object, Object> NO_OVERRIDES = new IdentityHashMap<>();
}
