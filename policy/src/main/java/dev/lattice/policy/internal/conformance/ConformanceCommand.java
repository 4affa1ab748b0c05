package dev.lattice.policy.internal.conformance;

import dev.lattice.policy.PolicyCommand;
import java.io.PrintStream;
import java.util.List;

/** {@code conformance <dir>...}: runs OPA's YAML conformance cases against the engine. */
public final class ConformanceCommand implements PolicyCommand {
  @Override
  public String name() {
    return "conformance";
  }

  @Override
  public String summary() {
    return "run OPA conformance YAML cases in <dir>...; prints one line per category and a total";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    err.println("conformance runner not published yet");
    return 1;
  }
}
