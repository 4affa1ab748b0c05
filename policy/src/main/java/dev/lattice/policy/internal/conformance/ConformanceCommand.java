package dev.lattice.policy.internal.conformance;

import dev.lattice.policy.PolicyCommand;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code conformance [--verbose] [--skips FILE] <dir>...}: runs OPA's YAML conformance cases
 * against the engine; one line per category, then exactly one {@code N passed, M failed, K skipped}
 * line. Exit code 0 when no case failed.
 */
public final class ConformanceCommand implements PolicyCommand {
  @Override
  public String name() {
    return "conformance";
  }

  @Override
  public String summary() {
    return "run OPA conformance YAML cases: conformance [--verbose] [--skips FILE] <dir>...";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    boolean verbose = false;
    Map<String, String> skips = null;
    List<Path> dirs = new ArrayList<>();
    try {
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        if (a.equals("-v") || a.equals("--verbose")) verbose = true;
        else if (a.equals("--skips") && i + 1 < args.size()) {
          skips = ConformanceRunner.parseSkips(Files.readString(Path.of(args.get(++i))));
        } else dirs.add(Path.of(a));
      }
      if (dirs.isEmpty()) {
        err.println("usage: conformance [--verbose] [--skips FILE] <dir>...");
        return 2;
      }
      for (Path d : dirs) {
        if (!Files.exists(d)) {
          err.println("conformance: no such directory: " + d);
          return 2;
        }
      }
      ConformanceRunner runner =
          new ConformanceRunner(skips == null ? ConformanceRunner.defaultSkips() : skips);
      ConformanceRunner.Summary s = runner.run(dirs);
      if (verbose) {
        for (ConformanceRunner.CaseResult r : s.cases()) {
          if (r.status() != ConformanceRunner.Status.PASSED) {
            out.println(
                r.status()
                    + " "
                    + r.category()
                    + "/"
                    + r.file()
                    + " ["
                    + r.note()
                    + "]: "
                    + r.detail());
          }
        }
      }
      s.byCategory()
          .forEach(
              (cat, c) ->
                  out.println(
                      cat + ": " + c[0] + " passed, " + c[1] + " failed, " + c[2] + " skipped"));
      out.println(s.passed() + " passed, " + s.failed() + " failed, " + s.skipped() + " skipped");
      return s.failed() == 0 ? 0 : 1;
    } catch (IOException | IllegalArgumentException e) {
      err.println("conformance: " + e.getMessage());
      return 2;
    }
  }
}
