package dev.lattice.policy.internal.cli;

import dev.lattice.policy.PolicyCommand;
import dev.lattice.policy.Rego;
import dev.lattice.policy.RegoException;
import dev.lattice.policy.bundle.Bundle;
import dev.lattice.policy.bundle.BundleException;
import dev.lattice.policy.bundle.PolicyCoverage;
import dev.lattice.policy.bundle.PolicyTestRunner;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code test <dir|bundle.tar.gz>... [-v] [--run <regex>]}: runs the {@code test_*} rules like
 * {@code opa test}; prints each failing test with its location and {@code N passed, M failed};
 * exits 1 when a test fails, 2 on a load or compile error.
 */
public final class TestCommand implements PolicyCommand {
  @Override
  public String name() {
    return "test";
  }

  @Override
  public String summary() {
    return "run the test_* rules of <dir|bundle.tar.gz>... [-v] [--run regex] [--coverage] [--format json];"
        + " exits non-zero on failure";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    CliArgs a;
    try {
      a =
          CliArgs.parse(
              args,
              Set.of("--run", "-r", "--format", "-f"),
              Set.of("-v", "--verbose", "--coverage", "-c"));
      if (a.positional.isEmpty())
        throw new CliArgs.UsageException("name a bundle directory or .tar.gz");
      String f = a.one("--format", "-f");
      if (f != null && !f.equals("text") && !f.equals("json"))
        throw new CliArgs.UsageException("--format must be text or json, not " + f);
    } catch (CliArgs.UsageException e) {
      err.println("test: " + e.getMessage());
      err.println(
          "usage: policy test <dir|bundle.tar.gz>... [-v] [--run regex] [--coverage]"
              + " [--format text|json]");
      return 2;
    }
    Bundle merged;
    try {
      merged = Bundles.loadAll(a.positional.stream().map(Path::of).toList());
    } catch (BundleException e) {
      err.println(e.getMessage());
      return 2;
    }
    String run = a.one("--run", "-r");
    Pattern filter = run == null ? null : Pattern.compile(run);
    PolicyTestRunner.Report report;
    boolean coverage = a.flag("--coverage", "-c");
    java.util.Set<dev.lattice.policy.Location> covered =
        coverage ? new java.util.HashSet<>() : null;
    try {
      report =
          PolicyTestRunner.run(
              Rego.compile(merged.modules(), merged.data()),
              n -> filter == null || filter.matcher(n).find(),
              covered);
    } catch (RegoException e) {
      err.println(e.getMessage());
      return 2;
    }
    if ("json".equals(a.one("--format", "-f"))) {
      // one object per test, like `opa test --format json`
      java.util.List<Object> results = new java.util.ArrayList<>();
      for (PolicyTestRunner.Result r : report.results()) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("name", r.name());
        m.put("location", r.location() == null ? null : r.location().toString());
        m.put("status", r.status().name().toLowerCase(java.util.Locale.ROOT));
        if (r.message() != null && !r.message().isEmpty()) m.put("message", r.message());
        m.put("duration_ns", r.nanos());
        results.add(m);
      }
      java.util.Map<String, Object> doc = new java.util.LinkedHashMap<>();
      doc.put("results", results);
      doc.put("passed", report.passed());
      doc.put("failed", report.failed());
      if (coverage) doc.put("coverage", coverageOf(merged, covered).toJson());
      out.println(
          dev.lattice.policy.internal.rego.value.Json.write(
              dev.lattice.policy.internal.rego.value.Convert.fromJava(doc)));
    } else {
      report.print(out, a.flag("-v", "--verbose"));
      if (coverage) coverageOf(merged, covered).lines().forEach(out::println);
    }
    return report.ok() ? 0 : 1;
  }

  private static PolicyCoverage.Report coverageOf(
      Bundle bundle, java.util.Set<dev.lattice.policy.Location> covered) {
    return PolicyCoverage.report(bundle.modules(), covered);
  }
}
