package dev.lattice.cli;

import dev.lattice.policy.PolicyCli;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code lattice} command: the application jar's main class. One picocli command line with a
 * subcommand per task; every subcommand gets a generated {@code --help}, options take their value
 * as {@code --name value} or {@code --name=value}, and {@code lattice completion} prints a bash
 * completion script for all of them.
 *
 * <p>Exit codes, everywhere: 0 success, 1 the command failed, 2 a usage error (an unknown command
 * or option, a missing or malformed value), reported on standard error in one line naming the
 * command and the bad option, followed by that command's usage.
 */
@Command(
    name = "lattice",
    mixinStandardHelpOptions = true,
    versionProvider = LatticeCommand.Version.class,
    customSynopsis = "lattice <command> [options]",
    description =
        "Lattice is an event-driven consent and data-flow gateway for small social networks.",
    commandListHeading = "%nCommands:%n",
    footer = {
      "",
      "Run `lattice <command> --help` (or `lattice help <command>`) for a command's options.",
      "Exit codes: 0 success, 1 the command failed, 2 usage error."
    })
public final class LatticeCommand implements Callable<Integer> {
  /** Exit code of a command that did its job. */
  public static final int OK = 0;

  /** Exit code of a command that could not do its job (the reason is on standard error). */
  public static final int FAILED = 1;

  /** Exit code of a wrong command line: unknown command or option, missing or malformed value. */
  public static final int USAGE = 2;

  /** Columns of the generated help: the descriptions are written for it. */
  static final int USAGE_WIDTH = 120;

  @Spec CommandSpec spec;

  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    if (status != OK) {
      System.exit(status);
    }
    // Status OK: return normally, so a server that `serve` started keeps the JVM alive.
  }

  /** Runs one command line and returns the exit status (0 ok, 1 failed, 2 usage error). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return commandLine(new CommandIo(out, err, System::getenv)).execute(args);
  }

  /**
   * The whole command line, writing to the streams of {@code io}: every subcommand, the policy
   * tooling as {@code lattice policy}, and the error handling described on this class.
   */
  public static CommandLine commandLine(CommandIo io) {
    Factory factory = new Factory(io);
    CommandLine commandLine = new CommandLine(new LatticeCommand(), factory);
    // In the order of the overview. The policy module owns its commands; they join the tree as
    // `policy`. All before the settings below, which apply to every subcommand added so far.
    for (Class<?> command :
        List.of(ServeCommand.class, DemoCommand.class, BenchCommand.class, TopicsCommand.class)) {
      commandLine.addSubcommand(new CommandLine(command, factory));
    }
    commandLine.addSubcommand("policy", PolicyCli.commandLine(io.out(), io.err()));
    for (Class<?> command :
        List.of(
            ClusterCommand.class,
            ChaosCommand.class,
            TestCommand.class,
            CompletionCommand.class,
            CommandLine.HelpCommand.class)) {
      commandLine.addSubcommand(new CommandLine(command, factory));
    }
    commandLine.setUsageHelpWidth(USAGE_WIDTH);
    commandLine.setOut(new PrintWriter(io.out(), true));
    commandLine.setErr(new PrintWriter(io.err(), true));
    commandLine.setExpandAtFiles(false);
    commandLine.setParameterExceptionHandler(LatticeCommand::usageError);
    commandLine.setExecutionExceptionHandler(
        (e, failed, parseResult) -> {
          failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": " + message(e));
          return FAILED;
        });
    return commandLine;
  }

  /** Without a command: the overview on standard error, as a usage error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return USAGE;
  }

  /**
   * One line naming the command and what is wrong, then that command's usage; exit code 2. Unknown
   * words are named as a command, an option or an argument, with picocli's suggestions when a known
   * one is close.
   */
  static int usageError(ParameterException e, String[] args) {
    CommandLine failed = e.getCommandLine();
    PrintWriter err = failed.getErr();
    err.println(failed.getCommandSpec().qualifiedName() + ": " + describe(e));
    if (e instanceof UnmatchedArgumentException unmatched) {
      UnmatchedArgumentException.printSuggestions(unmatched, err);
    }
    failed.usage(err);
    return failed.getCommandSpec().exitCodeOnInvalidInput();
  }

  private static String describe(ParameterException e) {
    if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
      String word = unmatched.getUnmatched().get(0);
      if (word.startsWith("-")) {
        return "unknown option '" + word + "'";
      }
      boolean hasSubcommands = !e.getCommandLine().getSubcommands().isEmpty();
      return (hasSubcommands ? "unknown command '" : "unexpected argument '") + word + "'";
    }
    return e.getMessage();
  }

  private static String message(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }

  /** The jar's version (from its manifest), or "development build" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = LatticeCommand.class.getPackage().getImplementationVersion();
      return new String[] {"lattice " + (version == null ? "(development build)" : version)};
    }
  }

  /**
   * Creates the subcommands, handing those that write or read the environment their {@link
   * CommandIo} (a constructor taking one); the others through picocli's default factory.
   */
  private record Factory(CommandIo io) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      try {
        return type.getDeclaredConstructor(CommandIo.class).newInstance(io);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(type);
      }
    }
  }
}
