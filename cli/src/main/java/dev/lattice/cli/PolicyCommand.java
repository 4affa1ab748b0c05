package dev.lattice.cli;

import dev.lattice.policy.PolicyCli;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code lattice policy ...}: hands the arguments to the policy module's command line ({@link
 * PolicyCli}), which prints its own usage for {@code --help} and reports its own usage errors (exit
 * code 2).
 */
public final class PolicyCommand implements Subcommand {

  @Override
  public String name() {
    return "policy";
  }

  @Override
  public String summary() {
    return "test, check, evaluate and build Rego policy bundles";
  }

  @Override
  public String usage() {
    return """
        Usage: lattice policy <command> [args...]

        Policy tooling for compliance teams; `lattice policy --help` lists the commands.
        """;
  }

  /** The policy CLI handles its own {@code --help}. */
  public boolean handlesOwnHelp() {
    return true;
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    return PolicyCli.run(args.toArray(String[]::new), out, err);
  }
}
