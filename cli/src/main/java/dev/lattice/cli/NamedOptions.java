package dev.lattice.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code --name value} and {@code --name=value} options, every one of them taking a value,
 * with the usage errors every {@code lattice} command gives. Shared by the commands whose options
 * are all of that kind (cluster, chaos) until the CLI moves to one library (issue #16).
 */
final class NamedOptions {
  private NamedOptions() {}

  /** Each option given, by name, with its value (the last one when an option is repeated). */
  static Map<String, String> read(List<String> args, Set<String> names) {
    Map<String, String> given = new HashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : null;
      if (!names.contains(name)) {
        throw new UsageException(
            arg.startsWith("-")
                ? "unknown option '" + arg + "'"
                : "unexpected argument '" + arg + "'");
      }
      if (value == null) {
        if (i + 1 >= args.size()) {
          throw new UsageException(name + " needs a value");
        }
        value = args.get(++i);
      }
      given.put(name, value);
    }
    return given;
  }

  /** The option's number, {@code fallback} when it was not given. */
  static int number(Map<String, String> given, String option, int fallback, int min, int max) {
    String value = given.get(option);
    return value == null ? fallback : number(option, value, min, max);
  }

  /** The option's value as a number within [min, max], or a usage error naming the option. */
  static int number(String option, String value, int min, int max) {
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException(
        option + " must be a number from " + min + " to " + max + ", was '" + value + "'");
  }
}
