package dev.lattice.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The {@code lattice} command: the application jar's main class. Dispatches {@code lattice
 * <command> [args]} to one of {@link #SUBCOMMANDS}; {@code --help} anywhere prints usage; an
 * unknown command or option prints usage and exits with status 2.
 */
public final class LatticeCommand {

  /** Every subcommand; adding one is one line here. */
  static final List<Subcommand> SUBCOMMANDS =
      List.of(
          new ServeCommand(),
          new dev.lattice.cli.ClusterCommand(),
          new dev.lattice.cli.ChaosCommand(),
          new PolicyCommand(),
          new TopicsCommand(),
          new dev.lattice.cli.BenchCommand(),
          new dev.lattice.cli.DemoCommand());

  private LatticeCommand() {}

  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    if (status != Subcommand.OK) {
      System.exit(status);
    }
    // Status OK: return normally, so a server that `serve` started keeps the JVM alive.
  }

  /** Runs one command line and returns the exit status (0 ok, 1 failed, 2 usage error). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      err.print(overview());
      return Subcommand.USAGE;
    }
    String first = args[0];
    if (isHelp(first) || first.equals("help")) {
      if (args.length > 1 && find(args[1]).isPresent()) {
        out.print(find(args[1]).get().usage());
      } else {
        out.print(overview());
      }
      return Subcommand.OK;
    }
    Optional<Subcommand> command = find(first);
    if (command.isEmpty()) {
      err.println("lattice: unknown command '" + first + "'");
      err.print(overview());
      return Subcommand.USAGE;
    }
    Subcommand subcommand = command.get();
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    boolean delegatesHelp = subcommand instanceof PolicyCommand policy && policy.handlesOwnHelp();
    if (!delegatesHelp && rest.stream().anyMatch(LatticeCommand::isHelp)) {
      out.print(subcommand.usage());
      return Subcommand.OK;
    }
    try {
      return subcommand.run(rest, out, err);
    } catch (UsageException e) {
      err.println("lattice " + subcommand.name() + ": " + e.getMessage());
      err.print(subcommand.usage());
      return Subcommand.USAGE;
    }
  }

  static String overview() {
    StringBuilder text =
        new StringBuilder(
            """
        Usage: lattice <command> [options]

        Lattice is an event-driven consent and data-flow gateway for small social networks.

        Commands:
        """);
    for (Subcommand command : SUBCOMMANDS) {
      text.append(String.format("  %-10s %s%n", command.name(), command.summary()));
    }
    text.append(
        String.format(
            "  %-10s %s%n",
            "test", "run every test (./mvnw -B verify; handled by the ./lattice script)"));
    text.append(
        """

        Run `lattice <command> --help` for a command's options.
        """);
    return text.toString();
  }

  private static Optional<Subcommand> find(String name) {
    return SUBCOMMANDS.stream().filter(command -> command.name().equals(name)).findFirst();
  }

  private static boolean isHelp(String arg) {
    return arg.equals("--help") || arg.equals("-h");
  }
}
