package dev.lattice.policy.internal.cli;

import dev.lattice.policy.PolicyCommand;
import dev.lattice.policy.Rego;
import dev.lattice.policy.RegoException;
import dev.lattice.policy.RegoModule;
import dev.lattice.policy.bundle.Bundle;
import dev.lattice.policy.bundle.BundleException;
import dev.lattice.policy.internal.rego.ast.Ast.RegoModuleAst;
import dev.lattice.policy.internal.rego.compiler.Annotations;
import dev.lattice.policy.internal.rego.compiler.StrictCheck;
import dev.lattice.policy.internal.rego.compiler.TypeCheck;
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

  private static int byLocation(RegoException a, RegoException b) {
    var la = a.location().orElse(null);
    var lb = b.location().orElse(null);
    if (la == null || lb == null) return la == null ? (lb == null ? 0 : -1) : 1;
    int c = la.file().compareTo(lb.file());
    if (c != 0) return c;
    c = Integer.compare(la.line(), lb.line());
    return c != 0 ? c : Integer.compare(la.column(), lb.column());
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
      boolean strict = a.flag("--strict", "-S");
      try {
        Rego.compile(b.modules(), b.data());
      } catch (RegoException e) {
        errors.addAll(e.errors());
      }
      // the type checker and the strict checks run on every module that parses, so that one
      // run reports everything
      List<RegoModuleAst> parsed = new ArrayList<>();
      for (RegoModule m : b.modules()) {
        try {
          RegoModuleAst ast = Parser.parseModule(m.path(), m.source());
          parsed.add(ast);
          Annotations.of(m.path(), m.source(), ast);
        } catch (RegoException parseError) {
          errors.addAll(parseError.errors()); // METADATA errors (parse errors are deduplicated)
        }
      }
      errors.addAll(TypeCheck.check(parsed, b.data(), strict));
      if (strict) for (RegoModuleAst m : parsed) errors.addAll(StrictCheck.check(m));
      List<RegoException> unique = new ArrayList<>();
      Set<String> seen = new java.util.HashSet<>();
      for (RegoException e : errors) if (seen.add(e.getMessage())) unique.add(e);
      errors.clear();
      errors.addAll(unique);
      errors.sort(CheckCommand::byLocation);
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
