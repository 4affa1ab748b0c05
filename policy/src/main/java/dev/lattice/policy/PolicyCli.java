package dev.lattice.policy;

import dev.lattice.policy.internal.conformance.ConformanceCommand;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The policy command line: {@code conformance <dir>...} plus every {@link PolicyCommand} registered
 * through {@link ServiceLoader}. Runs without the gateway: {@code java -cp ...
 * dev.lattice.policy.PolicyCli}.
 */
public final class PolicyCli {

  private PolicyCli() {}

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    System.out.flush();
    System.exit(code);
  }

  /** All known commands by name. */
  public static Map<String, PolicyCommand> commands() {
    Map<String, PolicyCommand> commands = new TreeMap<>();
    PolicyCommand conformance = new ConformanceCommand();
    commands.put(conformance.name(), conformance);
    for (PolicyCommand c :
        ServiceLoader.load(PolicyCommand.class, PolicyCli.class.getClassLoader())) {
      commands.putIfAbsent(c.name(), c);
    }
    return commands;
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    Map<String, PolicyCommand> commands = commands();
    if (args.length == 0
        || args[0].equals("-h")
        || args[0].equals("--help")
        || args[0].equals("help")) {
      usage(commands, args.length == 0 ? err : out);
      return args.length == 0 ? 2 : 0;
    }
    PolicyCommand command = commands.get(args[0]);
    if (command == null) {
      err.println("unknown policy command '" + args[0] + "'");
      usage(commands, err);
      return 2;
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    return command.run(rest, out, err);
  }

  private static void usage(Map<String, PolicyCommand> commands, PrintStream to) {
    to.println("usage: policy <command> [args...]");
    for (PolicyCommand c : commands.values()) {
      to.printf("  %-12s %s%n", c.name(), c.summary());
    }
  }
}
