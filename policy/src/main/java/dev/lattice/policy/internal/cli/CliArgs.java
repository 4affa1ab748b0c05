package dev.lattice.policy.internal.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Minimal option parsing for the policy subcommands: {@code -x value}, {@code --long value}, flags.
 */
final class CliArgs {
  final Map<String, List<String>> options = new LinkedHashMap<>();
  final List<String> positional = new ArrayList<>();

  /** Thrown for bad usage; the command prints it with its usage line and exits 2. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }

  static CliArgs parse(List<String> args, Set<String> withValue, Set<String> flags) {
    CliArgs a = new CliArgs();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg;
      String inline = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        inline = arg.substring(eq + 1);
      }
      if (withValue.contains(name)) {
        String v = inline;
        if (v == null) {
          if (i + 1 >= args.size()) throw new UsageException("option " + name + " needs a value");
          v = args.get(++i);
        }
        a.options.computeIfAbsent(name, k -> new ArrayList<>()).add(v);
      } else if (flags.contains(name)) {
        a.options.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
      } else if (arg.startsWith("-") && arg.length() > 1) {
        throw new UsageException("unknown option " + arg);
      } else {
        a.positional.add(arg);
      }
    }
    return a;
  }

  String one(String... names) {
    for (String n : names) {
      List<String> v = options.get(n);
      if (v != null && !v.isEmpty()) return v.get(v.size() - 1);
    }
    return null;
  }

  List<String> all(String... names) {
    List<String> out = new ArrayList<>();
    for (String n : names) out.addAll(options.getOrDefault(n, List.of()));
    return out;
  }

  boolean flag(String... names) {
    for (String n : names) if (options.containsKey(n)) return true;
    return false;
  }
}
