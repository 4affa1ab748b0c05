package dev.lattice.policy.internal.conformance;

import dev.lattice.policy.internal.cli.CommandStreams;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code conformance [--verbose] [--skips FILE] <dir>...}: runs OPA's YAML conformance cases
 * against the engine; one line per category, then exactly one {@code N passed, M failed, K skipped}
 * line. Exit code 0 when no case failed.
 */
@Command(
    name = "conformance",
    header = "run OPA's conformance YAML cases against the engine",
    mixinStandardHelpOptions = true,
    description = {
      "Runs OPA's YAML conformance cases against the engine: one line per category, then exactly one",
      "N passed, M failed, K skipped line."
    },
    footer = {
      "",
      "Exit codes: 0 no case failed, 1 a case failed, 2 usage error or an unreadable --skips file."
    })
public final class ConformanceCommand implements Callable<Integer> {
  private final CommandStreams io;

  @Spec CommandSpec spec;

  @Option(
      names = {"-v", "--verbose"},
      description = "also print each case that did not pass, with why")
  boolean verbose;

  @Option(
      names = "--skips",
      paramLabel = "<file>",
      description = "the cases to skip, with their reasons (default: the documented skips)")
  Path skipsFile;

  @Parameters(
      arity = "1..*",
      paramLabel = "<dir>",
      description = "directories of OPA conformance YAML files")
  List<Path> dirs;

  public ConformanceCommand(CommandStreams io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    PrintStream out = io.out();
    PrintStream err = io.err();
    try {
      Map<String, String> skips =
          skipsFile == null ? null : ConformanceRunner.parseSkips(Files.readString(skipsFile));
      for (Path d : dirs) {
        if (!Files.exists(d)) {
          throw new ParameterException(spec.commandLine(), "no such directory: " + d);
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
