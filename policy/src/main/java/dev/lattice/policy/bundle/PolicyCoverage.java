package dev.lattice.policy.bundle;

import dev.lattice.policy.Location;
import dev.lattice.policy.RegoModule;
import dev.lattice.policy.internal.rego.ast.Ast.ArrayCompr;
import dev.lattice.policy.internal.rego.ast.Ast.ArrayT;
import dev.lattice.policy.internal.rego.ast.Ast.Assign;
import dev.lattice.policy.internal.rego.ast.Ast.Call;
import dev.lattice.policy.internal.rego.ast.Ast.Entry;
import dev.lattice.policy.internal.rego.ast.Ast.Every;
import dev.lattice.policy.internal.rego.ast.Ast.Expr;
import dev.lattice.policy.internal.rego.ast.Ast.ObjectCompr;
import dev.lattice.policy.internal.rego.ast.Ast.ObjectT;
import dev.lattice.policy.internal.rego.ast.Ast.Ref;
import dev.lattice.policy.internal.rego.ast.Ast.Rule;
import dev.lattice.policy.internal.rego.ast.Ast.SetCompr;
import dev.lattice.policy.internal.rego.ast.Ast.SetT;
import dev.lattice.policy.internal.rego.ast.Ast.SomeDecl;
import dev.lattice.policy.internal.rego.ast.Ast.SomeIn;
import dev.lattice.policy.internal.rego.ast.Ast.Term;
import dev.lattice.policy.internal.rego.ast.Ast.TermLit;
import dev.lattice.policy.internal.rego.ast.Ast.Unify;
import dev.lattice.policy.internal.rego.ast.Ast.With;
import dev.lattice.policy.internal.rego.parser.Parser;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Line coverage of Rego modules, like {@code opa test --coverage}: the coverable lines of a module
 * are the lines where a rule head (including {@code else} and {@code default} heads) or an
 * expression of a body (including the bodies of comprehensions and {@code every}) begins; {@code
 * some x} declarations are not counted. A line is covered when, during the test run, an expression
 * beginning on it was evaluated or a rule whose head begins on it produced a value.
 */
public final class PolicyCoverage {

  /** Coverage of one file: sorted line numbers. */
  public record FileCoverage(String file, List<Integer> covered, List<Integer> notCovered) {
    public FileCoverage {
      covered = List.copyOf(covered);
      notCovered = List.copyOf(notCovered);
    }

    public double percent() {
      return PolicyCoverage.percent(covered.size(), notCovered.size());
    }
  }

  /** Coverage of every module, by file path (sorted). */
  public record Report(List<FileCoverage> files) {
    public Report {
      files = List.copyOf(files);
    }

    public int coveredLines() {
      return files.stream().mapToInt(f -> f.covered().size()).sum();
    }

    public int notCoveredLines() {
      return files.stream().mapToInt(f -> f.notCovered().size()).sum();
    }

    public double percent() {
      return PolicyCoverage.percent(coveredLines(), notCoveredLines());
    }

    /**
     * One line per file, {@code file: 95.00% (38/40 lines), not covered: 12, 30-31}, then {@code
     * coverage: 96.50% (193/200 lines)}.
     */
    public List<String> lines() {
      List<String> out = new ArrayList<>();
      for (FileCoverage f : files) {
        int total = f.covered().size() + f.notCovered().size();
        String s = f.file() + ": " + fmt(f.percent()) + "% (" + f.covered().size() + "/" + total;
        s += " lines)";
        if (!f.notCovered().isEmpty()) s += ", not covered: " + ranges(f.notCovered());
        out.add(s);
      }
      int total = coveredLines() + notCoveredLines();
      out.add("coverage: " + fmt(percent()) + "% (" + coveredLines() + "/" + total + " lines)");
      return out;
    }

    /**
     * OPA's JSON shape: {@code {"files": {"<file>": {"covered": [{"start": {"row": r}, "end":
     * {"row": r}}], "not_covered": [...], "covered_lines", "not_covered_lines", "coverage"}},
     * "covered_lines", "not_covered_lines", "coverage"}} (coverage in percent, 2 decimals).
     */
    public Map<String, Object> toJson() {
      Map<String, Object> filesJson = new LinkedHashMap<>();
      for (FileCoverage f : files) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("covered", rangesJson(f.covered()));
        m.put("not_covered", rangesJson(f.notCovered()));
        m.put("covered_lines", f.covered().size());
        m.put("not_covered_lines", f.notCovered().size());
        m.put("coverage", round(f.percent()));
        filesJson.put(f.file(), m);
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("files", filesJson);
      m.put("covered_lines", coveredLines());
      m.put("not_covered_lines", notCoveredLines());
      m.put("coverage", round(percent()));
      return m;
    }
  }

  private PolicyCoverage() {}

  /**
   * Builds the report of {@code modules} from the locations the evaluations covered (see {@link
   * PolicyTestRunner#run(dev.lattice.policy.CompiledPolicy, java.util.function.Predicate, Set)}).
   */
  public static Report report(Collection<RegoModule> modules, Set<Location> covered) {
    Map<String, Set<Integer>> hit = new TreeMap<>();
    for (Location l : covered) {
      if (l != null) hit.computeIfAbsent(l.file(), k -> new TreeSet<>()).add(l.line());
    }
    Map<String, FileCoverage> files = new TreeMap<>();
    for (RegoModule m : modules) {
      Set<Integer> lines = coverableLines(m);
      Set<Integer> h = hit.getOrDefault(m.path(), Set.of());
      List<Integer> yes = new ArrayList<>();
      List<Integer> no = new ArrayList<>();
      for (int line : lines) (h.contains(line) ? yes : no).add(line);
      files.put(m.path(), new FileCoverage(m.path(), yes, no));
    }
    return new Report(new ArrayList<>(files.values()));
  }

  /** The sorted lines where a rule head or a (non-{@code some}) expression begins. */
  static Set<Integer> coverableLines(RegoModule m) {
    Set<Integer> lines = new TreeSet<>();
    for (Rule r : Parser.parseModule(m.path(), m.source()).rules()) rule(r, lines);
    return lines;
  }

  private static void rule(Rule r, Set<Integer> lines) {
    for (Rule b = r; b != null; b = b.elseRule()) {
      add(b.loc(), lines);
      term(b.head(), lines);
      if (b.args() != null) b.args().forEach(t -> term(t, lines));
      term(b.key(), lines);
      term(b.value(), lines);
      body(b.body(), lines);
    }
  }

  private static void body(List<Expr> body, Set<Integer> lines) {
    if (body == null) return;
    for (Expr e : body) {
      if (!(e.lit() instanceof SomeDecl)) add(e.loc(), lines);
      switch (e.lit()) {
        case TermLit t -> term(t.term(), lines);
        case Unify u -> {
          term(u.left(), lines);
          term(u.right(), lines);
        }
        case Assign a -> {
          term(a.left(), lines);
          term(a.right(), lines);
        }
        case SomeIn s -> {
          term(s.key(), lines);
          term(s.value(), lines);
          term(s.collection(), lines);
        }
        case Every ev -> {
          term(ev.domain(), lines);
          body(ev.body(), lines);
        }
        case SomeDecl s -> {}
      }
      for (With w : e.withs()) {
        term(w.target(), lines);
        term(w.value(), lines);
      }
    }
  }

  /** Finds comprehension bodies nested in a term. */
  private static void term(Term t, Set<Integer> lines) {
    switch (t) {
      case null -> {}
      case ArrayCompr c -> {
        term(c.head(), lines);
        body(c.body(), lines);
      }
      case SetCompr c -> {
        term(c.head(), lines);
        body(c.body(), lines);
      }
      case ObjectCompr c -> {
        term(c.key(), lines);
        term(c.value(), lines);
        body(c.body(), lines);
      }
      case Ref r -> {
        term(r.head(), lines);
        r.path().forEach(x -> term(x, lines));
      }
      case ArrayT a -> a.elems().forEach(x -> term(x, lines));
      case SetT s -> s.elems().forEach(x -> term(x, lines));
      case ObjectT o -> {
        for (Entry en : o.entries()) {
          term(en.key(), lines);
          term(en.value(), lines);
        }
      }
      case Call c -> c.args().forEach(x -> term(x, lines));
      default -> {}
    }
  }

  private static void add(Location l, Set<Integer> lines) {
    if (l != null) lines.add(l.line());
  }

  static double percent(int covered, int notCovered) {
    int total = covered + notCovered;
    return total == 0 ? 100.0 : covered * 100.0 / total;
  }

  private static String fmt(double pct) {
    return round(pct).toPlainString();
  }

  private static BigDecimal round(double pct) {
    return BigDecimal.valueOf(pct).setScale(2, RoundingMode.HALF_UP);
  }

  /** {@code 3, 5-7, 10}. */
  static String ranges(List<Integer> lines) {
    List<String> parts = new ArrayList<>();
    for (int[] r : runs(lines)) parts.add(r[0] == r[1] ? "" + r[0] : r[0] + "-" + r[1]);
    return String.join(", ", parts);
  }

  private static List<Object> rangesJson(List<Integer> lines) {
    List<Object> out = new ArrayList<>();
    for (int[] r : runs(lines)) {
      out.add(Map.of("start", Map.of("row", r[0]), "end", Map.of("row", r[1])));
    }
    return out;
  }

  /** Consecutive line numbers as [first, last] runs. */
  private static List<int[]> runs(List<Integer> lines) {
    List<int[]> out = new ArrayList<>();
    for (int line : lines) {
      if (!out.isEmpty() && out.get(out.size() - 1)[1] == line - 1)
        out.get(out.size() - 1)[1] = line;
      else out.add(new int[] {line, line});
    }
    return out;
  }
}
