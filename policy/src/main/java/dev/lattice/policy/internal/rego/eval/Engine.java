package dev.lattice.policy.internal.rego.eval;

import dev.lattice.policy.CompiledPolicy;
import dev.lattice.policy.EvalOptions;
import dev.lattice.policy.Location;
import dev.lattice.policy.PreparedQuery;
import dev.lattice.policy.QueryResult;
import dev.lattice.policy.Rego;
import dev.lattice.policy.RegoException;
import dev.lattice.policy.RegoModule;
import dev.lattice.policy.RuleInfo;
import dev.lattice.policy.TraceEvent;
import dev.lattice.policy.internal.rego.compiler.CompiledQuery;
import dev.lattice.policy.internal.rego.compiler.Compiler;
import dev.lattice.policy.internal.rego.value.Convert;
import dev.lattice.policy.internal.rego.value.NotJsonException;
import dev.lattice.policy.internal.rego.value.Value;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The compiled policy behind {@link Rego#compile}. */
public final class Engine implements CompiledPolicy {
  private final Compiler compiler;
  private final Value data;

  private Engine(Compiler compiler, Value data) {
    this.compiler = compiler;
    this.data = data;
  }

  public static Engine compile(List<RegoModule> modules, Object data) {
    Value d;
    try {
      d = data == null ? Value.EMPTY_OBJECT : Convert.fromJava(data);
    } catch (NotJsonException e) {
      throw new RegoException(RegoException.COMPILE, "data document: " + e.getMessage());
    }
    if (!(d instanceof Value.Obj))
      throw new RegoException(RegoException.COMPILE, "data document must be an object");
    try {
      Compiler compiler = Compiler.compile(modules);
      CompiledBranch.attach(compiler.root());
      if (RuleFolding.fold(compiler.root(), compiler.nodeCount(), d) > 0) {
        // recompile the bodies so that references to folded rules read their values
        CompiledBranch.reattach(compiler.root());
      }
      return new Engine(compiler, d);
    } catch (StackOverflowError e) {
      throw new RegoException(RegoException.COMPILE, "policy nested too deeply to compile");
    }
  }

  @Override
  public PreparedQuery prepare(String query) {
    return prepare(query, true);
  }

  /**
   * Prepares a query; {@code bareAsX=false} keeps OPA's raw binding form for bare terms (used by
   * the conformance runner).
   */
  public Prepared prepare(String query, boolean bareAsX) {
    CompiledQuery q;
    try {
      q = compiler.compileQuery(query, bareAsX);
    } catch (StackOverflowError e) {
      throw new RegoException(RegoException.PARSE, "query nested too deeply");
    }
    return new Prepared(q);
  }

  @Override
  public List<RuleInfo> rules() {
    return List.copyOf(compiler.ruleInfos());
  }

  /** A prepared query. Thread-safe: all evaluation state lives in a per-call {@link Ev}. */
  public final class Prepared implements PreparedQuery {
    private final CompiledQuery q;
    private volatile SharedRuleMemo shared;

    Prepared(CompiledQuery q) {
      this.q = q;
    }

    /**
     * Whether the query's value is captured, as opa eval reports it: a lone term or value call
     * ({@code data.p}, {@code 1 == 2}) binds its value to {@link Rego#EXPRESSION_BINDING}; any
     * other query binds its own variables.
     */
    public boolean capturesValue() {
      return q.bareTerm() != null;
    }

    /**
     * Memoises, across this query's evaluations, the value of every rule whose value provably
     * depends only on the data and on input paths that do not overlap {@code volatileInputPaths}
     * (see {@link SharedRuleMemo}). Results are identical with and without it.
     *
     * @param volatileInputPaths input paths that differ for (almost) every evaluation, e.g. {@code
     *     [["consent"], ["event", "member_id"]]}: rules reading them are not memoised
     * @param maxEntries the memo is cleared when it holds this many values
     * @return the memo (for its hit counts)
     */
    public SharedRuleMemo shareRules(List<List<String>> volatileInputPaths, int maxEntries) {
      SharedRuleMemo m =
          new SharedRuleMemo(compiler.root(), compiler.nodeCount(), volatileInputPaths, maxEntries);
      shared = m;
      return m;
    }

    @Override
    public QueryResult evaluate(Object input, EvalOptions options) {
      try {
        Value in = input == null ? null : Convert.fromJavaLazy(input);
        return evaluateValue(in, options);
      } catch (NotJsonException e) {
        throw new RegoException(RegoException.EVAL_TYPE, "input: " + e.getMessage());
      } catch (StackOverflowError e) {
        throw new RegoException(
            RegoException.BUDGET, "input or result nested too deeply (stack exhausted)");
      }
    }

    /**
     * The first value of this query's bare term (e.g. {@code data.lattice.decision}) for a Java
     * input, as a value rather than a converted copy; null when undefined. Fails as {@link
     * #evaluate} does. Trace events are added to {@code traceOut} when the options ask for them.
     */
    public Value evaluateFirst(Object input, EvalOptions options, List<TraceEvent> traceOut) {
      try {
        Value in = input == null ? null : Convert.fromJavaLazy(input);
        List<Map<String, Value>> raw = evaluateRaw(in, options, traceOut);
        return raw.isEmpty() ? null : raw.get(0).get(Rego.EXPRESSION_BINDING);
      } catch (NotJsonException e) {
        throw new RegoException(RegoException.EVAL_TYPE, "input: " + e.getMessage());
      } catch (StackOverflowError e) {
        throw new RegoException(
            RegoException.BUDGET, "input or result nested too deeply (stack exhausted)");
      }
    }

    /** Evaluates with an input already converted to a value (null = undefined). */
    public QueryResult evaluateValue(Value in, EvalOptions options) {
      List<TraceEvent> trace = options != null && options.trace() ? new ArrayList<>() : null;
      List<Map<String, Value>> raw = evaluateRaw(in, options, trace);
      List<Map<String, Object>> out = new ArrayList<>(raw.size());
      for (Map<String, Value> m : raw) {
        if (m.size() == 1) {
          // most queries bind one name (a bare term's value): a read-only map of one entry
          Map.Entry<String, Value> only = m.entrySet().iterator().next();
          out.add(Collections.singletonMap(only.getKey(), Convert.toJava(only.getValue())));
          continue;
        }
        Map<String, Object> j = new LinkedHashMap<>();
        m.forEach((k, v) -> j.put(k, Convert.toJava(v)));
        out.add(j);
      }
      // QueryResult copies its lists: one of one binding is immutable already, so not copied
      return new QueryResult(
          out.size() == 1 ? List.of(out.get(0)) : out, trace == null ? List.of() : trace);
    }

    /** Binding sets as values. */
    public List<Map<String, Value>> evaluateRaw(
        Value in, EvalOptions options, List<TraceEvent> traceOut) {
      return evaluateRaw(in, options, traceOut, null);
    }

    /** As above; {@code stepsOut[0]} receives the steps used (also when the evaluation fails). */
    public List<Map<String, Value>> evaluateRaw(
        Value in, EvalOptions options, List<TraceEvent> traceOut, long[] stepsOut) {
      return evaluateRaw(in, options, traceOut, stepsOut, null);
    }

    /**
     * As above; when {@code coveredOut} is non-null it receives the location of every expression
     * evaluated and every rule head that produced a value (also when the evaluation fails).
     */
    public List<Map<String, Value>> evaluateRaw(
        Value in,
        EvalOptions options,
        List<TraceEvent> traceOut,
        long[] stepsOut,
        Set<Location> coveredOut) {
      EvalOptions o = options == null ? EvalOptions.defaults() : options;
      long deadline = o.deadline() == null ? 0 : System.nanoTime() + o.deadline().toNanos();
      if (deadline == 0 && o.deadline() != null) deadline = 1;
      Budget budget = new Budget(o.maxSteps(), deadline);
      if (coveredOut != null) budget.covered = new java.util.HashSet<>();
      if (o.now() != null) budget.fixNow(Budget.epochNanos(o.now()));
      List<TraceEvent> trace = o.trace() ? new ArrayList<>() : null;
      budget.traceFails = trace != null && o.traceFails();
      Ev ev =
          new Ev(
              compiler.root(),
              compiler.nodeCount(),
              in,
              data,
              Set.of(),
              Map.of(),
              budget,
              o.strictBuiltinErrors(),
              trace);
      // The memo holds values as evaluated without trace or coverage, in no with scope.
      if (trace == null && budget.covered == null) {
        ev.shared = shared;
        ev.foldedRulesHold = true;
      }
      List<Map<String, Value>> results = new ArrayList<>();
      Value[] frame = new Value[q.nslots()];
      try {
        if (q.bareTerm() != null) {
          List<Value> seen = new ArrayList<>(1);
          ev.evalBody(
              q.body(),
              0,
              frame,
              () ->
                  ev.evalTerm(
                      q.bareTerm(),
                      frame,
                      v -> {
                        if (!seen.contains(v)) seen.add(v);
                        return false;
                      }));
          if (seen.isEmpty() && q.body().length == 0 && trace != null) {
            // The term was not run as a test (its value is captured), so record its failure
            // here as the body would have: the query is undefined.
            trace.add(new TraceEvent("fail", null, q.bareTerm().loc(), null));
          }
          for (Value v : seen) results.add(Map.of(Rego.EXPRESSION_BINDING, v));
        } else {
          ev.evalBody(
              q.body(),
              0,
              frame,
              () -> {
                Map<String, Value> m = new HashMap<>();
                for (int i = 0; i < q.outputSlots().length; i++) {
                  Value v = frame[q.outputSlots()[i]];
                  if (v != null) m.put(q.outputNames().get(i), v);
                }
                results.add(m);
                return false;
              });
        }
      } catch (StackOverflowError e) {
        throw new RegoException(
            RegoException.BUDGET, "evaluation nested too deeply (stack exhausted)");
      } finally {
        if (stepsOut != null) stepsOut[0] = budget.steps();
        if (coveredOut != null) coveredOut.addAll(budget.covered);
        if (traceOut != null && trace != null) traceOut.addAll(trace);
      }
      return results;
    }
  }
}
