package dev.lattice.policy.internal.cli;

import dev.lattice.policy.PolicyCommand;
import dev.lattice.policy.Rego;
import dev.lattice.policy.RegoException;
import dev.lattice.policy.RegoModule;
import dev.lattice.policy.bundle.Bundle;
import dev.lattice.policy.bundle.BundleException;
import dev.lattice.policy.internal.rego.compiler.StrictCheck;
import dev.lattice.policy.internal.rego.parser.Parser;
import dev.lattice.policy.internal.rego.value.Convert;
import dev.lattice.policy.internal.rego.value.Json;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code check [--strict] [--format text|json] <dir|bundle.tar.gz>...}: loads and compiles,
 * reporting every error found: text prints each as {@code file:line:col: code: message} (bundle
 * errors as {@code source:file: problem}); json prints {@code {"errors": [{"code", "message",
 * "location": {"file", "row", "col"}}]}}. {@code --strict} adds OPA's strict checks (unused
 * imports, unused {@code :=} variables, deprecated built-ins). Exit 0 when clean, 1 on errors, 2 on
 * usage.
 */
public final class CheckCommand implements PolicyCommand {
  @Override
  public String name() {
    return "check";
  }

  @Override
  public String summary() {
    return "parse and compile <dir|bundle.tar.gz>... [--strict] [--format json]; every error as"
        + " file:line:col";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    CliArgs a;
    String format;
    try {
      a = CliArgs.parse(args, Set.of("--format", "-f"), Set.of("--strict", "-S"));
      if (a.positional.isEmpty())
        throw new CliArgs.UsageException("name a bundle directory or .tar.gz");
      format = a.one("--format", "-f") == null ? "text" : a.one("--format", "-f");
      if (!format.equals("text") && !format.equals("json"))
        throw new CliArgs.UsageException("--format must be text or json, not " + format);
    } catch (CliArgs.UsageException e) {
      err.println("check: " + e.getMessage());
      err.println("usage: policy check [--strict] [--format text|json] <dir|bundle.tar.gz>...");
      return 2;
    }
    List<RegoException> errors = new ArrayList<>();
    try {
      Bundle b = Bundles.loadAll(a.positional.stream().map(Path::of).toList());
      try {
        Rego.compile(b.modules(), b.data());
        if (a.flag("--strict", "-S")) {
          for (RegoModule m : b.modules())
            errors.addAll(StrictCheck.check(Parser.parseModule(m.path(), m.source())));
        }
      } catch (RegoException e) {
        errors.addAll(e.errors());
      }
    } catch (BundleException e) {
      if (format.equals("json")) {
        out.println(
            Json.write(
                Convert.fromJava(
                    Map.of(
                        "errors",
                        List.of(Map.of("code", "bundle_error", "message", e.getMessage()))))));
      } else err.println(e.getMessage());
      return 1;
    }
    if (format.equals("json")) {
      List<Object> list = new ArrayList<>();
      for (RegoException e : errors) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("code", e.code());
        m.put("message", e.detail());
        e.location()
            .ifPresent(
                l ->
                    m.put(
                        "location", Map.of("file", l.file(), "row", l.line(), "col", l.column())));
        list.add(m);
      }
      out.println(Json.write(Convert.fromJava(Map.of("errors", list))));
    } else {
      for (RegoException e : errors) err.println(e.getMessage());
      if (errors.size() > 1) err.println(errors.size() + " errors");
    }
    return errors.isEmpty() ? 0 : 1;
  }
}
