package dev.lattice.policy.internal.rego.parser;

import dev.lattice.policy.Location;
import dev.lattice.policy.RegoException;
import dev.lattice.policy.internal.rego.ast.Ast.*;
import dev.lattice.policy.internal.rego.lexer.Lexer;
import dev.lattice.policy.internal.rego.lexer.Token;
import dev.lattice.policy.internal.rego.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Recursive-descent parser for Rego v1 modules, queries and terms. */
public final class Parser {
  private static final Map<String, String> RELATION =
      Map.of("==", "equal", "!=", "neq", "<", "lt", "<=", "lte", ">", "gt", ">=", "gte");
  private static final Set<String> KEYWORDS =
      Set.of(
          "package",
          "import",
          "default",
          "else",
          "if",
          "contains",
          "some",
          "in",
          "every",
          "not",
          "with",
          "as");
  private static final Set<String> LITERALS = Set.of("true", "false", "null");
  private static final int MAX_DEPTH = 400;

  private final String file;
  private final List<Token> toks;
  private int p;
  private int nest;
  private boolean noUnion;
  private int depth;
  private int wildcards;
  private int templateVars;

  /** The built-in a template string is lowered to, as OPA does. */
  public static final String TEMPLATE_STRING = "internal.template_string";

  /** Prefix of the variables a template string's lowering introduces. */
  public static final String TEMPLATE_VAR = "__tpl";

  /** {@code import rego.v2} or {@code import future.keywords.not}: {@code not { ... }} bodies. */
  private boolean negatedBodies;

  private Parser(String file, String src) {
    this.file = file;
    this.toks = Lexer.tokenize(file, src);
  }

  public static RegoModuleAst parseModule(String file, String src) {
    Parser ps = new Parser(file, src);
    try {
      return ps.module();
    } catch (StackOverflowError e) {
      throw new RegoException(
          RegoException.PARSE, "policy nested too deeply", new Location(file, 1, 1));
    }
  }

  public static List<Expr> parseQuery(String src) {
    Parser ps = new Parser("query", src);
    try {
      List<Expr> body = ps.literals(null);
      if (body.isEmpty()) throw ps.error("empty query");
      return body;
    } catch (StackOverflowError e) {
      throw new RegoException(
          RegoException.PARSE, "query nested too deeply", new Location("query", 1, 1));
    }
  }

  public static Term parseTerm(String src) {
    Parser ps = new Parser("term", src);
    Term t = ps.infix();
    if (ps.peek().kind() != Token.Kind.EOF) throw ps.error("unexpected " + ps.describe(ps.peek()));
    return t;
  }

  // ---------------------------------------------------------------- helpers

  private Token peek() {
    return toks.get(p);
  }

  private Token peek(int k) {
    return toks.get(Math.min(p + k, toks.size() - 1));
  }

  private Token next() {
    Token t = toks.get(p);
    if (t.kind() != Token.Kind.EOF) p++;
    return t;
  }

  private boolean at(String s) {
    Token t = peek();
    return (t.kind() == Token.Kind.OP || t.kind() == Token.Kind.IDENT) && t.text().equals(s);
  }

  /**
   * A keyword or literal directly followed by {@code .} starts a ref, as in OPA v1 ({@code if.foo
   * := 1}, {@code true.foo == 1}, {@code import data.foo.as as x}).
   */
  private boolean atKeywordRef() {
    Token t = peek();
    if (t.kind() != Token.Kind.IDENT
        || !(KEYWORDS.contains(t.text()) || LITERALS.contains(t.text()))) return false;
    Token n = peek(1);
    return n.kind() == Token.Kind.OP
        && n.text().equals(".")
        && n.line() == t.line()
        && n.col() == t.col() + t.text().length();
  }

  /** {@code s} as a keyword, not as the head of a ref. */
  private boolean atKeyword(String s) {
    return at(s) && !atKeywordRef();
  }

  private boolean atOp(String s) {
    Token t = peek();
    return t.kind() == Token.Kind.OP && t.text().equals(s);
  }

  private Location loc(Token t) {
    return new Location(file, t.line(), t.col());
  }

  private RegoException error(String msg) {
    return new RegoException(RegoException.PARSE, msg, loc(peek()));
  }

  /**
   * A token as OPA's parse errors name it ({@code unexpected } token}, {@code unexpected assign
   * token}, {@code unexpected eof token}, {@code unexpected identifier token}, {@code unexpected
   * else keyword}): OPA's token names (v1/ast/internal/tokens), "keyword" for keywords.
   */
  private String describe(Token t) {
    return switch (t.kind()) {
      case EOF -> "eof token";
      case STRING, RAW_STRING, TEMPLATE_START, TEMPLATE_TEXT, TEMPLATE_END -> "string token";
      case NUMBER -> "number token";
      case IDENT ->
          KEYWORDS.contains(t.text()) || LITERALS.contains(t.text())
              ? t.text() + " keyword"
              : "identifier token";
      case OP ->
          switch (t.text()) {
                case "+" -> "plus";
                case "-" -> "minus";
                case "*" -> "mul";
                case "/" -> "div";
                case "%" -> "rem";
                case "&" -> "and";
                case "|" -> "or";
                case "=" -> "eq";
                case "==" -> "equal";
                case ":=" -> "assign";
                case "!=" -> "neq";
                case ">" -> "gt";
                case "<" -> "lt";
                case ">=" -> "gte";
                case "<=" -> "lte";
                default -> t.text();
              }
              + " token";
    };
  }

  private Token expect(String s) {
    if (!at(s)) throw error("unexpected " + describe(peek()) + ": expected " + s);
    return next();
  }

  private boolean continues() {
    return nest > 0 || !peek().newlineBefore();
  }

  private void enter() {
    if (++depth > MAX_DEPTH) throw error("expression nested too deeply");
  }

  // ---------------------------------------------------------------- modules

  private RegoModuleAst module() {
    Token pk = peek();
    if (!at("package")) throw error("package expected");
    next();
    List<String> pkg = new ArrayList<>();
    pkg.add(identName(next()));
    while (atOp(".") || atOp("[")) {
      if (atOp(".")) {
        next();
        pkg.add(identName(next()));
      } else {
        next();
        Token s = next();
        if (s.kind() != Token.Kind.STRING) throw error("package path must be made of strings");
        pkg.add(s.text());
        expect("]");
      }
    }
    List<Import> imports = new ArrayList<>();
    List<Rule> rules = new ArrayList<>();
    while (peek().kind() != Token.Kind.EOF) {
      if (atKeyword("import")) {
        Token it = next();
        Term path = refOnly();
        String alias = null;
        if (at("as") && !peek().newlineBefore()) {
          next();
          alias = identName(next());
        }
        imports.add(new Import(path, alias, loc(it)));
        String text = importPath(path);
        if (text.equals("rego.v2") || text.equals("future.keywords.not")) negatedBodies = true;
      } else if (atKeyword("package")) {
        throw error("unexpected 'package': one package per module");
      } else {
        rules.add(rule());
      }
    }
    return new RegoModuleAst(file, pkg, imports, rules, loc(pk));
  }

  private static String importPath(Term t) {
    if (t instanceof Var v) return v.name();
    if (!(t instanceof Ref r) || !(r.head() instanceof Var h)) return "";
    StringBuilder sb = new StringBuilder(h.name());
    for (Term e : r.path()) {
      if (!(e instanceof Scalar s) || !(s.value() instanceof Value.Str str)) return "";
      sb.append('.').append(str.value);
    }
    return sb.toString();
  }

  private String identName(Token t) {
    if (t.kind() != Token.Kind.IDENT) {
      p--;
      // OPA's wording where the input ends early ("package foo." for one)
      if (t.kind() == Token.Kind.EOF) throw error("unexpected eof token: expected ident");
      throw error("unexpected " + describe(t) + ": expected ident");
    }
    return t.text();
  }

  private Term refOnly() {
    Token t = next();
    if (t.kind() != Token.Kind.IDENT) {
      p--;
      throw error("expected reference");
    }
    Term head = new Var(t.text(), loc(t));
    List<Term> path = new ArrayList<>();
    while (!peek().newlineBefore() && (atOp(".") || atOp("["))) {
      if (atOp(".")) {
        next();
        Token n = next();
        path.add(new Scalar(Value.str(identName(n).intern()), loc(n)));
      } else {
        next();
        path.add(infix());
        expect("]");
      }
    }
    return path.isEmpty() ? head : new Ref(head, path, loc(t));
  }

  private Rule rule() {
    Token start = peek();
    if (atKeyword("default")) {
      next();
      Term head = refOnly();
      List<Term> dargs = null;
      if (atOp("(") && !peek().newlineBefore()) {
        next();
        nest++;
        dargs = new ArrayList<>();
        if (!atOp(")")) {
          dargs.add(infix());
          while (atOp(",")) {
            next();
            dargs.add(infix());
          }
        }
        expect(")");
        nest--;
      }
      Term value;
      boolean assign = atOp(":=");
      if (atOp(":=") || atOp("=")) {
        next();
        value = infix();
      } else {
        throw error("default rule must have a value (default p := <value>)");
      }
      return new Rule(head, dargs, null, value, true, assign, List.of(), null, loc(start));
    }
    if (peek().kind() != Token.Kind.IDENT || KEYWORDS.contains(peek().text()) && !atKeywordRef()) {
      throw error("unexpected " + describe(peek()));
    }
    Term head = refOnly();
    List<Term> args = null;
    if (atOp("(") && !peek().newlineBefore()) {
      next();
      nest++;
      args = new ArrayList<>();
      if (!atOp(")")) {
        args.add(infix());
        while (atOp(",")) {
          next();
          args.add(infix());
        }
      }
      expect(")");
      nest--;
    }
    Term key = null;
    Term value = null;
    boolean assign = false;
    if (at("contains") && !peek().newlineBefore()) {
      next();
      key = infix();
    } else if ((atOp(":=") || atOp("=")) && !peek().newlineBefore()) {
      assign = atOp(":=");
      next();
      value = infix();
    }
    List<Expr> body = ruleBody(start, true);
    Rule elseRule = null;
    if (atKeyword("else")) {
      elseRule = elseChain();
    }
    return new Rule(head, args, key, value, false, assign, body, elseRule, loc(start));
  }

  private Rule elseChain() {
    Token e = expect("else");
    Term value = null;
    boolean assign = false;
    if (atOp(":=") || atOp("=")) {
      assign = atOp(":=");
      next();
      value = infix();
    }
    List<Expr> body = ruleBody(e, false);
    Rule next = atKeyword("else") ? elseChain() : null;
    return new Rule(null, null, null, value, false, assign, body, next, loc(e));
  }

  /** Body after a head: {@code if {..}}, {@code if literal}, {@code {..}}, or none (true). */
  private List<Expr> ruleBody(Token start, boolean allowBareBrace) {
    if (atKeyword("if")) {
      next();
      if (atOp("{")) {
        int mark = p, saveDepth = depth, saveWildcards = wildcards;
        try {
          return braceBody();
        } catch (RegoException notABody) {
          // `p if {k: v | ...}`: the body is one expression, an object (or set) comprehension
          // or literal, as OPA reads it; when that fails too, the body's error is the one to show.
          p = mark;
          depth = saveDepth;
          wildcards = saveWildcards;
          int save = nest;
          nest = 0;
          try {
            Expr single = literal();
            if (!peek().newlineBefore() && peek().kind() != Token.Kind.EOF && !at("else"))
              throw notABody;
            return List.of(single);
          } catch (RegoException alsoNot) {
            throw notABody;
          } finally {
            nest = save;
          }
        }
      }
      int save = nest;
      nest = 0;
      try {
        return List.of(literal());
      } finally {
        nest = save;
      }
    }
    if (atOp("{") && !peek().newlineBefore() && allowBareBrace) {
      return braceBody();
    }
    return List.of(
        new Expr(new TermLit(new Scalar(Value.TRUE, loc(start))), false, List.of(), loc(start)));
  }

  private List<Expr> braceBody() {
    expect("{");
    List<Expr> body = literals("}");
    expect("}");
    if (body.isEmpty()) throw error("found empty body");
    return body;
  }

  /** Literals separated by ';' or newlines until {@code end} (or EOF when null). */
  private List<Expr> literals(String end) {
    int saveNest = nest;
    boolean saveNoUnion = noUnion;
    nest = 0;
    noUnion = false;
    try {
      List<Expr> out = new ArrayList<>();
      while (true) {
        while (atOp(";")) next();
        if (end == null ? peek().kind() == Token.Kind.EOF : atOp(end)) return out;
        if (peek().kind() == Token.Kind.EOF) throw error("unexpected eof token: expected " + end);
        out.add(literal());
        boolean sep =
            atOp(";")
                || peek().newlineBefore()
                || (end == null ? peek().kind() == Token.Kind.EOF : atOp(end));
        if (!sep) throw error("unexpected " + describe(peek()) + ": expected end of expression");
      }
    } finally {
      nest = saveNest;
      noUnion = saveNoUnion;
    }
  }

  // ---------------------------------------------------------------- literals

  private Expr literal() {
    Token start = peek();
    if (atKeyword("some")) {
      next();
      List<Term> terms = new ArrayList<>();
      terms.add(relation());
      while (atOp(",")) {
        next();
        terms.add(relation());
      }
      if (at("in")) {
        next();
        if (terms.size() > 2) throw error("unexpected ',' in some ... in");
        Term coll = relation();
        Lit lit =
            terms.size() == 1
                ? new SomeIn(null, terms.get(0), coll)
                : new SomeIn(terms.get(0), terms.get(1), coll);
        return new Expr(lit, false, withs(), loc(start));
      }
      for (Term t : terms) {
        if (!(t instanceof Var))
          throw new RegoException(RegoException.PARSE, "expected var in some declaration", t.loc());
      }
      return new Expr(new SomeDecl(terms), false, List.of(), loc(start));
    }
    if (atKeyword("every")) {
      next();
      Term k = null;
      Term v = relation();
      if (atOp(",")) {
        next();
        k = v;
        v = relation();
      }
      expect("in");
      Term domain = relation();
      List<Expr> body = braceBody();
      return new Expr(new Every(k, v, domain, body), false, withs(), loc(start));
    }
    boolean negated = false;
    if (atKeyword("not")) {
      next();
      negated = true;
      if (negatedBodies && atOp("{")) {
        // `not { a; b }` holds when the body has no solution: the negation of
        // `[true | a; b][0]`, whose comprehension closes over the outer variables as OPA's
        // negated body does.
        Token brace = peek();
        List<Expr> body = braceBody();
        Term first =
            new Ref(
                new ArrayCompr(new Scalar(Value.TRUE, loc(brace)), body, loc(brace)),
                List.of(new Scalar(Value.num(0), loc(brace))),
                loc(brace));
        return new Expr(new TermLit(first), true, withs(), loc(start));
      }
    }
    Term left = member3(infix());
    Lit lit;
    if ((atOp(":=") || atOp("=")) && continues()) {
      boolean assign = atOp(":=");
      next();
      Term right = infix();
      lit = assign ? new Assign(left, right) : new Unify(left, right);
    } else {
      lit = new TermLit(left);
    }
    return new Expr(lit, negated, withs(), loc(start));
  }

  private List<With> withs() {
    List<With> out = new ArrayList<>();
    while (atKeyword("with")) {
      Token w = next();
      Term target = refOnly();
      expect("as");
      Term value = infix();
      out.add(new With(target, value, loc(w)));
    }
    return out.isEmpty() ? List.of() : out;
  }

  // ---------------------------------------------------------------- terms

  /** Full infix expression including {@code in}. */
  private Term infix() {
    enter();
    try {
      Term left = relation();
      while (at("in") && continues()) {
        Token op = next();
        Term right = relation();
        left = new Call("internal.member_2", List.of(left, right), loc(op), null);
      }
      return left;
    } finally {
      depth--;
    }
  }

  /** {@code key, value in collection} after a first term, where a ',' cannot mean anything else. */
  private Term member3(Term first) {
    if (!atOp(",")) return first;
    int save = p;
    next();
    Term second = relation();
    if (!at("in")) {
      p = save;
      return first;
    }
    Token op = next();
    Term coll = relation();
    Term left = new Call("internal.member_3", List.of(first, second, coll), loc(op), null);
    while (at("in") && continues()) {
      Token op2 = next();
      Term right = relation();
      left = new Call("internal.member_2", List.of(left, right), loc(op2), null);
    }
    return left;
  }

  private Term relation() {
    Term left = or();
    while (peek().kind() == Token.Kind.OP && RELATION.containsKey(peek().text()) && continues()) {
      Token op = next();
      Term right = or();
      left = new Call(RELATION.get(op.text()), List.of(left, right), loc(op), null);
    }
    return left;
  }

  private Term or() {
    Term left = and();
    while (!noUnion && atOp("|") && continues()) {
      Token op = next();
      Term right = and();
      left = new Call("or", List.of(left, right), loc(op), null);
    }
    return left;
  }

  private Term and() {
    Term left = arith();
    while (atOp("&") && continues()) {
      Token op = next();
      Term right = arith();
      left = new Call("and", List.of(left, right), loc(op), null);
    }
    return left;
  }

  private Term arith() {
    Term left = factor();
    while ((atOp("+") || atOp("-")) && continues()) {
      Token op = next();
      Term right = factor();
      left =
          new Call(op.text().equals("+") ? "plus" : "minus", List.of(left, right), loc(op), null);
    }
    return left;
  }

  private Term factor() {
    Term left = unary();
    while ((atOp("*") || atOp("/") || atOp("%")) && continues()) {
      Token op = next();
      Term right = unary();
      String name =
          switch (op.text()) {
            case "*" -> "mul";
            case "/" -> "div";
            default -> "rem";
          };
      left = new Call(name, List.of(left, right), loc(op), null);
    }
    return left;
  }

  private Term unary() {
    if (atOp("-")) {
      Token m = next();
      if (peek().kind() == Token.Kind.NUMBER
          && peek().line() == m.line()
          && peek().col() == m.col() + 1) {
        Token n = next();
        Value.Num num = Value.Num.parse("-" + n.text());
        if (num == null) throw error("invalid number");
        return postfix(new Scalar(num, loc(m)));
      }
      Term operand = unary();
      return new Call("minus", List.of(new Scalar(Value.num(0), loc(m)), operand), loc(m), null);
    }
    return postfix(primary());
  }

  private Term primary() {
    enter();
    try {
      Token t = peek();
      switch (t.kind()) {
        case NUMBER -> {
          next();
          Value.Num n = Value.Num.parse(t.text());
          if (n == null) throw error("invalid number " + t.text());
          return new Scalar(n, loc(t));
        }
        case STRING, RAW_STRING -> {
          next();
          return new Scalar(
              Value.str(t.text().length() <= 32 ? t.text().intern() : t.text()), loc(t));
        }
        case TEMPLATE_START -> {
          return templateString();
        }
        case IDENT -> {
          if (atKeywordRef()) {
            next();
            return new Var(t.text(), loc(t));
          }
          if (KEYWORDS.contains(t.text()) && !t.text().equals("contains")) {
            throw error("unexpected " + t.text() + " keyword");
          }
          next();
          switch (t.text()) {
            case "true":
              return new Scalar(Value.TRUE, loc(t));
            case "false":
              return new Scalar(Value.FALSE, loc(t));
            case "null":
              return new Scalar(Value.NULL, loc(t));
            case "set":
              if (atOp("(") && peek(1).kind() == Token.Kind.OP && peek(1).text().equals(")")) {
                next();
                next();
                return new SetT(List.of(), loc(t));
              }
              return new Var(t.text(), loc(t));
            case "_":
              return new Var("$_" + (wildcards++), loc(t));
            default:
              return new Var(t.text(), loc(t));
          }
        }
        case OP -> {
          switch (t.text()) {
            case "(" -> {
              next();
              nest++;
              boolean saveNoUnion = noUnion;
              noUnion = false;
              Term inner = member3(infix());
              noUnion = saveNoUnion;
              expect(")");
              nest--;
              return inner;
            }
            case "[" -> {
              return array();
            }
            case "{" -> {
              return braces();
            }
            default -> throw error("unexpected " + describe(t));
          }
        }
        default -> throw error("unexpected " + describe(t));
      }
    } finally {
      depth--;
    }
  }

  /**
   * {@code $"text {expr} text"}: lowered as OPA lowers it, to {@code
   * internal.template_string([parts])} where each literal text is a string and each template
   * expression {@code e} (with its {@code with} modifiers) the set comprehension {@code {v | v =
   * e}}, so that an undefined expression gives an empty set.
   */
  private Term templateString() {
    Token start = next();
    List<Term> parts = new ArrayList<>();
    while (true) {
      Token t = peek();
      if (t.kind() == Token.Kind.TEMPLATE_END) {
        next();
        break;
      }
      if (t.kind() == Token.Kind.TEMPLATE_TEXT) {
        next();
        parts.add(new Scalar(Value.str(t.text()), loc(t)));
        continue;
      }
      if (!atOp("{")) throw error("unexpected " + describe(t) + " in template string");
      Token open = next();
      if (atOp("}")) throw error("empty template expression");
      int saveNest = nest;
      boolean saveNoUnion = noUnion;
      nest = 1;
      noUnion = false;
      Term value = infix();
      List<With> withs = withs();
      nest = saveNest;
      noUnion = saveNoUnion;
      if (!atOp("}"))
        throw error(
            "unexpected " + describe(peek()) + ", expected '}' ending the template expression");
      next();
      Var v = new Var(TEMPLATE_VAR + (templateVars++) + "__", loc(open));
      parts.add(
          new SetCompr(
              v, List.of(new Expr(new Unify(v, value), false, withs, value.loc())), loc(open)));
    }
    return new Call(TEMPLATE_STRING, List.of(new ArrayT(parts, loc(start))), loc(start), null);
  }

  private Term array() {
    Token open = next();
    nest++;
    try {
      if (atOp("]")) {
        next();
        return new ArrayT(List.of(), loc(open));
      }
      boolean save = noUnion;
      noUnion = true;
      Term first = infix();
      noUnion = save;
      if (atOp("|")) {
        next();
        List<Expr> body = literals("]");
        expect("]");
        if (body.isEmpty()) throw error("empty comprehension body");
        return new ArrayCompr(first, body, loc(open));
      }
      List<Term> elems = new ArrayList<>();
      elems.add(first);
      while (atOp(",")) {
        next();
        if (atOp("]")) break;
        elems.add(infix());
      }
      expect("]");
      return new ArrayT(elems, loc(open));
    } finally {
      nest--;
    }
  }

  private Term braces() {
    Token open = next();
    nest++;
    try {
      if (atOp("}")) {
        next();
        return new ObjectT(List.of(), loc(open));
      }
      boolean save = noUnion;
      noUnion = true;
      Term first = infix();
      if (atOp(":")) {
        next();
        Term value = infix();
        noUnion = save;
        if (atOp("|")) {
          next();
          List<Expr> body = literals("}");
          expect("}");
          if (body.isEmpty()) throw error("empty comprehension body");
          return new ObjectCompr(first, value, body, loc(open));
        }
        List<Entry> entries = new ArrayList<>();
        entries.add(new Entry(first, value));
        while (atOp(",")) {
          next();
          if (atOp("}")) break;
          Term k = infix();
          expect(":");
          entries.add(new Entry(k, infix()));
        }
        expect("}");
        return new ObjectT(entries, loc(open));
      }
      noUnion = save;
      if (atOp("|")) {
        next();
        List<Expr> body = literals("}");
        expect("}");
        if (body.isEmpty()) throw error("empty comprehension body");
        return new SetCompr(first, body, loc(open));
      }
      List<Term> elems = new ArrayList<>();
      elems.add(first);
      while (atOp(",")) {
        next();
        if (atOp("}")) break;
        elems.add(infix());
      }
      expect("}");
      return new SetT(elems, loc(open));
    } finally {
      nest--;
    }
  }

  private Term postfix(Term base) {
    Term head = base;
    List<Term> path = new ArrayList<>();
    while (continues() || atOp("(") && !peek().newlineBefore()) {
      if (atOp(".") && !(head instanceof Scalar s && !(s.value() instanceof Value.Str))) {
        next();
        Token n = next();
        if (n.kind() != Token.Kind.IDENT) {
          p--;
          throw error("expected identifier after '.'");
        }
        path.add(new Scalar(Value.str(n.text().intern()), loc(n)));
      } else if (atOp("[") && !(head instanceof Scalar)) {
        next();
        nest++;
        boolean save = noUnion;
        noUnion = false;
        path.add(infix());
        noUnion = save;
        expect("]");
        nest--;
      } else if (atOp("(") && !peek().newlineBefore() && isFunctionName(head, path)) {
        Token open = next();
        nest++;
        boolean save = noUnion;
        noUnion = false;
        List<Term> args = new ArrayList<>();
        if (!atOp(")")) {
          args.add(infix());
          while (atOp(",")) {
            next();
            if (atOp(")")) break; // a trailing comma, as in a call spread over lines
            args.add(infix());
          }
        }
        noUnion = save;
        expect(")");
        nest--;
        StringBuilder name = new StringBuilder(((Var) head).name());
        for (Term pt : path) name.append('.').append(((Value.Str) ((Scalar) pt).value()).value);
        head = new Call(name.toString(), args, head.loc(), null);
        path = new ArrayList<>();
      } else {
        break;
      }
    }
    return path.isEmpty() ? head : new Ref(head, path, head.loc());
  }

  private static boolean isFunctionName(Term head, List<Term> path) {
    if (!(head instanceof Var v) || v.wildcard()) return false;
    for (Term t : path) {
      if (!(t instanceof Scalar s && s.value() instanceof Value.Str)) return false;
    }
    return true;
  }
}
