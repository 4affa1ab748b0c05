package dev.lattice.policy.internal.rego.builtins;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A GraphQL lexer and parser that builds the syntax tree OPA's {@code graphql.*} built-ins return:
 * the field names and shapes of OPA's GraphQL library (gqlparser) as JSON, with OPA's error
 * messages ({@code Expected Name, found <EOF>}, {@code Unexpected Name "x"}, …) and 1-based
 * line:column positions. Written for this engine from the GraphQL specification's grammar; the
 * query validation rules and schema checks are graphql-java's ({@link GraphQl}).
 *
 * <p>Not thread-safe: one instance parses one document. Bad input raises {@link Error} naming the
 * problem and its position.
 */
final class GraphQlParser {

  /** A syntax error at a 1-based line and column. */
  static final class Error extends RuntimeException {
    final int line;
    final int column;

    Error(String message, int line, int column) {
      super(message, null, false, false);
      this.line = line;
      this.column = column;
    }
  }

  private enum Kind {
    EOF("<EOF>"),
    BANG("!"),
    DOLLAR("$"),
    AMP("&"),
    PAREN_L("("),
    PAREN_R(")"),
    SPREAD("..."),
    COLON(":"),
    EQUALS("="),
    AT("@"),
    BRACKET_L("["),
    BRACKET_R("]"),
    BRACE_L("{"),
    BRACE_R("}"),
    PIPE("|"),
    NAME("Name"),
    INT("Int"),
    FLOAT("Float"),
    STRING("String"),
    BLOCK_STRING("BlockString"),
    /** What the lexer could not read (OPA reports the parser's complaint about it, not why). */
    INVALID("<Invalid>");

    final String text;

    Kind(String text) {
      this.text = text;
    }
  }

  private record Token(Kind kind, String value, int line, int column) {
    @Override
    public String toString() {
      return value.isEmpty() ? kind.text : kind.text + " " + Regex.goQuote(value);
    }
  }

  private static final Set<String> DIRECTIVE_LOCATIONS =
      Set.of(
          "QUERY",
          "MUTATION",
          "SUBSCRIPTION",
          "FIELD",
          "FRAGMENT_DEFINITION",
          "FRAGMENT_SPREAD",
          "INLINE_FRAGMENT",
          "VARIABLE_DEFINITION",
          "SCHEMA",
          "SCALAR",
          "OBJECT",
          "FIELD_DEFINITION",
          "ARGUMENT_DEFINITION",
          "INTERFACE",
          "UNION",
          "ENUM",
          "ENUM_VALUE",
          "INPUT_OBJECT",
          "INPUT_FIELD_DEFINITION");

  private final String src;
  private int pos;
  private int line = 1;
  private int lineStart;
  private Token peeked;
  private Token prev;
  private int depth;

  /** Deeper nesting of lists, objects, selections or types is refused, not a stack overflow. */
  static final int MAX_DEPTH = 256;

  private GraphQlParser(String src) {
    this.src = src;
  }

  /** The query document ({@code Operations}, {@code Fragments}) as JSON-like maps. */
  static Map<String, Object> parseQuery(String text) {
    return new GraphQlParser(text).queryDocument();
  }

  /** The schema document ({@code Definitions}, {@code Extensions}, …) as JSON-like maps. */
  static Map<String, Object> parseSchema(String text) {
    return new GraphQlParser(text).schemaDocument();
  }

  // ---------------------------------------------------------------- lexer

  private Error errorAt(int l, int c, String message) {
    return new Error(message, l, c);
  }

  private int column(int at) {
    return src.codePointCount(lineStart, at) + 1;
  }

  private Token lex() {
    while (pos < src.length()) {
      char ch = src.charAt(pos);
      if (ch == '\uFEFF' || ch == ' ' || ch == '\t' || ch == ',') {
        pos++;
      } else if (ch == '\n') {
        pos++;
        line++;
        lineStart = pos;
      } else if (ch == '\r') {
        pos++;
        if (pos < src.length() && src.charAt(pos) == '\n') pos++;
        line++;
        lineStart = pos;
      } else if (ch == '#') {
        while (pos < src.length() && src.charAt(pos) != '\n' && src.charAt(pos) != '\r') pos++;
      } else {
        break;
      }
    }
    int startCol = column(pos);
    if (pos >= src.length()) return new Token(Kind.EOF, "", line, startCol);
    char ch = src.charAt(pos);
    Kind punct =
        switch (ch) {
          case '!' -> Kind.BANG;
          case '$' -> Kind.DOLLAR;
          case '&' -> Kind.AMP;
          case '(' -> Kind.PAREN_L;
          case ')' -> Kind.PAREN_R;
          case ':' -> Kind.COLON;
          case '=' -> Kind.EQUALS;
          case '@' -> Kind.AT;
          case '[' -> Kind.BRACKET_L;
          case ']' -> Kind.BRACKET_R;
          case '{' -> Kind.BRACE_L;
          case '}' -> Kind.BRACE_R;
          case '|' -> Kind.PIPE;
          default -> null;
        };
    if (punct != null) {
      pos++;
      return new Token(punct, "", line, startCol);
    }
    if (ch == '.') {
      if (src.startsWith("...", pos)) {
        pos += 3;
        return new Token(Kind.SPREAD, "", line, startCol);
      }
      throw errorAt(line, startCol, "Unexpected character \".\".");
    }
    if (ch == '_' || Character.isLetter(ch) && ch < 128) {
      int s = pos;
      while (pos < src.length() && isNameChar(src.charAt(pos))) pos++;
      return new Token(Kind.NAME, src.substring(s, pos), line, startCol);
    }
    if (ch == '-' || ch >= '0' && ch <= '9') return number(startCol);
    if (ch == '"') {
      if (src.startsWith("\"\"\"", pos)) return blockString(startCol);
      return string(startCol);
    }
    int cp = src.codePointAt(pos);
    throw errorAt(
        line,
        startCol,
        "Unexpected character " + Regex.goQuote(new String(Character.toChars(cp))) + ".");
  }

  private static boolean isNameChar(char c) {
    return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
  }

  private Token number(int startCol) {
    int s = pos;
    boolean isFloat = false;
    if (src.charAt(pos) == '-') pos++;
    if (pos < src.length() && src.charAt(pos) == '0') {
      pos++;
      if (pos < src.length() && Character.isDigit(src.charAt(pos)))
        throw errorAt(
            line, column(pos), "Invalid number, unexpected digit after 0: " + quoteAt(pos) + ".");
    } else {
      digits();
    }
    if (pos < src.length() && src.charAt(pos) == '.') {
      isFloat = true;
      pos++;
      digits();
    }
    if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
      isFloat = true;
      pos++;
      if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) pos++;
      digits();
    }
    return new Token(isFloat ? Kind.FLOAT : Kind.INT, src.substring(s, pos), line, startCol);
  }

  private void digits() {
    if (pos >= src.length() || !Character.isDigit(src.charAt(pos)))
      throw errorAt(
          line, column(pos), "Invalid number, expected digit but got: " + quoteAt(pos) + ".");
    while (pos < src.length() && Character.isDigit(src.charAt(pos))) pos++;
  }

  private String quoteAt(int at) {
    return at >= src.length()
        ? "<EOF>"
        : Regex.goQuote(new String(Character.toChars(src.codePointAt(at))));
  }

  private Token string(int startCol) {
    pos++;
    StringBuilder b = new StringBuilder();
    while (true) {
      if (pos >= src.length() || src.charAt(pos) == '\n' || src.charAt(pos) == '\r')
        throw errorAt(line, column(pos), "Unterminated string.");
      char c = src.charAt(pos);
      if (c == '"') {
        pos++;
        // gqlparser positions a string token after its opening quote
        return new Token(Kind.STRING, b.toString(), line, startCol + 1);
      }
      if (c < 0x20 && c != '\t')
        throw errorAt(line, column(pos), "Invalid character within String: " + quoteAt(pos) + ".");
      if (c != '\\') {
        b.append(c);
        pos++;
        continue;
      }
      if (pos + 1 >= src.length()) throw errorAt(line, column(pos), "Unterminated string.");
      char e = src.charAt(pos + 1);
      switch (e) {
        case '"', '\\', '/' -> b.append(e);
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        case 't' -> b.append('\t');
        case 'u' -> {
          String hex = pos + 6 <= src.length() ? src.substring(pos + 2, pos + 6) : "";
          if (!hex.matches("[0-9a-fA-F]{4}"))
            throw errorAt(
                line,
                column(pos),
                "Invalid character escape sequence: \\u"
                    + src.substring(pos + 2, Math.min(src.length(), pos + 6))
                    + ".");
          b.append((char) Integer.parseInt(hex, 16));
          pos += 4;
        }
        default ->
            throw errorAt(line, column(pos), "Invalid character escape sequence: \\" + e + ".");
      }
      pos += 2;
    }
  }

  private Token blockString(int startCol) {
    int startLine = line;
    pos += 3;
    StringBuilder raw = new StringBuilder();
    while (true) {
      if (pos >= src.length()) throw errorAt(line, column(pos), "Unterminated string.");
      if (src.startsWith("\"\"\"", pos)) {
        pos += 3;
        // and a block string after its opening triple quote
        return new Token(Kind.BLOCK_STRING, blockValue(raw.toString()), startLine, startCol + 3);
      }
      if (src.startsWith("\\\"\"\"", pos)) {
        raw.append("\"\"\"");
        pos += 4;
        continue;
      }
      char c = src.charAt(pos);
      raw.append(c);
      pos++;
      if (c == '\n' || c == '\r' && !(pos < src.length() && src.charAt(pos) == '\n')) {
        line++;
        lineStart = pos;
      }
    }
  }

  /** The spec's BlockStringValue: common indentation and blank first/last lines removed. */
  static String blockValue(String raw) {
    String[] lines = raw.split("\r\n|\n|\r", -1);
    int common = Integer.MAX_VALUE;
    for (int i = 1; i < lines.length; i++) {
      String l = lines[i];
      int indent = 0;
      while (indent < l.length() && (l.charAt(indent) == ' ' || l.charAt(indent) == '\t')) indent++;
      if (indent < l.length() && indent < common) common = indent;
    }
    List<String> out = new ArrayList<>(List.of(lines));
    if (common != Integer.MAX_VALUE) {
      for (int i = 1; i < out.size(); i++) {
        String l = out.get(i);
        out.set(i, l.length() < common ? "" : l.substring(common));
      }
    }
    while (!out.isEmpty() && out.get(0).isBlank()) out.remove(0);
    while (!out.isEmpty() && out.get(out.size() - 1).isBlank()) out.remove(out.size() - 1);
    return String.join("\n", out);
  }

  // ---------------------------------------------------------------- parser helpers

  private Token peek() {
    if (peeked == null) {
      try {
        peeked = lex();
      } catch (Error e) {
        peeked = new Token(Kind.INVALID, "", e.line, e.column);
      }
    }
    return peeked;
  }

  private Token next() {
    Token t = peek();
    peeked = null;
    prev = t;
    return t;
  }

  private boolean skip(Kind k) {
    if (peek().kind != k) return false;
    next();
    return true;
  }

  private boolean peekKeyword(String word) {
    return peek().kind == Kind.NAME && peek().value.equals(word);
  }

  private Token expect(Kind k) {
    Token t = peek();
    if (t.kind == k) return next();
    throw errorAt(t.line, t.column, "Expected " + k.text + ", found " + t.kind.text);
  }

  private void expectKeyword(String word) {
    Token t = peek();
    if (t.kind == Kind.NAME && t.value.equals(word)) {
      next();
      return;
    }
    throw errorAt(t.line, t.column, "Expected \"" + word + "\", found " + t);
  }

  private Error unexpected(Token t) {
    return errorAt(t.line, t.column, "Unexpected " + t);
  }

  private Error unexpected() {
    return unexpected(peek());
  }

  private String name() {
    return expect(Kind.NAME).value;
  }

  /** Zero or more items between start and end; nothing when start is absent. */
  private List<Object> many(Kind start, Kind end, java.util.function.Supplier<Object> item) {
    List<Object> out = new ArrayList<>();
    if (!skip(start)) return out;
    while (peek().kind != end) out.add(item.get());
    next();
    return out;
  }

  private void enter() {
    if (++depth > MAX_DEPTH)
      throw errorAt(peek().line, peek().column, "nested more than " + MAX_DEPTH + " levels deep");
  }

  /** One or more items between start and end; nothing when start is absent. */
  private List<Object> some(Kind start, Kind end, java.util.function.Supplier<Object> item) {
    List<Object> out = new ArrayList<>();
    if (!skip(start)) return out;
    while (peek().kind != end) out.add(item.get());
    if (out.isEmpty())
      throw errorAt(
          peek().line,
          peek().column,
          "expected at least one definition, found " + peek().kind.text);
    next();
    return out;
  }

  private static Map<String, Object> node() {
    return new LinkedHashMap<>();
  }

  /** A node positioned at the next token (OPA drops the {@code Position} key from its results). */
  private Map<String, Object> nodeHere() {
    Map<String, Object> n = new LinkedHashMap<>();
    n.put("Position", List.of(peek().line, peek().column));
    return n;
  }

  // ---------------------------------------------------------------- query documents

  private Map<String, Object> queryDocument() {
    List<Object> operations = new ArrayList<>(), fragments = new ArrayList<>();
    while (peek().kind != Kind.EOF) {
      Token t = peek();
      if (t.kind == Kind.BRACE_L) {
        operations.add(operation());
      } else if (t.kind == Kind.NAME) {
        switch (t.value) {
          case "query", "mutation", "subscription" -> operations.add(operation());
          case "fragment" -> fragments.add(fragmentDefinition());
          default -> throw unexpected();
        }
      } else {
        throw unexpected();
      }
    }
    Map<String, Object> doc = node();
    doc.put("Operations", operations);
    doc.put("Fragments", fragments);
    return doc;
  }

  private Map<String, Object> operation() {
    Map<String, Object> op = nodeHere();
    if (peek().kind == Kind.BRACE_L) {
      op.put("Operation", "query");
      op.put("Name", "");
      op.put("SelectionSet", requiredSelectionSet());
      return op;
    }
    op.put("Operation", operationType());
    op.put("Name", peek().kind == Kind.NAME ? next().value : "");
    op.put("VariableDefinitions", variableDefinitions());
    op.put("Directives", directives(false));
    op.put("SelectionSet", requiredSelectionSet());
    return op;
  }

  private String operationType() {
    Token t = expect(Kind.NAME);
    return switch (t.value) {
      case "query", "mutation", "subscription" -> t.value;
      default -> throw unexpected(t);
    };
  }

  private List<Object> variableDefinitions() {
    return many(Kind.PAREN_L, Kind.PAREN_R, this::variableDefinition);
  }

  private Map<String, Object> variableDefinition() {
    Map<String, Object> v = node();
    v.put("Variable", variable());
    expect(Kind.COLON);
    v.put("Type", typeReference());
    if (skip(Kind.EQUALS)) v.put("DefaultValue", value(true));
    v.put("Directives", directives(true));
    v.put("Used", false);
    return v;
  }

  private String variable() {
    expect(Kind.DOLLAR);
    return name();
  }

  private List<Object> optionalSelectionSet() {
    return some(Kind.BRACE_L, Kind.BRACE_R, this::selection);
  }

  private List<Object> requiredSelectionSet() {
    Token t = peek();
    if (t.kind != Kind.BRACE_L)
      throw errorAt(t.line, t.column, "Expected " + Kind.BRACE_L.text + ", found " + t.kind.text);
    return some(Kind.BRACE_L, Kind.BRACE_R, this::selection);
  }

  private Object selection() {
    enter();
    try {
      return peek().kind == Kind.SPREAD ? fragment() : field();
    } finally {
      depth--;
    }
  }

  private Map<String, Object> field() {
    Map<String, Object> f = nodeHere();
    String alias = name();
    f.put("Alias", alias);
    f.put("Name", skip(Kind.COLON) ? name() : alias);
    f.put("Arguments", arguments(false));
    f.put("Directives", directives(false));
    if (peek().kind == Kind.BRACE_L) f.put("SelectionSet", optionalSelectionSet());
    return f;
  }

  private List<Object> arguments(boolean isConst) {
    return many(
        Kind.PAREN_L,
        Kind.PAREN_R,
        () -> {
          Map<String, Object> a = node();
          a.put("Name", name());
          expect(Kind.COLON);
          a.put("Value", value(isConst));
          return a;
        });
  }

  private Map<String, Object> fragment() {
    expect(Kind.SPREAD);
    if (peek().kind == Kind.NAME && !peek().value.equals("on")) {
      Map<String, Object> spread = node();
      spread.put("Name", fragmentName());
      spread.put("Directives", directives(false));
      return spread;
    }
    Map<String, Object> inline = node();
    if (peekKeyword("on")) {
      next();
      inline.put("TypeCondition", name());
    } else {
      inline.put("TypeCondition", "");
    }
    inline.put("Directives", directives(false));
    inline.put("SelectionSet", requiredSelectionSet());
    return inline;
  }

  private Map<String, Object> fragmentDefinition() {
    Map<String, Object> f = node();
    expectKeyword("fragment");
    f.put("Name", fragmentName());
    f.put("VariableDefinition", variableDefinitions());
    expectKeyword("on");
    f.put("TypeCondition", name());
    f.put("Directives", directives(false));
    f.put("SelectionSet", requiredSelectionSet());
    return f;
  }

  private String fragmentName() {
    if (peekKeyword("on")) throw unexpected();
    return name();
  }

  private Object value(boolean isConst) {
    enter();
    try {
      return valueAt(isConst);
    } finally {
      depth--;
    }
  }

  private Object valueAt(boolean isConst) {
    Token t = peek();
    Map<String, Object> v = node();
    // gqlparser's Value has this member (set by validation for an argument whose definition
    // has a default); OPA's syntax trees carry it on every value
    v.put("ExpectedTypeHasDefault", Boolean.FALSE);
    switch (t.kind) {
      case BRACKET_L -> {
        v.put("Raw", "");
        v.put(
            "Children",
            many(
                Kind.BRACKET_L,
                Kind.BRACKET_R,
                () -> {
                  Map<String, Object> child = node();
                  child.put("Name", "");
                  child.put("Value", value(isConst));
                  return child;
                }));
        v.put("Kind", 8);
        return v;
      }
      case BRACE_L -> {
        v.put("Raw", "");
        v.put(
            "Children",
            many(
                Kind.BRACE_L,
                Kind.BRACE_R,
                () -> {
                  Map<String, Object> child = node();
                  child.put("Name", name());
                  expect(Kind.COLON);
                  child.put("Value", value(isConst));
                  return child;
                }));
        v.put("Kind", 9);
        return v;
      }
      case DOLLAR -> {
        if (isConst) throw unexpected();
        v.put("Raw", variable());
        v.put("Kind", 0);
        return v;
      }
      case INT -> v.put("Kind", 1);
      case FLOAT -> v.put("Kind", 2);
      case STRING -> v.put("Kind", 3);
      case BLOCK_STRING -> v.put("Kind", 4);
      case NAME ->
          v.put(
              "Kind",
              switch (t.value) {
                case "true", "false" -> 5;
                case "null" -> 6;
                default -> 7;
              });
      default -> throw unexpected();
    }
    next();
    v.put("Raw", t.value);
    return v;
  }

  private List<Object> directives(boolean isConst) {
    List<Object> out = new ArrayList<>();
    while (peek().kind == Kind.AT) {
      next();
      Map<String, Object> d = node();
      d.put("Name", name());
      d.put("Arguments", arguments(isConst));
      d.put("Location", "");
      out.add(d);
    }
    return out;
  }

  private Map<String, Object> typeReference() {
    enter();
    try {
      return typeReferenceAt();
    } finally {
      depth--;
    }
  }

  private Map<String, Object> typeReferenceAt() {
    Map<String, Object> t = node();
    if (skip(Kind.BRACKET_L)) {
      t.put("NamedType", "");
      t.put("Elem", typeReference());
      expect(Kind.BRACKET_R);
    } else {
      t.put("NamedType", name());
    }
    t.put("NonNull", skip(Kind.BANG));
    return t;
  }

  // ---------------------------------------------------------------- schema documents

  private Map<String, Object> schemaDocument() {
    List<Object> schema = new ArrayList<>(), schemaExt = new ArrayList<>();
    List<Object> directives = new ArrayList<>(), definitions = new ArrayList<>();
    List<Object> extensions = new ArrayList<>();
    while (peek().kind != Kind.EOF) {
      Token descTok = null;
      String description = "";
      if (peek().kind == Kind.STRING || peek().kind == Kind.BLOCK_STRING) {
        descTok = next();
        description = descTok.value;
      }
      Token t = peek();
      if (t.kind != Kind.NAME) throw unexpected();
      switch (t.value) {
        case "scalar", "type", "interface", "union", "enum", "input" ->
            definitions.add(typeDefinition(description));
        case "schema" -> schema.add(schemaDefinition(description));
        case "directive" -> directives.add(directiveDefinition(description));
        case "extend" -> {
          if (descTok != null) throw unexpected(descTok);
          typeSystemExtension(schemaExt, extensions);
        }
        default -> throw unexpected();
      }
    }
    Map<String, Object> doc = node();
    doc.put("Schema", schema);
    doc.put("SchemaExtension", schemaExt);
    doc.put("Directives", directives);
    doc.put("Definitions", definitions);
    doc.put("Extensions", extensions);
    return doc;
  }

  private String description() {
    if (peek().kind == Kind.STRING || peek().kind == Kind.BLOCK_STRING) return next().value;
    return "";
  }

  private Map<String, Object> definition(String kind, String description, String name) {
    Map<String, Object> d = node();
    d.put("Kind", kind);
    d.put("Description", description);
    d.put("Name", name);
    d.put("BuiltIn", false);
    return d;
  }

  private Map<String, Object> typeDefinition(String description) {
    List<Integer> at = List.of(peek().line, peek().column);
    String keyword = next().value;
    Map<String, Object> d =
        definition(
            switch (keyword) {
              case "scalar" -> "SCALAR";
              case "type" -> "OBJECT";
              case "interface" -> "INTERFACE";
              case "union" -> "UNION";
              case "enum" -> "ENUM";
              default -> "INPUT_OBJECT";
            },
            description,
            name());
    d.put("Position", at);
    typeBody(keyword, d);
    return d;
  }

  private void typeBody(String keyword, Map<String, Object> d) {
    switch (keyword) {
      case "scalar" -> d.put("Directives", directives(true));
      case "type", "interface" -> {
        d.put("Interfaces", implementsInterfaces());
        d.put("Directives", directives(true));
        d.put("Fields", some(Kind.BRACE_L, Kind.BRACE_R, this::fieldDefinition));
      }
      case "union" -> {
        d.put("Directives", directives(true));
        d.put("Types", unionMembers());
      }
      case "enum" -> {
        d.put("Directives", directives(true));
        d.put(
            "EnumValues",
            some(
                Kind.BRACE_L,
                Kind.BRACE_R,
                () -> {
                  Map<String, Object> e = node();
                  e.put("Description", description());
                  e.put("Name", name());
                  e.put("Directives", directives(true));
                  return e;
                }));
      }
      default -> {
        d.put("Directives", directives(true));
        d.put("Fields", some(Kind.BRACE_L, Kind.BRACE_R, this::inputValueDefinition));
      }
    }
  }

  private List<Object> implementsInterfaces() {
    List<Object> out = new ArrayList<>();
    if (!peekKeyword("implements")) return out;
    next();
    skip(Kind.AMP);
    out.add(name());
    while (skip(Kind.AMP)) out.add(name());
    return out;
  }

  private List<Object> unionMembers() {
    List<Object> out = new ArrayList<>();
    if (!skip(Kind.EQUALS)) return out;
    skip(Kind.PIPE);
    out.add(name());
    while (skip(Kind.PIPE)) out.add(name());
    return out;
  }

  private Map<String, Object> fieldDefinition() {
    Map<String, Object> f = nodeHere();
    f.put("Description", description());
    f.put("Name", name());
    f.put("Arguments", many(Kind.PAREN_L, Kind.PAREN_R, this::inputValueDefinition));
    expect(Kind.COLON);
    f.put("Type", typeReference());
    f.put("Directives", directives(true));
    return f;
  }

  private Map<String, Object> inputValueDefinition() {
    Map<String, Object> a = node();
    a.put("Description", description());
    a.put("Name", name());
    expect(Kind.COLON);
    a.put("Type", typeReference());
    if (skip(Kind.EQUALS)) a.put("DefaultValue", value(true));
    a.put("Directives", directives(true));
    return a;
  }

  private Map<String, Object> schemaDefinition(String description) {
    Map<String, Object> s = nodeHere();
    expectKeyword("schema");
    s.put("Description", description);
    s.put("Directives", directives(true));
    s.put("OperationTypes", some(Kind.BRACE_L, Kind.BRACE_R, this::operationTypeDefinition));
    return s;
  }

  private Map<String, Object> operationTypeDefinition() {
    Map<String, Object> o = nodeHere();
    o.put("Operation", operationType());
    expect(Kind.COLON);
    o.put("Type", name());
    return o;
  }

  private Map<String, Object> directiveDefinition(String description) {
    expectKeyword("directive");
    expect(Kind.AT);
    Map<String, Object> d = node();
    d.put("Description", description);
    d.put("Name", name());
    d.put("Arguments", many(Kind.PAREN_L, Kind.PAREN_R, this::inputValueDefinition));
    boolean repeatable = peekKeyword("repeatable");
    if (repeatable) next();
    d.put("IsRepeatable", repeatable);
    expectKeyword("on");
    List<Object> locations = new ArrayList<>();
    skip(Kind.PIPE);
    do {
      String loc = name();
      if (!DIRECTIVE_LOCATIONS.contains(loc)) throw unexpected(prev);
      locations.add(loc);
    } while (skip(Kind.PIPE));
    d.put("Locations", locations);
    return d;
  }

  private void typeSystemExtension(List<Object> schemaExt, List<Object> extensions) {
    expectKeyword("extend");
    Token t = peek();
    if (t.kind != Kind.NAME) throw unexpected();
    switch (t.value) {
      case "schema" -> {
        next();
        Map<String, Object> s = node();
        s.put("Description", "");
        List<Object> dirs = directives(true);
        List<Object> ops = some(Kind.BRACE_L, Kind.BRACE_R, this::operationTypeDefinition);
        if (dirs.isEmpty() && ops.isEmpty()) throw unexpected();
        s.put("Directives", dirs);
        s.put("OperationTypes", ops);
        schemaExt.add(s);
      }
      case "scalar", "type", "interface", "union", "enum", "input" -> {
        Map<String, Object> d = typeDefinition("");
        boolean empty = true;
        for (String k : new String[] {"Interfaces", "Directives", "Fields", "Types", "EnumValues"})
          if (d.get(k) instanceof List<?> l && !l.isEmpty()) empty = false;
        if (empty) throw unexpected();
        extensions.add(d);
      }
      default -> throw unexpected();
    }
  }
}
