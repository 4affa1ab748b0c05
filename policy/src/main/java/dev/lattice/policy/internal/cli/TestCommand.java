package dev.lattice.policy.internal.cli;

import dev.lattice.policy.Rego;
import dev.lattice.policy.RegoException;
import dev.lattice.policy.bundle.Bundle;
import dev.lattice.policy.bundle.BundleException;
import dev.lattice.policy.bundle.PolicyCoverage;
import dev.lattice.policy.bundle.PolicyTestRunner;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code test <dir|bundle.tar.gz>... [-v] [--run <regex>]}: runs the {@code test_*} rules like
 * {@code opa test}; prints each failing test with its location and {@code N passed, M failed};
 * exits 1 when a test fails, 2 on a load or compile error.
 */
@Command(
    name = "test",
    header = "run the test_* rules like opa test (--run, --coverage)",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the test_* rules of the bundles like opa test; prints each failing test with its location",
      "and N passed, M failed."
    },
    footer = {
      "",
      "Exit codes: 0 every test passed, 1 a test failed, 2 usage error or a bundle that does not load or compile."
    })
public final class TestCommand implements Callable<Integer> {
  private final CommandStreams io;

  @Spec CommandSpec spec;

  @Option(
      names = {"-v", "--verbose"},
      description = "list every test, passed ones too")
  boolean verbose;

  @Option(
      names = {"-r", "--run"},
      paramLabel = "<regex>",
      description = "run only the tests whose name matches")
  String run;

  @Option(
      names = {"-c", "--coverage"},
      description =
          "report which lines of the policies the tests evaluated, like opa test --coverage")
  boolean coverage;

  @Option(
      names = {"-f", "--format"},
      paramLabel = "text|json",
      description = "text (default) or json: one object per test, like opa test --format json")
  TextOrJson format = TextOrJson.text;

  @Parameters(
      arity = "1..*",
      paramLabel = "<dir|bundle.tar.gz>",
      description = "bundle directories or .tar.gz files, loaded together")
  List<Path> bundles;

  public TestCommand(CommandStreams io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    PrintStream out = io.out();
    PrintStream err = io.err();
    Bundle merged;
    try {
      merged = Bundles.loadAll(bundles);
    } catch (BundleException e) {
      err.println(e.getMessage());
      return 2;
    }
    Pattern filter;
    try {
      filter = run == null ? null : Pattern.compile(run);
    } catch (PatternSyntaxException e) {
      throw new ParameterException(
          spec.commandLine(), "--run is not a regular expression: " + e.getDescription());
    }
    PolicyTestRunner.Report report;
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
    if (format == TextOrJson.json) {
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
      report.print(out, verbose);
      if (coverage) coverageOf(merged, covered).lines().forEach(out::println);
    }
    return report.ok() ? 0 : 1;
  }

  private static PolicyCoverage.Report coverageOf(
      Bundle bundle, java.util.Set<dev.lattice.policy.Location> covered) {
    return PolicyCoverage.report(bundle.modules(), covered);
  }
}
