package dev.lattice.policy.bundle;

import dev.lattice.policy.CompiledPolicy;
import dev.lattice.policy.EvalOptions;
import dev.lattice.policy.Location;
import dev.lattice.policy.QueryResult;
import dev.lattice.policy.Rego;
import dev.lattice.policy.RegoException;
import dev.lattice.policy.RuleInfo;
import dev.lattice.policy.TraceEvent;
import dev.lattice.policy.internal.rego.eval.Engine;
import dev.lattice.policy.internal.rego.value.Value;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Runs Rego tests like {@code opa test}: every rule named {@code test_*} (not a function) is
 * evaluated with no input; it passes when it is defined and not {@code false}, fails when it is
 * undefined or false, and errors when evaluation raises. Stateless and thread-safe.
 */
public final class PolicyTestRunner {

  /** Outcome of one test. */
  public enum Status {
    PASS,
    FAIL,
    ERROR
  }

  /**
   * One test's result.
   *
   * @param name the rule's path, e.g. {@code data.lattice.offers_test.test_cap}
   * @param location where the test is defined ({@code file:line:col})
   * @param message the error for {@link Status#ERROR}, empty otherwise
   * @param output what the test's {@code print} calls wrote, one entry per call, in order
   */
  public record Result(
      String name,
      Location location,
      Status status,
      String message,
      long nanos,
      List<String> output) {
    public Result {
      output = output == null ? List.of() : List.copyOf(output);
    }

    /** Without {@code print} output. */
    public Result(String name, Location location, Status status, String message, long nanos) {
      this(name, location, status, message, nanos, List.of());
    }

    public boolean passed() {
      return status == Status.PASS;
    }

    /**
     * {@code FAIL: data.p.test_x (p_test.rego:3:1)}, plus the error on a second line and what the
     * test printed, each line indented (as {@code opa test} shows a reported test's print output).
     */
    public String describe() {
      StringBuilder s = new StringBuilder(status + ": " + name + " (" + location + ")");
      if (!message.isEmpty()) s.append("\n  ").append(message);
      for (String line : output) s.append("\n  ").append(line.replace("\n", "\n  "));
      return s.toString();
    }
  }

  /** All results, in source order. */
  public record Report(List<Result> results) {
    public Report {
      results = List.copyOf(results);
    }

    public int passed() {
      return (int) results.stream().filter(Result::passed).count();
    }

    public int failed() {
      return results.size() - passed();
    }

    public boolean ok() {
      return failed() == 0;
    }

    public List<Result> failures() {
      return results.stream().filter(r -> !r.passed()).toList();
    }

    /** {@code N passed, M failed}. */
    public String summary() {
      return passed() + " passed, " + failed() + " failed";
    }

    /**
     * Prints each failing test with its location (and each passing one when {@code verbose}), then
     * the summary line.
     */
    public void print(PrintStream out, boolean verbose) {
      for (Result r : results) {
        if (verbose || !r.passed()) out.println(r.describe());
      }
      if (!results.isEmpty() && (verbose || !ok())) {
        out.println("-".repeat(80));
      }
      out.println(summary());
    }
  }

  private PolicyTestRunner() {}

  /** Compiles the bundle and runs all its tests. */
  public static Report run(Bundle bundle) {
    return run(Rego.compile(bundle.modules(), bundle.data()), name -> true);
  }

  /** Runs the tests of a compiled policy whose path matches {@code filter}. */
  public static Report run(CompiledPolicy policy, Predicate<String> filter) {
    return run(policy, filter, null);
  }

  /**
   * As above; when {@code coveredOut} is non-null (the policy must come from {@link Rego#compile})
   * it receives the location of every expression evaluated and every rule head that produced a
   * value during the tests, for {@link PolicyCoverage#report}.
   */
  public static Report run(
      CompiledPolicy policy, Predicate<String> filter, Set<Location> coveredOut) {
    Map<String, Location> tests = new LinkedHashMap<>();
    for (RuleInfo rule : policy.rules()) {
      if (!rule.function() && rule.name().startsWith("test_") && filter.test(rule.path())) {
        tests.putIfAbsent(rule.path(), rule.location());
      }
    }
    List<Result> results = new ArrayList<>();
    // with a trace, so that each test's print output can be reported with it (as opa test does)
    EvalOptions options = EvalOptions.defaults().withTrace(true);
    for (var t : tests.entrySet()) {
      long start = System.nanoTime();
      Status status;
      String message = "";
      List<String> output = new ArrayList<>();
      try {
        boolean pass;
        if (coveredOut == null) {
          QueryResult r = policy.prepare(t.getKey()).evaluate(null, options);
          for (TraceEvent e : r.trace()) if ("print".equals(e.kind())) output.add(e.message());
          pass =
              r.defined()
                  && !Boolean.FALSE.equals(r.bindings().get(0).get(Rego.EXPRESSION_BINDING));
        } else {
          List<TraceEvent> trace = new ArrayList<>();
          List<Map<String, Value>> r =
              ((Engine) policy)
                  .prepare(t.getKey(), true)
                  .evaluateRaw(null, options, trace, null, coveredOut);
          for (TraceEvent e : trace) if ("print".equals(e.kind())) output.add(e.message());
          pass = !r.isEmpty() && !Value.FALSE.equals(r.get(0).get(Rego.EXPRESSION_BINDING));
        }
        status = pass ? Status.PASS : Status.FAIL;
      } catch (RegoException e) {
        status = Status.ERROR;
        message = e.getMessage();
      }
      results.add(
          new Result(t.getKey(), t.getValue(), status, message, System.nanoTime() - start, output));
    }
    return new Report(results);
  }
}
