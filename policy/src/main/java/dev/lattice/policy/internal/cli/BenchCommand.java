package dev.lattice.policy.internal.cli;

import dev.lattice.policy.CompiledPolicy;
import dev.lattice.policy.EvalOptions;
import dev.lattice.policy.PolicyCommand;
import dev.lattice.policy.PreparedQuery;
import dev.lattice.policy.Rego;
import dev.lattice.policy.RegoException;
import dev.lattice.policy.bundle.Bundle;
import dev.lattice.policy.bundle.BundleException;
import dev.lattice.policy.internal.rego.value.Convert;
import dev.lattice.policy.internal.rego.value.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bench -b <bundle>... [-i input.json] [--count N] [--warmup N] [--format text|json]
 * <query>...}: per-query timings like {@code opa bench}. Each query is compiled once ({@code
 * prepare}), evaluated {@code --warmup} times unmeasured, then {@code --count} times, each
 * evaluation timed on its own: mean, min, p50, p90, p99, max (ns) and evaluations per second, and
 * whether the query was defined. Text is one table row per query; json is {@code {"benchmarks":
 * [{"query", "n", "defined", "mean_ns", "min_ns", "p50_ns", "p90_ns", "p99_ns", "max_ns",
 * "ops_per_s"}]}}. Exit 0, 1 when the bundle, the input or a query fails, 2 on usage errors.
 */
public final class BenchCommand implements PolicyCommand {
  private static final String USAGE =
      "usage: policy bench -b <bundle>... [-i input.json] [--count N] [--warmup N]"
          + " [--format text|json] <query>...";

  @Override
  public String name() {
    return "bench";
  }

  @Override
  public String summary() {
    return "per-query timings like opa bench: bench -b <bundle> [-i input.json] [--count N]"
        + " <query>...";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    CliArgs a;
    int count;
    int warmup;
    String format;
    try {
      a =
          CliArgs.parse(
              args,
              Set.of(
                  "-b", "--bundle", "-i", "--input", "--count", "-n", "--warmup", "--format", "-f"),
              Set.of());
      if (a.positional.isEmpty())
        throw new CliArgs.UsageException("give at least one query, e.g. data.lattice.decision");
      if (a.all("-b", "--bundle").isEmpty())
        throw new CliArgs.UsageException("-b <bundle> is required");
      count = positive(a.one("--count", "-n"), 1000, "--count");
      warmup =
          a.one("--warmup") == null
              ? Math.min(count, 100)
              : positive(a.one("--warmup"), 0, "--warmup");
      format = a.one("--format", "-f") == null ? "text" : a.one("--format", "-f");
      if (!format.equals("text") && !format.equals("json"))
        throw new CliArgs.UsageException("--format must be text or json, not " + format);
    } catch (CliArgs.UsageException e) {
      err.println("bench: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    try {
      Object input = null;
      String inputFile = a.one("-i", "--input");
      if (inputFile != null)
        input =
            JsonMapper.builder()
                .build()
                .readValue(Files.readAllBytes(Path.of(inputFile)), Object.class);
      Bundle bundle = Bundles.loadAll(a.all("-b", "--bundle").stream().map(Path::of).toList());
      CompiledPolicy policy = Rego.compile(bundle.modules(), bundle.data());
      EvalOptions options = EvalOptions.defaults();
      for (String query : a.positional) {
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

  private static int positive(String value, int dflt, String name) {
    if (value == null) return dflt;
    try {
      int n = Integer.parseInt(value);
      if (n < 1 && !name.equals("--warmup") || n < 0)
        throw new CliArgs.UsageException(name + " must be a positive number, not " + value);
      return n;
    } catch (NumberFormatException e) {
      throw new CliArgs.UsageException(name + " must be a number, not " + value);
    }
  }
}
