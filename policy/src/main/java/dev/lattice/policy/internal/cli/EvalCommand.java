package dev.lattice.policy.internal.cli;

import dev.lattice.policy.CompiledPolicy;
import dev.lattice.policy.EvalOptions;
import dev.lattice.policy.PreparedQuery;
import dev.lattice.policy.QueryResult;
import dev.lattice.policy.Rego;
import dev.lattice.policy.RegoException;
import dev.lattice.policy.TraceEvent;
import dev.lattice.policy.bundle.Bundle;
import dev.lattice.policy.bundle.BundleException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Stack;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code eval -b <bundle>... [-i input.json] [--explain[=full|notes|fails]] <query>}: evaluates a
 * query and prints the result set as JSON in {@code opa eval}'s shape: {@code {"result":
 * [{"expressions": [{"value", "text", "location"}], "bindings": {...}}]}}, or {@code {}} when
 * undefined. Exits 1 on errors.
 */
@Command(
    name = "eval",
    header = "evaluate a query and print the result as JSON like opa eval",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluates <query> against the bundles and prints the result set as JSON like opa eval:",
      "{\"result\": [{\"expressions\": [{\"value\", \"text\", \"location\"}], \"bindings\": {...}}]},",
      "or {} when the query is undefined."
    },
    footer = {
      "",
      "Exit codes: 0 evaluated, 1 the bundle, the input or the query failed, 2 usage error."
    })
public final class EvalCommand implements Callable<Integer> {

  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .build();

  private final CommandStreams io;

  @Spec CommandSpec spec;

  @Mixin BundleAndInput bundleAndInput;

  @Option(
      names = "--explain",
      arity = "0..1",
      paramLabel = "full|notes|fails",
      parameterConsumer = ExplainValue.class,
      description = {
        "add an explanation: full (default when given alone: every trace event, rules that fired,",
        "trace() notes and print output), notes (trace() notes only) or fails (the expressions that",
        "had no solution, with their location and source text)"
      })
  String explain;

  @Parameters(index = "0", paramLabel = "<query>", description = "e.g. data.lattice.decision")
  String query;

  public EvalCommand(CommandStreams io) {
    this.io = io;
  }

  /**
   * Takes {@code --explain}'s value only when it is a mode-like word (lower-case letters, not the
   * roots {@code data} or {@code input}), so that a bare {@code --explain data.x} explains the
   * query {@code data.x} in full while {@code --explain=all} is refused naming the modes.
   */
  static final class ExplainValue implements CommandLine.IParameterConsumer {
    @Override
    public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
      boolean modeLike =
          !args.isEmpty()
              && args.peek().matches("[a-z]+")
              && !Set.of("data", "input").contains(args.peek());
      argSpec.setValue(modeLike ? args.pop() : "full");
    }
  }

  @Override
  public Integer call() {
    PrintStream out = io.out();
    PrintStream err = io.err();
    if (explain != null && !Set.of("full", "notes", "fails").contains(explain))
      throw new ParameterException(
          spec.commandLine(), "--explain must be full, notes or fails, not " + explain);
    try {
      Object input = bundleAndInput.input();
      Bundle bundle = bundleAndInput.bundle();
      CompiledPolicy policy = Rego.compile(bundle.modules(), bundle.data());
      // always traced: print() output goes to stderr, one line per call, as opa eval writes it
      EvalOptions options =
          EvalOptions.defaults().withTrace(true).withTraceFails("fails".equals(explain));
      PreparedQuery prepared = policy.prepare(query);
      QueryResult r = prepared.evaluate(input, options);
      for (TraceEvent e : r.trace()) if ("print".equals(e.kind())) err.println(e.message());
      Map<String, String> sources = new LinkedHashMap<>();
      for (var m : bundle.modules()) sources.put(m.path(), m.source());
      sources.put("query", query);
      boolean captured =
          prepared instanceof dev.lattice.policy.internal.rego.eval.Engine.Prepared engineQuery
              ? engineQuery.capturesValue()
              : isBareTerm(query);
      out.println(JSON.writeValueAsString(render(query, r, explain, sources, captured)));
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
    return render(query, r, explain, sources, isBareTerm(query));
  }

  /**
   * As above; {@code bareTerm}: whether the query's value is captured under {@link
   * Rego#EXPRESSION_BINDING} (the engine says so: a lone term or value call such as {@code 1 ==
   * 2}), so that it is the expression's value rather than a binding.
   */
  static Map<String, Object> render(
      String query, QueryResult r, String explain, Map<String, String> sources, boolean bareTerm) {
    Map<String, Object> doc = new LinkedHashMap<>();
    if (r.defined()) {
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
