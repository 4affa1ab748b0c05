package dev.lattice.policy.internal.cli;

import dev.lattice.policy.CompiledPolicy;
import dev.lattice.policy.EvalOptions;
import dev.lattice.policy.PreparedQuery;
import dev.lattice.policy.Rego;
import dev.lattice.policy.RegoException;
import dev.lattice.policy.bundle.Bundle;
import dev.lattice.policy.bundle.BundleException;
import dev.lattice.policy.internal.rego.value.Convert;
import dev.lattice.policy.internal.rego.value.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.core.JacksonException;

/**
 * {@code bench -b <bundle>... [-i input.json] [--count N] [--warmup N] [--format text|json]
 * <query>...}: per-query timings like {@code opa bench}. Each query is compiled once ({@code
 * prepare}), evaluated {@code --warmup} times unmeasured, then {@code --count} times, each
 * evaluation timed on its own: mean, min, p50, p90, p99, max (ns) and evaluations per second, and
 * whether the query was defined. Text is one table row per query; json is {@code {"benchmarks":
 * [{"query", "n", "defined", "mean_ns", "min_ns", "p50_ns", "p90_ns", "p99_ns", "max_ns",
 * "ops_per_s"}]}}. Exit 0, 1 when the bundle, the input or a query fails, 2 on usage errors.
 */
@Command(
    name = "bench",
    header = "per-query timings like opa bench",
    mixinStandardHelpOptions = true,
    description = {
      "Per-query timings like opa bench: each query is prepared once, evaluated --warmup times unmeasured,",
      "then --count times, each evaluation timed on its own: mean, min, p50, p90, p99, max (ns),",
      "evaluations per second, and whether the query was defined."
    },
    footer = {
      "",
      "Exit codes: 0 measured, 1 the bundle, the input or a query failed, 2 usage error."
    })
public final class BenchCommand implements Callable<Integer> {
  private final CommandStreams io;

  @Spec CommandSpec spec;

  @Mixin BundleAndInput bundleAndInput;

  @Option(
      names = {"-n", "--count"},
      paramLabel = "<n>",
      description = "measured evaluations per query (default ${DEFAULT-VALUE})")
  int count = 1000;

  @Option(
      names = "--warmup",
      paramLabel = "<n>",
      description = "unmeasured evaluations first (default: min(count, 100))")
  Integer warmup;

  @Option(
      names = {"-f", "--format"},
      paramLabel = "text|json",
      description = {
        "text (default: one table row per query) or json: {\"benchmarks\": [{\"query\", \"n\", \"defined\",",
        "\"mean_ns\", \"min_ns\", \"p50_ns\", \"p90_ns\", \"p99_ns\", \"max_ns\", \"ops_per_s\"}]}"
      })
  TextOrJson format = TextOrJson.text;

  @Parameters(arity = "1..*", paramLabel = "<query>", description = "e.g. data.lattice.decision")
  List<String> queries;

  public BenchCommand(CommandStreams io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    PrintStream out = io.out();
    PrintStream err = io.err();
    if (count < 1)
      throw new ParameterException(
          spec.commandLine(), "--count must be a positive number, not " + count);
    if (warmup != null && warmup < 0)
      throw new ParameterException(spec.commandLine(), "--warmup must be 0 or more, not " + warmup);
    int warmup = this.warmup == null ? Math.min(count, 100) : this.warmup;
    String format = this.format.name();
    List<Map<String, Object>> rows = new ArrayList<>();
    try {
      Object input = bundleAndInput.input();
      Bundle bundle = bundleAndInput.bundle();
      CompiledPolicy policy = Rego.compile(bundle.modules(), bundle.data());
      EvalOptions options = EvalOptions.defaults();
      for (String query : queries) {
        PreparedQuery q = policy.prepare(query);
        boolean defined = q.evaluate(input, options).defined();
        for (int i = 0; i < warmup; i++) q.evaluate(input, options);
        long[] times = new long[count];
        for (int i = 0; i < count; i++) {
          long t0 = System.nanoTime();
          q.evaluate(input, options);
          times[i] = System.nanoTime() - t0;
        }
        rows.add(stats(query, defined, times));
      }
    } catch (BundleException | RegoException e) {
      err.println(e.getMessage());
      return 1;
    } catch (IOException e) {
      err.println("bench: cannot read input: " + e.getMessage());
      return 1;
    } catch (JacksonException e) {
      err.println("bench: the input is not valid JSON: " + e.getOriginalMessage());
      return 1;
    }
    if (format.equals("json")) {
      out.println(Json.write(Convert.fromJava(Map.of("benchmarks", rows))));
    } else {
      out.printf(
          "%-40s %8s %8s %10s %10s %10s %10s %10s %10s %12s%n",
          "query", "n", "defined", "mean ns", "min ns", "p50 ns", "p90 ns", "p99 ns", "max ns",
          "ops/s");
      for (Map<String, Object> r : rows) {
        out.printf(
            "%-40s %8d %8s %10d %10d %10d %10d %10d %10d %12d%n",
            r.get("query"),
            r.get("n"),
            r.get("defined"),
            r.get("mean_ns"),
            r.get("min_ns"),
            r.get("p50_ns"),
            r.get("p90_ns"),
            r.get("p99_ns"),
            r.get("max_ns"),
            r.get("ops_per_s"));
      }
    }
    return 0;
  }

  static Map<String, Object> stats(String query, boolean defined, long[] times) {
    long[] sorted = times.clone();
    Arrays.sort(sorted);
    long total = 0;
    for (long t : sorted) total += t;
    long mean = total / sorted.length;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("query", query);
    r.put("n", (long) sorted.length);
    r.put("defined", defined);
    r.put("mean_ns", mean);
    r.put("min_ns", sorted[0]);
    r.put("p50_ns", percentile(sorted, 50));
    r.put("p90_ns", percentile(sorted, 90));
    r.put("p99_ns", percentile(sorted, 99));
    r.put("max_ns", sorted[sorted.length - 1]);
    r.put("ops_per_s", total == 0 ? 0L : (long) (sorted.length * 1e9 / total));
    return r;
  }

  /** The nearest-rank percentile of sorted values. */
  static long percentile(long[] sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
