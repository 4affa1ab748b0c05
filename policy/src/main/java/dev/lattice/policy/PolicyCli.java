package dev.lattice.policy;

import dev.lattice.policy.internal.cli.BenchCommand;
import dev.lattice.policy.internal.cli.BuildCommand;
import dev.lattice.policy.internal.cli.CheckCommand;
import dev.lattice.policy.internal.cli.CommandStreams;
import dev.lattice.policy.internal.cli.EvalCommand;
import dev.lattice.policy.internal.cli.FmtCommand;
import dev.lattice.policy.internal.cli.InspectCommand;
import dev.lattice.policy.internal.cli.TestCommand;
import dev.lattice.policy.internal.conformance.ConformanceCommand;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The policy command line (picocli): {@code check}, {@code test}, {@code eval}, {@code fmt}, {@code
 * inspect}, {@code bench}, {@code build} and {@code conformance}, each with a generated {@code
 * --help}. The {@code lattice} command mounts it as {@code lattice policy}; it also runs on its
 * own: {@code java -cp ... dev.lattice.policy.PolicyCli}.
 *
 * <p>Exit codes: 0 success, 1 the command found a problem (failing tests, compile errors, an
 * unformatted file under {@code --check}), 2 a usage error (and, for {@code test} and {@code fmt},
 * a bundle or file that cannot be loaded or parsed), as each command's help says.
 */
@Command(
    name = "policy",
    header = "test, check, evaluate, format and build Rego policy bundles",
    mixinStandardHelpOptions = true,
    description =
        "Policy tooling for compliance teams: check, test, evaluate, format and build Rego bundles.",
    commandListHeading = "%nCommands:%n",
    subcommands = {
      CheckCommand.class,
      TestCommand.class,
      EvalCommand.class,
      FmtCommand.class,
      InspectCommand.class,
      BenchCommand.class,
      BuildCommand.class,
      ConformanceCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {"", "Exit codes: 0 success, 1 the command found a problem, 2 usage error."})
public final class PolicyCli implements Callable<Integer> {

  @Spec CommandSpec spec;

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    System.out.flush();
    System.exit(code);
  }

  /** Runs one policy command line; returns its exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return commandLine(out, err).execute(args);
  }

  /** The names of every policy command. */
  public static Set<String> commandNames() {
    return commandLine(System.out, System.err).getSubcommands().keySet();
  }

  /**
   * The policy command tree writing to {@code out} and {@code err}, with usage errors reported as
   * one line naming the command and the problem, then its usage (exit code 2).
   */
  public static CommandLine commandLine(PrintStream out, PrintStream err) {
    CommandStreams streams = new CommandStreams(out, err);
    CommandLine commandLine =
        new CommandLine(
            new PolicyCli(),
            new CommandLine.IFactory() {
              @Override
              public <K> K create(Class<K> type) throws Exception {
                try {
                  return type.getDeclaredConstructor(CommandStreams.class).newInstance(streams);
                } catch (NoSuchMethodException e) {
                  return CommandLine.defaultFactory().create(type);
                }
              }
            });
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    commandLine.setExpandAtFiles(false);
    commandLine.setUsageHelpWidth(120);
    commandLine.setParameterExceptionHandler(PolicyCli::usageError);
    return commandLine;
  }

  /** Without a command: the list of commands on standard error, as a usage error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine failed = e.getCommandLine();
    PrintWriter err = failed.getErr();
    String message = e.getMessage();
    if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
      String word = unmatched.getUnmatched().get(0);
      message =
          word.startsWith("-")
              ? "unknown option '" + word + "'"
              : (failed.getSubcommands().isEmpty() ? "unexpected argument '" : "unknown command '")
                  + word
                  + "'";
    }
    err.println(failed.getCommandSpec().qualifiedName() + ": " + message);
    failed.usage(err);
    return 2;
  }
}
