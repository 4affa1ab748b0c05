package dev.lattice.policy.internal.conformance;

import dev.lattice.policy.EvalOptions;
import dev.lattice.policy.RegoException;
import dev.lattice.policy.RegoModule;
import dev.lattice.policy.internal.rego.eval.Engine;
import dev.lattice.policy.internal.rego.value.Convert;
import dev.lattice.policy.internal.rego.value.Value;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Runs OPA's YAML conformance cases ({@code cases: [{note, query, modules, data, input |
 * input_term, want_result | want_error | want_error_code, sort_bindings, strict_error}]}) against
 * the engine.
 */
public final class ConformanceRunner {

  /** Outcome of one case. */
  public record CaseResult(
      String category, String file, String note, Status status, String detail) {}

  public enum Status {
    PASSED,
    FAILED,
    SKIPPED
  }

  /** Totals per category (sorted) and overall. */
  public record Summary(
      Map<String, int[]> byCategory, int passed, int failed, int skipped, List<CaseResult> cases) {
    public int total() {
      return passed + failed + skipped;
    }
  }

  private final Map<String, String> skips;
  private final YAMLMapper yaml =
      YAMLMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
          .build();

  public ConformanceRunner(Map<String, String> skips) {
    this.skips = skips;
  }

  /** The checked-in skip list: {@code note | reason} per line, {@code #} comments. */
  public static Map<String, String> defaultSkips() {
    try (InputStream in =
        ConformanceRunner.class.getResourceAsStream("/dev/lattice/policy/conformance-skips.txt")) {
      if (in == null) return Map.of();
      return parseSkips(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read conformance skip list", e);
    }
  }

  public static Map<String, String> parseSkips(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) continue;
      int i = l.lastIndexOf(" | ");
      if (i < 0) throw new IllegalArgumentException("skip list line without ' | reason': " + l);
      String reason = l.substring(i + 3).strip();
      if (reason.isEmpty())
        throw new IllegalArgumentException("skip list line without a reason: " + l);
      out.put(l.substring(0, i).strip(), reason);
    }
    return out;
  }

  public Summary run(List<Path> dirs) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path d : dirs) {
      if (Files.isRegularFile(d)) {
        files.add(d);
        continue;
      }
      try (Stream<Path> s = Files.walk(d)) {
        s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
            .sorted()
            .forEach(files::add);
      }
    }
    List<CaseResult> results = new ArrayList<>();
    for (Path f : files) {
      String category = f.getParent() == null ? "" : f.getParent().getFileName().toString();
      JsonNode doc = yaml.readTree(f.toFile());
      JsonNode cases = doc == null ? null : doc.get("cases");
      if (cases == null) continue;
      for (JsonNode c : cases) results.add(runCase(category, f.getFileName().toString(), c));
    }
    Map<String, int[]> by = new TreeMap<>();
    int p = 0, fl = 0, s = 0;
    for (CaseResult r : results) {
      int[] counts = by.computeIfAbsent(r.category(), k -> new int[3]);
      switch (r.status()) {
        case PASSED -> {
          counts[0]++;
          p++;
        }
        case FAILED -> {
          counts[1]++;
          fl++;
        }
        case SKIPPED -> {
          counts[2]++;
          s++;
        }
      }
    }
    return new Summary(by, p, fl, s, results);
  }

  private CaseResult runCase(String category, String file, JsonNode c) {
    String note = text(c, "note");
    String skip = skips.get(note);
    if (skip != null) return new CaseResult(category, file, note, Status.SKIPPED, skip);
    try {
      String detail = check(c);
      return new CaseResult(
          category, file, note, detail == null ? Status.PASSED : Status.FAILED, detail);
    } catch (RuntimeException | StackOverflowError e) {
      return new CaseResult(category, file, note, Status.FAILED, "unexpected " + e);
    }
  }

  private static String text(JsonNode c, String field) {
    JsonNode n = c.get(field);
    return n == null || n.isNull() ? null : n.asString();
  }

  /** Returns null when the case passes, else why it failed. */
  private String check(JsonNode c) {
    String query = text(c, "query");
    List<RegoModule> modules = new ArrayList<>();
    JsonNode mods = c.get("modules");
    if (mods != null) {
      int i = 0;
      for (JsonNode m : mods) modules.add(new RegoModule("test-" + (i++) + ".rego", m.asString()));
    }
    Value data =
        c.has("data") && !c.get("data").isNull() ? Convert.fromJsonNode(c.get("data")) : null;
    String wantError = text(c, "want_error");
    String wantCode = text(c, "want_error_code");
    boolean expectError = wantError != null || wantCode != null;
    boolean strict = c.has("strict_error") && c.get("strict_error").asBoolean();
    boolean sortBindings = c.has("sort_bindings") && c.get("sort_bindings").asBoolean();
    List<Map<String, Value>> actual;
    try {
      Value input = null;
      if (c.has("input_term")) {
        input = parseTerm(text(c, "input_term"));
      } else if (c.has("input")) {
        input = Convert.fromJsonNode(c.get("input"));
      }
      Engine engine = Engine.compile(modules, data);
      Engine.Prepared q = engine.prepare(query, false);
      EvalOptions opts = new EvalOptions(50_000_000L, Duration.ofSeconds(20), false, strict, null);
      actual = q.evaluateRaw(input, opts, null);
    } catch (RegoException e) {
      if (!expectError) return "unexpected error: " + e.getMessage();
      String opa =
          e.location().map(l -> l.file() + ":" + l.line() + ": ").orElse("")
              + e.code()
              + ": "
              + e.detail();
      if (wantCode != null && !wantCode.equals(e.code())) {
        return "want error code " + wantCode + " but got " + e.getMessage();
      }
      if (wantError != null && !opa.contains(wantError) && !e.getMessage().contains(wantError)) {
        return "want error containing '" + wantError + "' but got " + opa;
      }
      return null;
    }
    if (expectError)
      return "want error "
          + (wantCode == null ? "" : wantCode + " ")
          + wantError
          + " but got result "
          + render(actual);
    JsonNode want = c.get("want_result");
    if (want == null || want.isNull()) return null;
    List<Value> wantSets = new ArrayList<>();
    for (JsonNode row : want) {
      TreeMap<Value, Value> m = new TreeMap<>();
      for (Map.Entry<String, JsonNode> e : row.properties()) {
        Value v = Convert.fromJsonNode(e.getValue());
        if (sortBindings) v = sortArray(v);
        m.put(Value.str(e.getKey()), v);
      }
      wantSets.add(Value.Obj.of(m));
    }
    List<Value> gotSets = new ArrayList<>();
    for (Map<String, Value> row : actual) {
      TreeMap<Value, Value> m = new TreeMap<>();
      for (Map.Entry<String, Value> e : row.entrySet()) {
        Value v = Convert.fromJava(Convert.toJava(e.getValue()));
        if (sortBindings) v = sortArray(v);
        m.put(Value.str(e.getKey()), v);
      }
      gotSets.add(Value.Obj.of(m));
    }
    if (!Value.SetV.of(wantSets).equals(Value.SetV.of(gotSets))) {
      return "want " + Value.SetV.of(wantSets) + " but got " + Value.SetV.of(gotSets);
    }
    return null;
  }

  private static Value sortArray(Value v) {
    if (v instanceof Value.Arr a) {
      List<Value> l = new ArrayList<>(a.list());
      Collections.sort(l);
      return Value.Arr.of(l);
    }
    return v;
  }

  private static String render(List<Map<String, Value>> rows) {
    List<String> out = new ArrayList<>();
    for (Map<String, Value> r : rows) {
      Map<String, String> m = new HashMap<>();
      r.forEach((k, v) -> m.put(k, dev.lattice.policy.internal.rego.value.Json.term(v)));
      out.add(m.toString());
    }
    return out.toString();
  }

  private static Value parseTerm(String text) {
    Engine e = Engine.compile(List.of(), null);
    List<Map<String, Value>> r =
        e.prepare("__input_term__ = " + text, false)
            .evaluateRaw(null, EvalOptions.defaults(), null);
    if (r.isEmpty())
      throw new RegoException(RegoException.PARSE, "input_term is undefined: " + text);
    return r.get(0).get("__input_term__");
  }
}
