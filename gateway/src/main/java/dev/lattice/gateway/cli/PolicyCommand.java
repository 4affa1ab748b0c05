package dev.lattice.gateway.cli;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;

/**
 * {@code lattice policy ...}: hands the arguments to the policy module's command line ({@code PolicyCli}).
 *
 * <p>Found reflectively so that this dispatcher does not depend on the policy CLI's progress; its own
 * {@code --help} is the policy CLI's.
 */
public final class PolicyCommand implements Subcommand {
  private static final String POLICY_CLI = "dev.lattice.policy.PolicyCli";

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
        Usage: lattice policy <eval|test|check|build|conformance> [options]

        Policy tooling for compliance teams; run `lattice policy --help` for the details.
        """;
  }

  /** The policy CLI handles its own {@code --help}. */
  public boolean handlesOwnHelp() {
    return policyCli() != null;
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    Method run = policyCli();
    if (run == null) {
      err.println("lattice policy: the policy command line is not part of this build (" + POLICY_CLI + " missing)");
      return FAILED;
    }
    try {
      return (int) run.invoke(null, args.toArray(String[]::new), out, err);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException("lattice policy failed: " + e.getCause(), e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(POLICY_CLI + ".run is not accessible", e);
    }
  }

  private static Method policyCli() {
    try {
      return Class.forName(POLICY_CLI).getMethod("run", String[].class, PrintStream.class, PrintStream.class);
    } catch (ClassNotFoundException | NoSuchMethodException e) {
      return null;
    }
  }
}
