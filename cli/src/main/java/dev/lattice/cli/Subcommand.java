package dev.lattice.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * One {@code lattice <name>} subcommand. Register it in {@link LatticeCommand#SUBCOMMANDS}.
 *
 * <p>{@code --help} is handled by the dispatcher, which prints {@link #usage()}.
 */
public interface Subcommand {
  int OK = 0;
  int FAILED = 1;
  int USAGE = 2;

  /** The word after {@code lattice}. */
  String name();

  /** One line for the command overview. */
  String summary();

  /** Full usage text: synopsis, options, environment variables. */
  String usage();

  /**
   * Runs the subcommand.
   *
   * @return the process exit code; a command that leaves a server running returns {@link #OK} after
   *     start-up
   * @throws UsageException when the arguments are wrong (the dispatcher prints the usage, exit code
   *     2)
   */
  int run(List<String> args, PrintStream out, PrintStream err);
}
