package dev.lattice.policy;

import java.io.PrintStream;
import java.util.List;

/**
 * A subcommand of {@link PolicyCli}. Implementations are found with {@link
 * java.util.ServiceLoader}: register one by adding its class name as a line of {@code
 * META-INF/services/dev.lattice.policy.PolicyCommand}.
 */
public interface PolicyCommand {

  /** The word that selects this command ({@code test}, {@code eval}, ...). */
  String name();

  /** One line for the usage text. */
  String summary();

  /** Runs the command; returns the process exit code (0 = success). */
  int run(List<String> args, PrintStream out, PrintStream err);
}
