package dev.lattice.policy.internal.rego.builtins;

import static dev.lattice.policy.internal.rego.builtins.Builtins.add;

import dev.lattice.policy.internal.rego.value.Convert;
import dev.lattice.policy.internal.rego.value.Value;
import graphql.GraphQLError;
import graphql.ParseAndValidate;
import graphql.language.Document;
import graphql.language.SourceLocation;
import graphql.parser.InvalidSyntaxException;
import graphql.parser.Parser;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.UnExecutableSchemaGenerator;
import graphql.schema.idl.errors.SchemaProblem;
import graphql.validation.ValidationError;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code graphql.*}: parsing with OPA's syntax tree and messages ({@link GraphQlParser}), schema
 * loading with OPA's rules for type extensions (an extension of a missing type declares it; a kind
 * mismatch is an error), then graphql-java's schema checks and query validation rules.
 *
 * <p>Queries and schemas are strings or the syntax trees {@code graphql.parse_query} and {@code
 * graphql.parse_schema} return (printed back to GraphQL text first). Validation messages are
 * graphql-java's wording (OPA's library words some differently); the {@code in GraphQL ... string
 * at location line:column} frame and the error codes are OPA's. Thread-safe: the schema cache is
 * synchronised.
 */
final class GraphQl {
  private GraphQl() {}

  /** Schemas built for validation, by their text: a policy usually checks against one schema. */
  private static final Map<String, Object> SCHEMAS =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Object> e) {
              return size() > 32;
            }
          });

  /** A failure with OPA's message; {@code Builtin}s turn it into an eval_builtin_error. */
  private static final class Failure extends RuntimeException {
    Failure(String message) {
      super(message, null, false, false);
    }
  }

  /** A schema ready for validation: graphql-java's, and the operations it really has roots for. */
  private record Loaded(GraphQLSchema schema, java.util.Set<String> roots) {}

  static void register() {
    add(
        "graphql.parse_query",
        1,
        (a, c) -> {
          String q = stringOperand(a[0], 1);
          return toValue(query(q));
        });
    add(
        "graphql.parse_schema",
        1,
        (a, c) -> {
          String s = stringOperand(a[0], 1);
          return toValue(schemaDoc(s));
        });
    add(
        "graphql.is_valid",
        2,
        (a, c) -> {
          try {
            String q = text(a[0], 1, true), s = text(a[1], 2, false);
            Loaded schema = load(s);
            validate(schema, q, query(q));
            return Value.TRUE;
          } catch (Failure | BuiltinException e) {
            return Value.FALSE;
          }
        });
    add(
        "graphql.schema_is_valid",
        1,
        (a, c) -> {
          try {
            load(text(a[0], 1, false));
            return Value.TRUE;
          } catch (Failure | BuiltinException e) {
            return Value.FALSE;
          }
        });
    add(
        "graphql.parse",
        2,
        (a, c) -> {
          String q = text(a[0], 1, true), s = text(a[1], 2, false);
          try {
            return Value.Arr.of(parseAndValidate(q, s));
          } catch (Failure e) {
            throw BuiltinException.error(e.getMessage());
          }
        });
    add(
        "graphql.parse_and_verify",
        2,
        (a, c) -> {
          String q = text(a[0], 1, true), s = text(a[1], 2, false);
          try {
            List<Value> asts = parseAndValidate(q, s);
            return Value.Arr.of(List.of(Value.TRUE, asts.get(0), asts.get(1)));
          } catch (Failure | BuiltinException e) {
            return Value.Arr.of(List.of(Value.FALSE, Value.EMPTY_OBJECT, Value.EMPTY_OBJECT));
          }
        });
  }

  private static List<Value> parseAndValidate(String q, String s) {
    Map<String, Object> queryAst = query(q);
    Loaded schema = load(s);
    validate(schema, q, queryAst);
    new ArgumentDefaults(schema.schema()).document(queryAst);
    return List.of(toValue(queryAst), toValue(schemaDoc(s)));
  }

  /**
   * What gqlparser's validation leaves in the syntax tree OPA returns: an argument value whose
   * definition has a non-null default gets {@code ExpectedTypeHasDefault: true}.
   */
  private record ArgumentDefaults(GraphQLSchema schema) {
    void document(Map<String, Object> ast) {
      for (Map<String, Object> op : maps(ast.get("Operations"))) {
        graphql.schema.GraphQLType root =
            switch (String.valueOf(op.get("Operation"))) {
              case "mutation" -> schema.getMutationType();
              case "subscription" -> schema.getSubscriptionType();
              default -> schema.getQueryType();
            };
        directives(op.get("Directives"));
        for (Map<String, Object> v : maps(op.get("VariableDefinitions")))
          directives(v.get("Directives"));
        selections(op.get("SelectionSet"), root);
      }
      for (Map<String, Object> f : maps(ast.get("Fragments"))) {
        directives(f.get("Directives"));
        selections(f.get("SelectionSet"), schema.getType(String.valueOf(f.get("TypeCondition"))));
      }
    }

    private void selections(Object selectionSet, graphql.schema.GraphQLType parent) {
      for (Map<String, Object> sel : maps(selectionSet)) {
        directives(sel.get("Directives"));
        if (sel.containsKey("Alias")) {
          graphql.schema.GraphQLFieldDefinition def =
              parent instanceof graphql.schema.GraphQLFieldsContainer c
                  ? c.getFieldDefinition(String.valueOf(sel.get("Name")))
                  : null;
          if (def != null) arguments(sel.get("Arguments"), def::getArgument);
          selections(
              sel.get("SelectionSet"),
              def == null ? null : graphql.schema.GraphQLTypeUtil.unwrapAll(def.getType()));
        } else if (sel.containsKey("TypeCondition")) {
          String condition = String.valueOf(sel.get("TypeCondition"));
          selections(
              sel.get("SelectionSet"), condition.isEmpty() ? parent : schema.getType(condition));
        }
      }
    }

    private void directives(Object directives) {
      for (Map<String, Object> d : maps(directives)) {
        graphql.schema.GraphQLDirective def = schema.getDirective(String.valueOf(d.get("Name")));
        if (def != null) arguments(d.get("Arguments"), def::getArgument);
      }
    }

    private static void arguments(
        Object arguments,
        java.util.function.Function<String, graphql.schema.GraphQLArgument> definitions) {
      for (Map<String, Object> arg : maps(arguments)) {
        graphql.schema.GraphQLArgument def = definitions.apply(String.valueOf(arg.get("Name")));
        if (def != null
            && def.hasSetDefaultValue()
            && def.getArgumentDefaultValue().getValue() != null
            && !(def.getArgumentDefaultValue().getValue() instanceof graphql.language.NullValue)
            && arg.get("Value") instanceof Map<?, ?> value) {
          @SuppressWarnings("unchecked")
          Map<String, Object> v = (Map<String, Object>) value;
          v.put("ExpectedTypeHasDefault", Boolean.TRUE);
        }
      }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object list) {
      List<Map<String, Object>> out = new ArrayList<>();
      if (list instanceof List<?> l)
        for (Object o : l) if (o instanceof Map<?, ?> m) out.add((Map<String, Object>) m);
      return out;
    }
  }

  private static String stringOperand(Value v, int i) {
    if (v instanceof Value.Str s) return s.value;
    throw BuiltinException.type("operand " + i + " must be string but got " + v.typeName());
  }

  /** A query or schema operand: a string, or a syntax tree printed back to GraphQL text. */
  private static String text(Value v, int operand, boolean isQuery) {
    if (v instanceof Value.Str s) return s.value;
    if (v instanceof Value.Obj o) {
      try {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) Convert.toJava(o);
        return isQuery ? GraphQlPrinter.query(m) : GraphQlPrinter.schema(m, false).text();
      } catch (ClassCastException | IllegalArgumentException e) {
        throw BuiltinException.error(
            "graphql: the "
                + (isQuery ? "query" : "schema")
                + " object is not a GraphQL syntax tree: "
                + e.getMessage());
      }
    }
    throw BuiltinException.type(
        "operand " + operand + " must be one of {object, string} but got " + v.typeName());
  }

  private static Map<String, Object> query(String q) {
    try {
      return GraphQlParser.parseQuery(q);
    } catch (GraphQlParser.Error e) {
      throw BuiltinException.error(
          e.getMessage() + " in GraphQL string at location " + e.line + ":" + e.column);
    }
  }

  private static Map<String, Object> schemaDoc(String s) {
    try {
      return GraphQlParser.parseSchema(s);
    } catch (GraphQlParser.Error e) {
      throw BuiltinException.error(
          e.getMessage() + " in GraphQL string at location " + e.line + ":" + e.column);
    }
  }

  /** The schema with OPA's extension rules applied, checked by graphql-java; or a Failure. */
  private static Loaded load(String text) {
    Object cached = SCHEMAS.get(text);
    if (cached == null) {
      try {
        cached = build(text);
      } catch (Failure e) {
        cached = e;
      }
      SCHEMAS.put(text, cached);
    }
    if (cached instanceof Failure f) throw new Failure(f.getMessage());
    return (Loaded) cached;
  }

  private static Loaded build(String text) {
    Map<String, Object> doc;
    try {
      doc = GraphQlParser.parseSchema(text);
    } catch (GraphQlParser.Error e) {
      throw new Failure(schemaError(e.getMessage(), e.line, e.column));
    }
    GraphQlPrinter.Printed merged;
    try {
      merged = GraphQlPrinter.schema(doc, true);
    } catch (GraphQlPrinter.SchemaError e) {
      throw new Failure(schemaError(e.getMessage(), e.line, e.column));
    }
    try {
      var registry = new SchemaParser().parse(merged.text());
      return new Loaded(
          UnExecutableSchemaGenerator.makeUnExecutableSchema(registry), merged.roots());
    } catch (SchemaProblem e) {
      GraphQLError first = e.getErrors().get(0);
      int[] at = merged.origin(first.getLocations());
      throw new Failure(schemaError(trim(first.getMessage()), at[0], at[1]));
    } catch (InvalidSyntaxException e) {
      int[] at = merged.origin(e.getLocation() == null ? List.of() : List.of(e.getLocation()));
      throw new Failure(schemaError(trim(e.getMessage()), at[0], at[1]));
    } catch (graphql.AssertException | graphql.schema.validation.InvalidSchemaException e) {
      throw new Failure(schemaError(trim(e.getMessage()), 1, 1));
    } catch (graphql.GraphQLException e) {
      // a schema error graphql-java raises while building types (an object type used as an
      // input type, for one): invalid, like OPA's validator reports it
      List<SourceLocation> where =
          e instanceof GraphQLError g && g.getLocations() != null ? g.getLocations() : List.of();
      int[] at = merged.origin(where);
      throw new Failure(schemaError(trim(e.getMessage()), at[0], at[1]));
    }
  }

  private static String schemaError(String message, int line, int column) {
    return message + " in GraphQL schema string at location " + line + ":" + column;
  }

  private static void validate(Loaded schema, String q, Map<String, Object> ast) {
    List<?> ops = (List<?>) ast.get("Operations");
    for (Object o : ops) {
      @SuppressWarnings("unchecked")
      Map<String, Object> op = (Map<String, Object>) o;
      String kind = (String) op.get("Operation");
      if (!schema.roots().contains(kind)) {
        List<?> pos = (List<?>) op.get("Position");
        throw new Failure(
            "Schema does not support operation type \""
                + kind
                + "\" in GraphQL query string at location "
                + pos.get(0)
                + ":"
                + pos.get(1));
      }
    }
    if (ops.isEmpty() && ((List<?>) ast.get("Fragments")).isEmpty()) return;
    Document document;
    try {
      document = Parser.parse(q);
    } catch (InvalidSyntaxException e) {
      SourceLocation l = e.getLocation();
      throw new Failure(
          trim(e.getMessage())
              + " in GraphQL query string at location "
              + (l == null ? "1:1" : l.getLine() + ":" + l.getColumn()));
    }
    List<ValidationError> errors =
        ParseAndValidate.validate(schema.schema(), document, Locale.ROOT);
    if (!errors.isEmpty()) {
      ValidationError e = errors.get(0);
      SourceLocation l = e.getLocations().isEmpty() ? null : e.getLocations().get(0);
      throw new Failure(
          opaWording(e, schema.schema(), document, l)
              + " in GraphQL query string at location "
              + (l == null ? "1:1" : l.getLine() + ":" + l.getColumn()));
    }
  }

  private static final java.util.regex.Pattern MISSING_ARGUMENT =
      java.util.regex.Pattern.compile("Missing field argument '([^']*)'");

  /**
   * The validation message as OPA words it where the two libraries differ: a missing required field
   * argument is {@code Field "f" argument "a" of type "T!" is required, but it was not provided};
   * otherwise graphql-java's message, trimmed.
   */
  private static String opaWording(
      ValidationError e, GraphQLSchema schema, Document document, SourceLocation at) {
    String message = trim(e.getDescription());
    var m = MISSING_ARGUMENT.matcher(message);
    if (at != null && m.find()) {
      String field = fieldNameAt(document, at);
      String type = field == null ? null : requiredArgumentType(schema, field, m.group(1));
      if (type != null) {
        return "Field \""
            + field
            + "\" argument \""
            + m.group(1)
            + "\" of type \""
            + type
            + "\" is required, but it was not provided";
      }
    }
    return message;
  }

  /** The name of the field that starts at {@code at} in the query, or null. */
  private static String fieldNameAt(Document document, SourceLocation at) {
    String[] found = new String[1];
    new graphql.language.NodeTraverser()
        .depthFirst(
            new graphql.language.NodeVisitorStub() {
              @Override
              public graphql.util.TraversalControl visitField(
                  graphql.language.Field node,
                  graphql.util.TraverserContext<graphql.language.Node> context) {
                SourceLocation l = node.getSourceLocation();
                if (found[0] == null
                    && l != null
                    && l.getLine() == at.getLine()
                    && l.getColumn() == at.getColumn()) found[0] = node.getName();
                return graphql.util.TraversalControl.CONTINUE;
              }
            },
            document);
    return found[0];
  }

  /** The type of the one non-null argument {@code arg} of fields named {@code field}, or null. */
  private static String requiredArgumentType(GraphQLSchema schema, String field, String arg) {
    String type = null;
    for (graphql.schema.GraphQLNamedType t : schema.getAllTypesAsList()) {
      if (!(t instanceof graphql.schema.GraphQLFieldsContainer c)) continue;
      graphql.schema.GraphQLFieldDefinition f = c.getFieldDefinition(field);
      graphql.schema.GraphQLArgument a = f == null ? null : f.getArgument(arg);
      if (a == null) continue;
      String printed = graphql.schema.GraphQLTypeUtil.simplePrint(a.getType());
      if (type != null && !type.equals(printed)) return null;
      type = printed;
    }
    return type;
  }

  /**
   * graphql-java's message without its "Validation error (Rule@[path]) : " prefix and final '.'.
   */
  static String trim(String message) {
    String m = message == null ? "invalid" : message.strip();
    int sep = m.indexOf(") : ");
    if (m.regionMatches(true, 0, "Validation error", 0, 16) && sep > 0) m = m.substring(sep + 4);
    while (m.endsWith(".")) m = m.substring(0, m.length() - 1);
    return m;
  }

  /** OPA's result shape: no {@code Position}, no null or empty members, recursively. */
  static Value toValue(Map<String, Object> ast) {
    Object pruned = prune(ast);
    return Convert.fromJava(pruned == null ? Map.of() : pruned);
  }

  private static Object prune(Object o) {
    if (o instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if ("Position".equals(e.getKey())) continue;
        Object v = prune(e.getValue());
        if (v != null) out.put((String) e.getKey(), v);
      }
      return out.isEmpty() ? null : out;
    }
    if (o instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (Object e : l) {
        Object v = prune(e);
        if (v != null) out.add(v);
      }
      return out.isEmpty() ? null : out;
    }
    return o;
  }
}
