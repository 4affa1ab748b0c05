package dev.lattice.policy.internal.cli;

import dev.lattice.policy.CompiledPolicy;
import dev.lattice.policy.Rego;
import dev.lattice.policy.RegoException;
import dev.lattice.policy.RuleInfo;
import dev.lattice.policy.bundle.Bundle;
import dev.lattice.policy.bundle.BundleException;
import dev.lattice.policy.internal.rego.ast.Ast.RegoModuleAst;
import dev.lattice.policy.internal.rego.compiler.Annotations;
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
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code inspect [--format text|json] <dir|bundle.tar.gz>...}: what a bundle holds, like {@code opa
 * inspect}: manifest (revision, roots, rego version, metadata), whether it is signed, its modules
 * with their packages, the rules of each package (functions marked, tests counted) and the
 * top-level data keys. Exit 0, 1 when the bundle does not load or compile, 2 on usage.
 */
@Command(
    name = "inspect",
    header = "show a bundle's manifest, modules, packages, rules, annotations and data",
    mixinStandardHelpOptions = true,
    description = {
      "Shows what a bundle holds, like opa inspect: manifest (revision, roots, rego version, metadata),",
      "signature, modules with their packages, the rules of each package with their METADATA",
      "annotations and entrypoints, and the top-level data keys."
    },
    footer = {"", "Exit codes: 0 shown, 1 the bundle does not load or compile, 2 usage error."})
public final class InspectCommand implements Callable<Integer> {
  private final CommandStreams io;

  @Spec CommandSpec spec;

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

  public InspectCommand(CommandStreams io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    PrintStream out = io.out();
    PrintStream err = io.err();
    String format = this.format.name();
    Bundle b;
    CompiledPolicy policy;
    try {
      b = Bundles.loadAll(bundles);
      policy = Rego.compile(b.modules(), b.data());
    } catch (BundleException | RegoException e) {
      err.println(e.getMessage());
      return 1;
    }
    Map<String, Object> report = report(b, policy);
    if (format.equals("json")) {
      out.println(Json.write(Convert.fromJava(report)));
      return 0;
    }
    out.println("source:    " + b.source());
    out.println("revision:  " + b.revision());
    out.println("roots:     " + b.manifest().roots());
    out.println("signed:    " + b.signed());
    out.println("modules:");
    for (var m : b.modules()) out.println("  " + m.path());
    out.println("packages:");
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> packages =
        (Map<String, Map<String, Object>>) report.get("packages");
    packages.forEach(
        (pkg, info) -> {
          out.println("  " + pkg);
          @SuppressWarnings("unchecked")
          List<String> rules = (List<String>) info.get("rules");
          for (String r : rules) out.println("    " + r);
          if ((int) info.get("tests") > 0) out.println("    (" + info.get("tests") + " tests)");
        });
    out.println("data:      " + report.get("data"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> annotations = (List<Map<String, Object>>) report.get("annotations");
    if (!annotations.isEmpty()) {
      out.println("annotations:");
      for (Map<String, Object> an : annotations) {
        StringBuilder line =
            new StringBuilder("  " + an.get("path") + " (" + an.get("scope") + ")");
        if (an.get("title") != null) line.append(" ").append(an.get("title"));
        if (an.get("description") != null)
          line.append(an.get("title") != null ? ": " : " ").append(an.get("description"));
        if (Boolean.TRUE.equals(an.get("entrypoint"))) line.append(" [entrypoint]");
        out.println(line);
      }
    }
    @SuppressWarnings("unchecked")
    List<String> entrypoints = (List<String>) report.get("entrypoints");
    if (!entrypoints.isEmpty()) {
      out.println("entrypoints:");
      for (String e : entrypoints) out.println("  " + e);
    }
    return 0;
  }

  static Map<String, Object> report(Bundle b, CompiledPolicy policy) {
    Map<String, Map<String, Object>> packages = new TreeMap<>();
    Map<String, Set<String>> rules = new TreeMap<>();
    Map<String, Integer> tests = new TreeMap<>();
    for (RuleInfo r : policy.rules()) {
      String pkg = "data." + String.join(".", r.packagePath());
      if (r.name().startsWith("test_")) {
        tests.merge(pkg, 1, Integer::sum);
        rules.computeIfAbsent(pkg, k -> new TreeSet<>());
        continue;
      }
      rules.computeIfAbsent(pkg, k -> new TreeSet<>()).add(r.name() + (r.function() ? "()" : ""));
    }
    rules.forEach(
        (pkg, names) -> {
          Map<String, Object> info = new LinkedHashMap<>();
          info.put("rules", new ArrayList<>(names));
          info.put("tests", tests.getOrDefault(pkg, 0));
          packages.put(pkg, info);
        });
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("revision", b.revision());
    manifest.put("roots", b.manifest().roots());
    manifest.put("rego_version", b.manifest().regoVersion());
    manifest.put("metadata", b.manifest().metadata());
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("source", b.source());
    report.put("manifest", manifest);
    report.put("signed", b.signed());
    report.put("modules", b.modules().stream().map(m -> m.path()).toList());
    report.put("packages", packages);
    report.put("data", new ArrayList<>(new TreeSet<>(b.data().keySet())));
    List<Map<String, Object>> annotations = new ArrayList<>();
    Set<String> entrypoints = new TreeSet<>();
    for (var m : b.modules()) {
      if (!m.source().contains("METADATA")) continue;
      RegoModuleAst ast = Parser.parseModule(m.path(), m.source());
      for (Annotations.Annotation a : Annotations.of(m.path(), m.source(), ast)) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("path", String.join(".", a.path()));
        entry.put("location", a.loc().toString());
        entry.putAll(a.fields());
        annotations.add(entry);
        if (a.entrypoint()) entrypoints.add(String.join(".", a.path()));
      }
    }
    annotations.sort(java.util.Comparator.comparing(x -> (String) x.get("path")));
    report.put("annotations", annotations);
    report.put("entrypoints", new ArrayList<>(entrypoints));
    return report;
  }
}
