package dev.lattice.policy.internal.cli;

import dev.lattice.policy.CompiledPolicy;
import dev.lattice.policy.EvalOptions;
import dev.lattice.policy.PolicyCommand;
import dev.lattice.policy.QueryResult;
import dev.lattice.policy.Rego;
import dev.lattice.policy.RegoException;
import dev.lattice.policy.TraceEvent;
import dev.lattice.policy.bundle.Bundle;
import dev.lattice.policy.bundle.BundleException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code eval -b <bundle>... [-i input.json] [--explain] <query>}: evaluates a query and prints the
 * result set as JSON in {@code opa eval}'s shape: {@code {"result": [{"expressions": [{"value",
 * "text", "location"}], "bindings": {...}}]}}, or {@code {}} when undefined. Exits 1 on errors.
 */
public final class EvalCommand implements PolicyCommand {

  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .build();

  @Override
  public String name() {
    return "eval";
  }

  @Override
  public String summary() {
    return "eval -b <bundle> [-i input.json] [--explain[=full|notes|fails]] <query>: print the result as"
        + " JSON like opa eval";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    CliArgs a;
    String explain;
    try {
      // a bare --explain means --explain=full
      List<String> normalized = new ArrayList<>();
      for (String arg : args) normalized.add(arg.equals("--explain") ? "--explain=full" : arg);
      a =
          CliArgs.parse(
              normalized, Set.of("-b", "--bundle", "-i", "--input", "--explain"), Set.of());
      explain = a.one("--explain");
      if (explain != null && !Set.of("full", "notes", "fails").contains(explain))
        throw new CliArgs.UsageException("--explain must be full, notes or fails, not " + explain);
      if (a.positional.size() != 1)
        throw new CliArgs.UsageException("give exactly one query, e.g. data.lattice.decision");
      if (a.all("-b", "--bundle").isEmpty())
        throw new CliArgs.UsageException("-b <bundle> is required");
    } catch (CliArgs.UsageException e) {
      err.println("eval: " + e.getMessage());
      err.println("usage: policy " + summary());
      return 2;
    }
    String query = a.positional.get(0);
    try {
      Object input = null;
      String inputFile = a.one("-i", "--input");
      if (inputFile != null)
        input = JSON.readValue(Files.readAllBytes(Path.of(inputFile)), Object.class);
      Bundle bundle = Bundles.loadAll(a.all("-b", "--bundle").stream().map(Path::of).toList());
      CompiledPolicy policy = Rego.compile(bundle.modules(), bundle.data());
      EvalOptions options =
          EvalOptions.defaults().withTrace(explain != null).withTraceFails("fails".equals(explain));
      QueryResult r = policy.prepare(query).evaluate(input, options);
      Map<String, String> sources = new LinkedHashMap<>();
      for (var m : bundle.modules()) sources.put(m.path(), m.source());
      sources.put("query", query);
      out.println(JSON.writeValueAsString(render(query, r, explain, sources)));
      return 0;
    } catch (BundleException | RegoException e) {
      err.println(e.getMessage());
      return 1;
    } catch (IOException e) {
      err.println("eval: cannot read input: " + e.getMessage());
      return 1;
    } catch (JacksonException e) {
      err.println("eval: the input is not valid JSON: " + e.getOriginalMessage());
      return 1;
    }
  }

  /**
   * The result in opa eval's shape; {@code explain}: null (none), {@code full} (every trace event
   * in order: rules that fired, {@code trace()} notes and {@code print} output) or {@code notes}
   * ({@code trace()} notes only).
   */
  static Map<String, Object> render(String query, QueryResult r, String explain) {
    return render(query, r, explain, Map.of());
  }

  /**
   * As above; {@code fails} lists the expressions that had no solution ({@code "op": "fail"}, in
   * evaluation order, each with its location and its source text from {@code sources}: module path
   * or {@code query} to text).
   */
  static Map<String, Object> render(
      String query, QueryResult r, String explain, Map<String, String> sources) {
    Map<String, Object> doc = new LinkedHashMap<>();
    if (r.defined()) {
      boolean bareTerm = isBareTerm(query);
      List<Object> results = new ArrayList<>();
      for (Map<String, Object> b : r.bindings()) {
        Map<String, Object> expr = new LinkedHashMap<>();
        expr.put("value", bareTerm ? b.get(Rego.EXPRESSION_BINDING) : true);
        expr.put("text", query.trim());
        expr.put("location", Map.of("row", 1, "col", 1));
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("expressions", List.of(expr));
        if (!bareTerm && !b.isEmpty()) one.put("bindings", b);
        results.add(one);
      }
      doc.put("result", results);
    }
    if ("full".equals(explain) || "notes".equals(explain) || "fails".equals(explain)) {
      List<Object> events = new ArrayList<>();
      for (TraceEvent e : r.trace()) {
        if (explain.equals("notes") && !"note".equals(e.kind())) continue;
        if (explain.equals("fails") != "fail".equals(e.kind())) continue;
        if ("fail".equals(e.kind())) {
          Map<String, Object> ev = new LinkedHashMap<>();
          ev.put("op", "fail");
          if (e.location() != null) {
            ev.put("location", e.location().toString());
            String text = sourceText(sources.get(e.location().file()), e.location());
            if (text != null) ev.put("message", text);
          }
          events.add(ev);
          continue;
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("op", e.kind());
        if (e.rule() != null) ev.put("rule", e.rule());
        if (e.location() != null) ev.put("location", e.location().toString());
        if (e.message() != null) ev.put("message", e.message());
        events.add(ev);
      }
      doc.put("explanation", events);
    }
    return doc;
  }

  /** The source line of an expression from its column, trimmed; null when unknown. */
  static String sourceText(String source, dev.lattice.policy.Location at) {
    if (source == null) return null;
    String[] lines = source.split("\r?\n", -1);
    if (at.line() < 1 || at.line() > lines.length) return null;
    String line = lines[at.line() - 1];
    int from = Math.min(Math.max(at.column() - 1, 0), line.length());
    return line.substring(from).strip();
  }

  /** A query that is one reference or term, not an expression with operators or assignments. */
  static boolean isBareTerm(String query) {
    String q = query.trim();
    if (q.contains(";") || q.contains("\n")) return false;
    return !q.matches(".*(:=|==|!=|<=|>=|[^=!<>:]=[^=]|\\s(<|>|in)\\s|^some\\s|^not\\s).*");
  }
}
