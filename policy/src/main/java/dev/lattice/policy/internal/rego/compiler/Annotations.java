package dev.lattice.policy.internal.rego.compiler;

import dev.lattice.policy.Location;
import dev.lattice.policy.RegoException;
import dev.lattice.policy.RegoModule;
import dev.lattice.policy.internal.rego.ast.Ast.*;
import dev.lattice.policy.internal.rego.lexer.Lexer;
import dev.lattice.policy.internal.rego.value.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * OPA's METADATA annotations: a comment block that begins with {@code # METADATA} and continues on
 * the following comment lines holds YAML ({@code scope}, {@code title}, {@code description}, {@code
 * entrypoint}, {@code custom}, {@code authors}, {@code organizations}, {@code related_resources},
 * {@code schemas}) for the package or rule that follows it. The scope defaults to {@code package}
 * before a package and {@code rule} before a rule; {@code document} applies to every definition of
 * the rule, {@code subpackages} to the package and the packages below it.
 *
 * <p>{@code rego.metadata.rule()} and {@code rego.metadata.chain()} are rewritten into constants at
 * compile time, as OPA's compiler does: the annotations of the rule the call is in, and the chain
 * {@code [{"path", "annotations"}]} from that rule up through its document, its package and the
 * enclosing subpackages scopes.
 */
public final class Annotations {
  private static final Set<String> SCOPES = Set.of("rule", "document", "package", "subpackages");
  private static final Set<String> FIELDS =
      Set.of(
          "scope",
          "title",
          "description",
          "entrypoint",
          "custom",
          "authors",
          "organizations",
          "related_resources",
          "schemas");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = YAMLMapper.builder().build();

  private Annotations() {}

  /** One annotation: its scope, its fields as written (plus {@code scope}), and where it is. */
  public record Annotation(
      String scope, List<String> path, Map<String, Object> fields, Location loc, Rule rule) {
    public String title() {
      return fields.get("title") instanceof String s ? s : null;
    }

    public String description() {
      return fields.get("description") instanceof String s ? s : null;
    }

    public boolean entrypoint() {
      return Boolean.TRUE.equals(fields.get("entrypoint"));
    }
  }

  private record Block(int startLine, int endLine, String yaml, Location loc) {}

  /** The annotations of one module, in source order; a bad block is a parse error. */
  public static List<Annotation> of(String file, String src, RegoModuleAst module) {
    List<Lexer.Comment> comments = new ArrayList<>();
    Lexer.tokenize(file, src, comments);
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < comments.size(); i++) {
      Lexer.Comment c = comments.get(i);
      if (c.trailing() || !c.text().substring(1).strip().equals("METADATA")) continue;
      StringBuilder yaml = new StringBuilder();
      int end = c.line();
      int j = i + 1;
      while (j < comments.size()
          && comments.get(j).line() == end + 1
          && !comments.get(j).trailing()
          && !comments.get(j).text().substring(1).strip().equals("METADATA")) {
        String text = comments.get(j).text().substring(1);
        if (text.startsWith(" ")) text = text.substring(1);
        yaml.append(text).append('\n');
        end = comments.get(j).line();
        j++;
      }
      blocks.add(new Block(c.line(), end, yaml.toString(), new Location(file, c.line(), c.col())));
      i = j - 1;
    }
    List<Annotation> out = new ArrayList<>();
    List<String> pkg = new ArrayList<>();
    pkg.add("data");
    pkg.addAll(module.pkg());
    List<RegoException> errors = new ArrayList<>();
    for (Block b : blocks) {
      try {
        out.add(annotation(b, module, pkg));
      } catch (RegoException e) {
        errors.add(e);
      }
    }
    if (!errors.isEmpty()) throw RegoException.of(errors);
    return out;
  }

  private static Annotation annotation(Block b, RegoModuleAst module, List<String> pkg) {
    {
      Map<String, Object> fields = parseYaml(b);
      // the statement that follows the block
      Rule target = null;
      boolean onPackage = module.loc().line() > b.endLine();
      if (!onPackage) {
        for (Rule r : module.rules()) {
          if (r.loc().line() > b.endLine()) {
            target = r;
            break;
          }
        }
        if (target == null)
          throw new RegoException(
              RegoException.PARSE, "METADATA block is not followed by a package or rule", b.loc());
      }
      String scope = (String) fields.getOrDefault("scope", onPackage ? "package" : "rule");
      if (!SCOPES.contains(scope))
        throw new RegoException(
            RegoException.PARSE, "invalid annotation scope '" + scope + "'", b.loc());
      if (onPackage != (scope.equals("package") || scope.equals("subpackages")))
        throw new RegoException(
            RegoException.PARSE,
            "annotation scope '"
                + scope
                + "' must be applied to "
                + (onPackage ? "rule" : "package")
                + " (have "
                + (onPackage ? "package" : "rule")
                + ")",
            b.loc());
      Map<String, Object> withScope = new TreeMap<>(fields);
      withScope.put("scope", scope);
      List<String> path = new ArrayList<>(pkg);
      if (target != null) path.addAll(rulePath(target.head()));
      return new Annotation(scope, List.copyOf(path), withScope, b.loc(), target);
    }
  }

  private static Map<String, Object> parseYaml(Block b) {
    JsonNode node;
    try {
      node = YAML.readTree(b.yaml().isBlank() ? "{}" : b.yaml());
    } catch (JacksonException e) {
      throw new RegoException(
          RegoException.PARSE,
          "yaml: " + yamlProblem(e.getOriginalMessage()),
          new Location(b.loc().file(), b.loc().line(), b.loc().column()));
    }
    if (node == null || node.isNull() || node.isMissingNode()) return Map.of();
    if (!node.isObject())
      throw new RegoException(RegoException.PARSE, "METADATA must be a YAML mapping", b.loc());
    @SuppressWarnings("unchecked")
    Map<String, Object> fields = JSON.convertValue(node, LinkedHashMap.class);
    for (String k : fields.keySet()) {
      if (!FIELDS.contains(k))
        throw new RegoException(
            RegoException.PARSE, "invalid annotation key '" + k + "' in METADATA", b.loc());
    }
    if (fields.containsKey("entrypoint") && !(fields.get("entrypoint") instanceof Boolean))
      throw new RegoException(RegoException.PARSE, "entrypoint must be true or false", b.loc());
    // as OPA: "Jane Doe <jane@example.com>" becomes {"name", "email"}, a URL {"ref": url}
    if (fields.get("authors") instanceof List<?> authors) {
      List<Object> list = new ArrayList<>();
      for (Object a : authors) list.add(a instanceof String s ? author(s, b) : a);
      fields.put("authors", list);
    }
    if (fields.get("related_resources") instanceof List<?> resources) {
      List<Object> list = new ArrayList<>();
      for (Object r : resources) list.add(r instanceof String s ? Map.of("ref", s) : r);
      fields.put("related_resources", list);
    }
    return fields;
  }

  /** The lines of a YAML error that say what is wrong (not the excerpts and carets). */
  private static String yamlProblem(String message) {
    List<String> parts = new ArrayList<>();
    for (String line : message.split("\n")) {
      if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) parts.add(line.strip());
    }
    return String.join("; ", parts);
  }

  private static Map<String, Object> author(String s, Block b) {
    String text = s.strip();
    Map<String, Object> out = new LinkedHashMap<>();
    int lt = text.lastIndexOf('<');
    if (lt >= 0 && text.endsWith(">")) {
      String name = text.substring(0, lt).strip();
      if (!name.isEmpty()) out.put("name", name);
      out.put("email", text.substring(lt + 1, text.length() - 1).strip());
    } else if (!text.isEmpty()) {
      out.put("name", text);
    } else {
      throw new RegoException(RegoException.PARSE, "author is an empty string", b.loc());
    }
    return out;
  }

  /** The static path of a rule head: {@code p} → [p], {@code a.b[x]} → [a, b]. */
  static List<String> rulePath(Term head) {
    List<String> out = new ArrayList<>();
    if (head instanceof Var v) out.add(v.name());
    else if (head instanceof Ref r && r.head() instanceof Var v) {
      out.add(v.name());
      for (Term t : r.path()) {
        if (t instanceof Scalar s && s.value() instanceof Value.Str str) out.add(str.value);
        else break;
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ rego.metadata.*

  /**
   * Replaces every {@code rego.metadata.rule()} and {@code rego.metadata.chain()} call with the
   * constant it evaluates to. Modules without such a call are returned as they are.
   */
  public static List<RegoModuleAst> rewriteMetadataCalls(
      List<RegoModuleAst> modules, List<RegoModule> sources) {
    boolean any = false;
    for (RegoModule m : sources) if (m.source().contains("rego.metadata.")) any = true;
    if (!any) return modules;
    Map<String, String> sourceByPath = new LinkedHashMap<>();
    for (RegoModule m : sources) sourceByPath.put(m.path(), m.source());
    // every annotation of every module (package scopes apply across modules)
    List<Annotation> all = new ArrayList<>();
    for (RegoModuleAst m : modules) {
      String src = sourceByPath.get(m.file());
      if (src != null && src.contains("METADATA")) all.addAll(of(m.file(), src, m));
    }
    List<RegoModuleAst> out = new ArrayList<>();
    for (RegoModuleAst m : modules) {
      String src = sourceByPath.get(m.file());
      if (src == null || !src.contains("rego.metadata.")) {
        out.add(m);
        continue;
      }
      List<Rule> rules = new ArrayList<>();
      for (Rule r : m.rules()) rules.add(rewriteRule(r, r, m, all));
      out.add(new RegoModuleAst(m.file(), m.pkg(), m.imports(), rules, m.loc()));
    }
    return out;
  }

  private static Rule rewriteRule(Rule r, Rule top, RegoModuleAst m, List<Annotation> all) {
    Rewriter rewriter = new Rewriter(top, m, all);
    return new Rule(
        r.head(),
        r.args(),
        r.key() == null ? null : rewriter.term(r.key()),
        r.value() == null ? null : rewriter.term(r.value()),
        r.isDefault(),
        r.assign(),
        rewriter.body(r.body()),
        r.elseRule() == null ? null : rewriteRule(r.elseRule(), top, m, all),
        r.loc());
  }

  /** The value of {@code rego.metadata.rule()} in {@code rule}. */
  static Map<String, Object> ruleAnnotations(Rule rule, List<Annotation> all) {
    for (Annotation a : all) if (a.rule() == rule && a.scope().equals("rule")) return a.fields();
    return Map.of();
  }

  /** The value of {@code rego.metadata.chain()} in {@code rule} of module {@code m}. */
  static List<Object> chain(Rule rule, RegoModuleAst m, List<Annotation> all) {
    List<Object> out = new ArrayList<>();
    List<String> pkg = new ArrayList<>();
    pkg.addAll(m.pkg());
    List<String> rulePath = new ArrayList<>(pkg);
    rulePath.addAll(rulePath(rule.head()));
    Map<String, Object> first = new LinkedHashMap<>();
    Map<String, Object> own = ruleAnnotations(rule, all);
    if (!own.isEmpty()) first.put("annotations", own);
    first.put("path", rulePath);
    out.add(first);
    List<String> fullRule = new ArrayList<>();
    fullRule.add("data");
    fullRule.addAll(rulePath);
    for (Annotation a : all) {
      if (a.scope().equals("document") && a.path().equals(fullRule))
        out.add(Map.of("annotations", a.fields(), "path", rulePath));
    }
    List<String> full = new ArrayList<>();
    full.add("data");
    full.addAll(pkg);
    for (Annotation a : all) {
      if (a.scope().equals("package") && a.path().equals(full))
        out.add(Map.of("annotations", a.fields(), "path", List.copyOf(pkg)));
    }
    for (int n = full.size(); n >= 1; n--) {
      List<String> prefix = full.subList(0, n);
      for (Annotation a : all) {
        if (a.scope().equals("subpackages") && a.path().equals(prefix))
          out.add(Map.of("annotations", a.fields(), "path", List.copyOf(prefix.subList(1, n))));
      }
    }
    return out;
  }

  private static final class Rewriter {
    final Rule rule;
    final RegoModuleAst module;
    final List<Annotation> all;

    Rewriter(Rule rule, RegoModuleAst module, List<Annotation> all) {
      this.rule = rule;
      this.module = module;
      this.all = all;
    }

    List<Expr> body(List<Expr> body) {
      List<Expr> out = new ArrayList<>();
      for (Expr x : body) out.add(expr(x));
      return out;
    }

    Expr expr(Expr x) {
      Lit lit =
          switch (x.lit()) {
            case TermLit t -> new TermLit(term(t.term()));
            case Unify u -> new Unify(term(u.left()), term(u.right()));
            case Assign a -> new Assign(a.left(), term(a.right()));
            case SomeDecl s -> s;
            case SomeIn s -> new SomeIn(s.key(), s.value(), term(s.collection()));
            case Every e -> new Every(e.key(), e.value(), term(e.domain()), body(e.body()));
          };
      List<With> withs = new ArrayList<>();
      for (With w : x.withs()) withs.add(new With(w.target(), term(w.value()), w.loc()));
      return new Expr(lit, x.negated(), withs.isEmpty() ? List.of() : withs, x.loc());
    }

    Term term(Term t) {
      return switch (t) {
        case Call c when c.name().equals("rego.metadata.rule") && c.args().isEmpty() ->
            constant(ruleAnnotations(rule, all), c.loc());
        case Call c when c.name().equals("rego.metadata.chain") && c.args().isEmpty() ->
            constant(chain(rule, module, all), c.loc());
        case Call c -> new Call(c.name(), terms(c.args()), c.loc(), c.target());
        case Ref r -> new Ref(term(r.head()), terms(r.path()), r.loc());
        case ArrayT a -> new ArrayT(terms(a.elems()), a.loc());
        case SetT s -> new SetT(terms(s.elems()), s.loc());
        case ObjectT o -> {
          List<Entry> entries = new ArrayList<>();
          for (Entry e : o.entries()) entries.add(new Entry(term(e.key()), term(e.value())));
          yield new ObjectT(entries, o.loc());
        }
        case ArrayCompr c -> new ArrayCompr(term(c.head()), body(c.body()), c.loc());
        case SetCompr c -> new SetCompr(term(c.head()), body(c.body()), c.loc());
        case ObjectCompr c ->
            new ObjectCompr(term(c.key()), term(c.value()), body(c.body()), c.loc());
        default -> t;
      };
    }

    List<Term> terms(List<Term> ts) {
      List<Term> out = new ArrayList<>(ts.size());
      for (Term t : ts) out.add(term(t));
      return out;
    }
  }

  /** A JSON-like Java value as a constant term. */
  static Term constant(Object v, Location loc) {
    if (v instanceof Map<?, ?> m) {
      List<Entry> entries = new ArrayList<>();
      for (var e : m.entrySet())
        entries.add(
            new Entry(
                new Scalar(Value.str(String.valueOf(e.getKey())), loc),
                constant(e.getValue(), loc)));
      return new ObjectT(entries, loc);
    }
    if (v instanceof List<?> l) {
      List<Term> elems = new ArrayList<>();
      for (Object o : l) elems.add(constant(o, loc));
      return new ArrayT(elems, loc);
    }
    if (v == null) return new Scalar(Value.NULL, loc);
    if (v instanceof Boolean b) return new Scalar(b ? Value.TRUE : Value.FALSE, loc);
    if (v instanceof Number n) {
      Value.Num num = Value.Num.parse(n.toString());
      return new Scalar(num == null ? Value.str(n.toString()) : num, loc);
    }
    return new Scalar(Value.str(v.toString()), loc);
  }
}
