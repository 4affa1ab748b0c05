package dev.lattice.policy.internal.cli;

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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code check [--strict] [--format text|json] <dir|bundle.tar.gz>...}: loads and compiles,
 * reporting every error found: text prints each as {@code file:line:col: code: message} (bundle
 * errors as {@code source:file: problem}); json prints {@code {"errors": [{"code", "message",
 * "location": {"file", "row", "col"}}]}}. {@code --strict} adds OPA's strict checks (unused
 * imports, unused {@code :=} variables, deprecated built-ins). Exit 0 when clean, 1 on errors, 2 on
 * usage.
 */
@Command(
    name = "check",
    header = "parse, compile and type-check bundles; every error as file:line:col",
    mixinStandardHelpOptions = true,
    description = {
      "Parses, compiles and type-checks the bundles and reports every error at once, each as",
      "file:line:col: code: message (json: {\"errors\": [{\"code\", \"message\", \"location\"}]})."
    },
    footer = {
      "",
      "Exit codes: 0 clean, 1 errors found (or a bundle that does not load), 2 usage error."
    })
public final class CheckCommand implements Callable<Integer> {
  private final CommandStreams io;

  @Spec CommandSpec spec;

  @Option(
      names = {"-S", "--strict"},
      description =
          "add OPA's strict checks: unused imports and := variables, deprecated built-ins")
  boolean strict;

  @Option(
      names = {"-f", "--format"},
      paramLabel = "text|json",
      description = "text (default) or json")
  TextOrJson format = TextOrJson.text;

  @Parameters(
      arity = "1..*",
      paramLabel = "<dir|bundle.tar.gz>",
      description = "bundle directories or .tar.gz files, loaded together")
  List<Path> bundles;

  public CheckCommand(CommandStreams io) {
    this.io = io;
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
  public Integer call() {
    PrintStream out = io.out();
    PrintStream err = io.err();
    String format = this.format.name();
    List<RegoException> errors = new ArrayList<>();
    try {
      Bundle b = Bundles.loadAll(bundles);
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
