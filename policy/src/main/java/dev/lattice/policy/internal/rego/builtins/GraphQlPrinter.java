package dev.lattice.policy.internal.rego.builtins;

import graphql.language.SourceLocation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Prints the syntax trees of {@link GraphQlParser} (or the same shape given by a policy) back to
 * GraphQL text. For validation, {@link #schema(Map, boolean)} with {@code merge} first applies
 * OPA's rules for type extensions: an extension of a missing type declares it, one of a different
 * kind is an error; it names the root operation types explicitly and remembers, per printed line,
 * where the definition came from so that graphql-java's errors point into the policy's text.
 */
final class GraphQlPrinter {
  private GraphQlPrinter() {}

  /** An error in the schema at a 1-based line and column of its text. */
  static final class SchemaError extends RuntimeException {
    final int line;
    final int column;

    SchemaError(String message, int[] at) {
      super(message, null, false, false);
      this.line = at[0];
      this.column = at[1];
    }
  }

  /** Printed text, the root operations the schema really has, and each line's source position. */
  record Printed(String text, Set<String> roots, List<int[]> lines) {
    int[] origin(List<SourceLocation> locations) {
      if (locations == null || locations.isEmpty()) return new int[] {1, 1};
      int l = locations.get(0).getLine() - 1;
      return l >= 0 && l < lines.size() ? lines.get(l) : new int[] {1, 1};
    }
  }

  private static final String PLACEHOLDER_ROOT = "_LatticeNoQueryRoot";

  // ---------------------------------------------------------------- queries

  static String query(Map<String, Object> doc) {
    StringBuilder b = new StringBuilder();
    for (Map<String, Object> op : maps(doc.get("Operations"))) {
      b.append(str(op.get("Operation"), "query"));
      String name = str(op.get("Name"), "");
      if (!name.isEmpty()) b.append(' ').append(name);
      variables(b, op.get("VariableDefinitions"));
      directives(b, op.get("Directives"));
      selections(b, op.get("SelectionSet"));
      b.append('\n');
    }
    for (Map<String, Object> f : maps(doc.get("Fragments"))) {
      b.append("fragment ").append(str(f.get("Name"), ""));
      variables(b, f.get("VariableDefinition"));
      b.append(" on ").append(str(f.get("TypeCondition"), ""));
      directives(b, f.get("Directives"));
      selections(b, f.get("SelectionSet"));
      b.append('\n');
    }
    return b.toString();
  }

  private static void variables(StringBuilder b, Object defs) {
    List<Map<String, Object>> vs = maps(defs);
    if (vs.isEmpty()) return;
    b.append('(');
    for (Map<String, Object> v : vs) {
      b.append('$').append(str(v.get("Variable"), "")).append(": ");
      type(b, v.get("Type"));
      if (v.get("DefaultValue") != null) {
        b.append(" = ");
        value(b, v.get("DefaultValue"));
      }
      directives(b, v.get("Directives"));
      b.append(' ');
    }
    b.append(')');
  }

  private static void selections(StringBuilder b, Object set) {
    List<Map<String, Object>> sel = maps(set);
    if (sel.isEmpty()) return;
    b.append(" {");
    for (Map<String, Object> s : sel) {
      b.append(' ');
      if (s.containsKey("Alias")) {
        String alias = str(s.get("Alias"), ""), name = str(s.get("Name"), alias);
        if (!alias.equals(name)) b.append(alias).append(": ");
        b.append(name);
        arguments(b, s.get("Arguments"));
        directives(b, s.get("Directives"));
        selections(b, s.get("SelectionSet"));
      } else if (s.containsKey("Name")) {
        b.append("...").append(str(s.get("Name"), ""));
        directives(b, s.get("Directives"));
      } else {
        b.append("...");
        String on = str(s.get("TypeCondition"), "");
        if (!on.isEmpty()) b.append(" on ").append(on);
        directives(b, s.get("Directives"));
        selections(b, s.get("SelectionSet"));
      }
    }
    b.append(" }");
  }

  private static void arguments(StringBuilder b, Object args) {
    List<Map<String, Object>> as = maps(args);
    if (as.isEmpty()) return;
    b.append('(');
    for (Map<String, Object> a : as) {
      b.append(str(a.get("Name"), "")).append(": ");
      value(b, a.get("Value"));
      b.append(' ');
    }
    b.append(')');
  }

  private static void directives(StringBuilder b, Object dirs) {
    for (Map<String, Object> d : maps(dirs)) {
      b.append(" @").append(str(d.get("Name"), ""));
      arguments(b, d.get("Arguments"));
    }
  }

  private static void value(StringBuilder b, Object v) {
    if (!(v instanceof Map<?, ?> raw))
      throw new IllegalArgumentException("a value is not an object");
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) raw;
    int kind = m.get("Kind") instanceof Number n ? n.intValue() : 0;
    String text = str(m.get("Raw"), "");
    switch (kind) {
      case 0 -> b.append('$').append(text);
      case 3 -> quote(b, text);
      case 4 -> b.append("\"\"\"").append(text.replace("\"\"\"", "\\\"\"\"")).append("\"\"\"");
      case 8 -> {
        b.append('[');
        for (Map<String, Object> c : maps(m.get("Children"))) {
          value(b, c.get("Value"));
          b.append(' ');
        }
        b.append(']');
      }
      case 9 -> {
        b.append('{');
        for (Map<String, Object> c : maps(m.get("Children"))) {
          b.append(str(c.get("Name"), "")).append(": ");
          value(b, c.get("Value"));
          b.append(' ');
        }
        b.append('}');
      }
      default -> b.append(text);
    }
  }

  private static void type(StringBuilder b, Object t) {
    if (!(t instanceof Map<?, ?> m)) throw new IllegalArgumentException("a type is not an object");
    if (m.get("Elem") != null) {
      b.append('[');
      type(b, m.get("Elem"));
      b.append(']');
    } else {
      b.append(str(m.get("NamedType"), ""));
    }
    if (Boolean.TRUE.equals(m.get("NonNull"))) b.append('!');
  }

  private static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    b.append('"');
  }

  // ---------------------------------------------------------------- schemas

  /**
   * The schema's text. Without {@code merge}, each definition and extension as it is (a syntax tree
   * given by a policy, printed for parsing). With {@code merge}, extensions folded into their types
   * and an explicit {@code schema} definition for graphql-java.
   */
  static Printed schema(Map<String, Object> doc, boolean merge) {
    Lines out = new Lines();
    if (!merge) {
      for (Map<String, Object> s : maps(doc.get("Schema"))) schemaDefinition(out, "schema", s);
      for (Map<String, Object> s : maps(doc.get("SchemaExtension")))
        schemaDefinition(out, "extend schema", s);
      for (Map<String, Object> d : maps(doc.get("Directives"))) directiveDefinition(out, d);
      for (Map<String, Object> d : maps(doc.get("Definitions"))) typeDefinition(out, "", d, true);
      for (Map<String, Object> d : maps(doc.get("Extensions")))
        typeDefinition(out, "extend ", d, true);
      return new Printed(out.text(), Set.of(), out.origins);
    }
    Map<String, Map<String, Object>> types = new LinkedHashMap<>();
    for (Map<String, Object> d : maps(doc.get("Definitions"))) {
      String name = str(d.get("Name"), "");
      if (types.containsKey(name))
        throw new SchemaError("Cannot redeclare type " + name + ".", at(d));
      types.put(name, new LinkedHashMap<>(d));
    }
    for (Map<String, Object> ext : maps(doc.get("Extensions"))) {
      String name = str(ext.get("Name"), "");
      Map<String, Object> base = types.get(name);
      if (base == null) {
        base = new LinkedHashMap<>();
        base.put("Kind", ext.get("Kind"));
        base.put("Name", name);
        base.put("Position", ext.get("Position"));
        types.put(name, base);
      } else if (!String.valueOf(base.get("Kind")).equals(String.valueOf(ext.get("Kind")))) {
        throw new SchemaError(
            "Cannot extend type "
                + name
                + " because the base type is a "
                + base.get("Kind")
                + ", not "
                + ext.get("Kind")
                + ".",
            at(ext));
      }
      for (String k : new String[] {"Directives", "Interfaces", "Fields", "Types", "EnumValues"}) {
        List<Object> merged = new ArrayList<>(list(base.get(k)));
        merged.addAll(list(ext.get(k)));
        base.put(k, merged);
      }
    }
    List<Map<String, Object>> schemaDefs = maps(doc.get("Schema"));
    if (schemaDefs.size() > 1)
      throw new SchemaError(
          "Cannot have multiple schema entry points, consider schema extensions instead.",
          at(schemaDefs.get(1)));
    Map<String, String> roots = new LinkedHashMap<>();
    Map<String, int[]> rootAt = new LinkedHashMap<>();
    List<Map<String, Object>> entry = new ArrayList<>(schemaDefs);
    entry.addAll(maps(doc.get("SchemaExtension")));
    for (Map<String, Object> s : entry) {
      for (Map<String, Object> op : maps(s.get("OperationTypes"))) {
        String kind = str(op.get("Operation"), "");
        if (roots.containsKey(kind))
          throw new SchemaError("Cannot redeclare " + kind + " operation type.", at(op));
        roots.put(kind, str(op.get("Type"), ""));
        rootAt.put(kind, at(op));
      }
    }
    if (schemaDefs.isEmpty() && roots.isEmpty()) {
      for (String[] d : new String[][] {{"query", "Query"}, {"mutation", "Mutation"}}) {
        if (types.containsKey(d[1])) roots.put(d[0], d[1]);
      }
      if (types.containsKey("Subscription")) roots.put("subscription", "Subscription");
    }
    Set<String> real = new LinkedHashSet<>(roots.keySet());
    for (Map<String, Object> d : maps(doc.get("Directives"))) directiveDefinition(out, d);
    for (Map<String, Object> d : types.values()) typeDefinition(out, "", d, false);
    if (!roots.containsKey("query")) {
      out.line(new int[] {1, 1}, "type " + PLACEHOLDER_ROOT + " { _lattice: Boolean }");
      roots.put("query", PLACEHOLDER_ROOT);
    }
    StringBuilder s = new StringBuilder("schema {");
    roots.forEach((k, v) -> s.append(' ').append(k).append(": ").append(v));
    out.line(rootAt.getOrDefault("query", new int[] {1, 1}), s.append(" }").toString());
    return new Printed(out.text(), real, out.origins);
  }

  private static void schemaDefinition(Lines out, String keyword, Map<String, Object> s) {
    StringBuilder b = new StringBuilder();
    description(b, s);
    b.append(keyword);
    directives(b, s.get("Directives"));
    List<Map<String, Object>> ops = maps(s.get("OperationTypes"));
    if (!ops.isEmpty()) {
      b.append(" {");
      for (Map<String, Object> op : ops)
        b.append(' ')
            .append(str(op.get("Operation"), ""))
            .append(": ")
            .append(str(op.get("Type"), ""));
      b.append(" }");
    }
    out.line(at(s), b.toString());
  }

  private static void directiveDefinition(Lines out, Map<String, Object> d) {
    StringBuilder b = new StringBuilder();
    description(b, d);
    b.append("directive @").append(str(d.get("Name"), ""));
    argumentDefinitions(b, d.get("Arguments"), true);
    if (Boolean.TRUE.equals(d.get("IsRepeatable"))) b.append(" repeatable");
    b.append(" on ").append(String.join(" | ", strings(d.get("Locations"))));
    out.line(at(d), b.toString());
  }

  private static void typeDefinition(
      Lines out, String prefix, Map<String, Object> d, boolean withDescriptions) {
    String kind = str(d.get("Kind"), "OBJECT");
    StringBuilder b = new StringBuilder();
    if (withDescriptions) description(b, d);
    b.append(prefix)
        .append(
            switch (kind) {
              case "SCALAR" -> "scalar";
              case "OBJECT" -> "type";
              case "INTERFACE" -> "interface";
              case "UNION" -> "union";
              case "ENUM" -> "enum";
              case "INPUT_OBJECT" -> "input";
              default -> throw new IllegalArgumentException("unknown definition kind " + kind);
            })
        .append(' ')
        .append(str(d.get("Name"), ""));
    List<String> interfaces = strings(d.get("Interfaces"));
    if (!interfaces.isEmpty()) b.append(" implements ").append(String.join(" & ", interfaces));
    directives(b, d.get("Directives"));
    List<String> members = strings(d.get("Types"));
    if (!members.isEmpty()) b.append(" = ").append(String.join(" | ", members));
    List<Map<String, Object>> fields = maps(d.get("Fields"));
    List<Map<String, Object>> values = maps(d.get("EnumValues"));
    if (fields.isEmpty() && values.isEmpty()) {
      out.line(at(d), b.toString());
      return;
    }
    out.line(at(d), b.append(" {").toString());
    for (Map<String, Object> f : fields) {
      StringBuilder fb = new StringBuilder("  ");
      if (withDescriptions) description(fb, f);
      fb.append(str(f.get("Name"), ""));
      argumentDefinitions(fb, f.get("Arguments"), withDescriptions);
      fb.append(": ");
      type(fb, f.get("Type"));
      if (f.get("DefaultValue") != null) {
        fb.append(" = ");
        value(fb, f.get("DefaultValue"));
      }
      directives(fb, f.get("Directives"));
      out.line(at(f, at(d)), fb.toString());
    }
    for (Map<String, Object> v : values) {
      StringBuilder vb = new StringBuilder("  ");
      if (withDescriptions) description(vb, v);
      vb.append(str(v.get("Name"), ""));
      directives(vb, v.get("Directives"));
      out.line(at(d), vb.toString());
    }
    out.line(at(d), "}");
  }

  private static void argumentDefinitions(StringBuilder b, Object args, boolean withDescriptions) {
    List<Map<String, Object>> as = maps(args);
    if (as.isEmpty()) return;
    b.append('(');
    for (Map<String, Object> a : as) {
      if (withDescriptions) description(b, a);
      b.append(str(a.get("Name"), "")).append(": ");
      type(b, a.get("Type"));
      if (a.get("DefaultValue") != null) {
        b.append(" = ");
        value(b, a.get("DefaultValue"));
      }
      directives(b, a.get("Directives"));
      b.append(' ');
    }
    b.append(')');
  }

  private static void description(StringBuilder b, Map<String, Object> node) {
    String d = str(node.get("Description"), "");
    if (d.isEmpty()) return;
    quote(b, d);
    b.append(' ');
  }

  // ---------------------------------------------------------------- helpers

  /** Printed lines with the source position each came from. */
  private static final class Lines {
    final StringBuilder text = new StringBuilder();
    final List<int[]> origins = new ArrayList<>();

    void line(int[] origin, String s) {
      for (String l : s.split("\n", -1)) {
        text.append(l).append('\n');
        origins.add(origin);
      }
    }

    String text() {
      return text.toString();
    }
  }

  private static int[] at(Map<String, Object> node) {
    return at(node, new int[] {1, 1});
  }

  private static int[] at(Map<String, Object> node, int[] otherwise) {
    if (node.get("Position") instanceof List<?> p
        && p.size() == 2
        && p.get(0) instanceof Number l
        && p.get(1) instanceof Number c) return new int[] {l.intValue(), c.intValue()};
    return otherwise;
  }

  private static String str(Object o, String otherwise) {
    if (o == null) return otherwise;
    if (o instanceof String s) return s;
    throw new IllegalArgumentException("expected a string but got " + o);
  }

  private static List<Object> list(Object o) {
    if (o == null) return List.of();
    if (o instanceof List<?> l) return new ArrayList<>(l);
    throw new IllegalArgumentException("expected an array but got " + o);
  }

  private static List<String> strings(Object o) {
    List<String> out = new ArrayList<>();
    for (Object e : list(o)) out.add(str(e, ""));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> maps(Object o) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object e : list(o)) {
      if (!(e instanceof Map<?, ?> m)) throw new IllegalArgumentException("expected an object");
      out.add((Map<String, Object>) m);
    }
    return out;
  }
}
