package dev.lattice.policy.internal.rego.format;

import dev.lattice.policy.Location;
import dev.lattice.policy.internal.rego.ast.Ast.*;
import dev.lattice.policy.internal.rego.lexer.Lexer;
import dev.lattice.policy.internal.rego.lexer.Token;
import dev.lattice.policy.internal.rego.parser.Parser;
import dev.lattice.policy.internal.rego.value.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Canonical formatting of a Rego module, in the style of {@code opa fmt}: the module is parsed and
 * printed again from its syntax tree, with tabs for indentation, one space around operators, {@code
 * if} before every rule body, {@code :=}/{@code =} and {@code contains} as written, refs in dotted
 * form where possible and only the parentheses precedence needs.
 *
 * <p>Layout decisions that the tree cannot make come from the source, as OPA's formatter takes them
 * from locations: a composite value, call or comprehension whose elements begin on another line
 * than its opening bracket is written one element per line (objects, arrays and sets with a
 * trailing comma); a one-expression body written after {@code if} without braces stays on the
 * rule's line; runs of blank lines become one blank line (none at the start or end of a block); raw
 * strings and number literals keep their spelling. Every comment is kept: a comment on a line of
 * its own stays on a line of its own before the code that followed it, a comment at the end of a
 * line stays at the end of that line.
 *
 * <p>Formatting is idempotent ({@code format(format(x)) == format(x)}), and {@link #format} checks
 * that the result parses to the same tree as the input.
 */
public final class Formatter {
  private static final Map<String, String> INFIX =
      Map.ofEntries(
          Map.entry("equal", "=="),
          Map.entry("neq", "!="),
          Map.entry("lt", "<"),
          Map.entry("lte", "<="),
          Map.entry("gt", ">"),
          Map.entry("gte", ">="),
          Map.entry("or", "|"),
          Map.entry("and", "&"),
          Map.entry("plus", "+"),
          Map.entry("minus", "-"),
          Map.entry("mul", "*"),
          Map.entry("div", "/"),
          Map.entry("rem", "%"));
  private static final Set<String> RELATIONS = Set.of("equal", "neq", "lt", "lte", "gt", "gte");
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
          "as",
          "true",
          "false",
          "null",
          "set");

  /** The first term of a body literal, the only place {@code k, v in xs} needs no parentheses. */
  private static final int P_LIT = -1;

  private static final int P_TOP = 0;
  private static final int P_IN = 1;
  private static final int P_REL = 2;
  private static final int P_OR = 3;
  private static final int P_AND = 4;
  private static final int P_ARITH = 5;
  private static final int P_FACTOR = 6;
  private static final int P_UNARY = 7;
  private static final int P_NESTED = 8;

  private final boolean flat;
  private final List<Token> tokens;
  private final Map<Long, Integer> tokenAt = new HashMap<>();
  private final List<Lexer.Comment> comments;
  private final String[] lines;

  private final StringBuilder out = new StringBuilder();
  private int indent;
  private boolean lineOpen;
  private boolean blockStart = true;
  private boolean forceBlank;
  private int ci;
  private int lastCommentLine;

  /** Inside an element of a composite or a comprehension head, where {@code |} must be wrapped. */
  private boolean noUnion;

  private Formatter(String file, String src, boolean flat) {
    this.flat = flat;
    this.comments = new ArrayList<>();
    this.tokens = flat ? List.of() : Lexer.tokenize(file, src, comments);
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      tokenAt.putIfAbsent(key(t.line(), t.col()), i);
    }
    this.lines = src.split("\n", -1);
  }

  /**
   * The canonical form of a module. Throws the parser's {@code RegoException} when the source does
   * not parse.
   */
  public static String format(String file, String src) {
    RegoModuleAst module = Parser.parseModule(file, src);
    Formatter f = new Formatter(file, src, false);
    f.module(module);
    String formatted = f.out.toString();
    String before = shape(module);
    String after = shape(Parser.parseModule(file, formatted));
    if (!before.equals(after)) {
      throw new IllegalStateException(
          file
              + ": formatting changed the meaning of the module (a formatter bug):\n"
              + before
              + "\n----\n"
              + after);
    }
    return formatted;
  }

  /**
   * The module's tree written on as few lines as possible without comments and without anything
   * taken from the source text: two modules have the same shape when they mean the same.
   */
  public static String shape(RegoModuleAst module) {
    Formatter f = new Formatter(module.file(), "", true);
    f.module(module);
    return f.out.toString();
  }

  private static long key(int line, int col) {
    return ((long) line << 24) | col;
  }

  // ------------------------------------------------------------------ token lookups

  private Token token(Location loc) {
    Integer i = loc == null ? null : tokenAt.get(key(loc.line(), loc.column()));
    return i == null ? null : tokens.get(i);
  }

  private int index(Location loc) {
    Integer i = loc == null ? null : tokenAt.get(key(loc.line(), loc.column()));
    return i == null ? -1 : i;
  }

  /** The line of the token before the one at {@code loc}, or 0. */
  private int previousTokenLine(Location loc) {
    int i = index(loc);
    return i > 0 ? tokens.get(i - 1).line() : 0;
  }

  /** The closing bracket matching the opening bracket at token index {@code open}. */
  private Token matchingCloser(int open) {
    if (open < 0) return null;
    int depth = 0;
    for (int i = open; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.kind() != Token.Kind.OP) continue;
      switch (t.text()) {
        case "{", "[", "(" -> depth++;
        case "}", "]", ")" -> {
          if (--depth == 0) return tokens.get(i);
        }
        default -> {}
      }
    }
    return null;
  }

  /** The first unmatched closing bracket after the item starting at {@code loc}. */
  private Token enclosingCloser(Location loc) {
    int from = index(loc);
    if (from < 0) return null;
    int depth = 0;
    for (int i = from; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.kind() != Token.Kind.OP) continue;
      switch (t.text()) {
        case "{", "[", "(" -> depth++;
        case "}", "]", ")" -> {
          if (depth-- == 0) return t;
        }
        default -> {}
      }
    }
    return null;
  }

  private int line(Location loc) {
    return loc == null ? 0 : loc.line();
  }

  // ------------------------------------------------------------------ output

  private void write(String s) {
    if (!lineOpen) {
      out.append("\t".repeat(indent));
      lineOpen = true;
    }
    out.append(s);
    blockStart = false;
  }

  private void endLine() {
    if (lineOpen) {
      out.append('\n');
      lineOpen = false;
    }
  }

  private boolean blankBetween(int from, int to) {
    for (int l = from + 1; l < to; l++) {
      if (l >= 1 && l <= lines.length && lines[l - 1].isBlank()) return true;
    }
    return false;
  }

  private void blankLine() {
    if (!blockStart && !out.isEmpty()) out.append('\n');
  }

  /** Writes the comments that come before source line {@code line} (not on it). */
  private void commentsBefore(int line) {
    while (ci < comments.size() && comments.get(ci).line() < line) {
      Lexer.Comment c = comments.get(ci++);
      if (c.trailing() && lineOpen) {
        out.append(' ').append(c.text());
      } else {
        endLine();
        int prev = Math.max(lastCommentLine, precedingTokenLine(c));
        if (forceBlank || blankBetween(prev, c.line())) blankLine();
        forceBlank = false;
        write(c.text());
      }
      lastCommentLine = c.line();
    }
  }

  private int precedingTokenLine(Lexer.Comment c) {
    int lo = 0, hi = tokens.size() - 1, best = 0;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      Token t = tokens.get(mid);
      if (t.line() < c.line() || (t.line() == c.line() && t.col() < c.col())) {
        best = t.line();
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return best;
  }

  /** Starts a new output line for the item that begins at {@code loc} in the source. */
  private void newLine(Location loc) {
    if (flat) {
      if (!out.isEmpty() && out.charAt(out.length() - 1) != '\n') out.append('\n');
      return;
    }
    int l = line(loc);
    if (l > 0) commentsBefore(l);
    endLine();
    int prev = Math.max(lastCommentLine, l > 0 ? previousTokenLine(loc) : 0);
    if (forceBlank || (l > 0 && blankBetween(prev, l))) blankLine();
    forceBlank = false;
  }

  /** Ends a block whose closing bracket is {@code closer}: comments inside it, then the bracket. */
  private void close(Token closer, String text) {
    if (closer != null) commentsBefore(closer.line());
    indent--;
    endLine();
    write(text);
  }

  // ------------------------------------------------------------------ module

  private void module(RegoModuleAst m) {
    newLine(m.loc());
    write("package ");
    for (int i = 0; i < m.pkg().size(); i++) {
      String part = m.pkg().get(i);
      if (i == 0) write(part);
      else if (isIdent(part)) write("." + part);
      else write("[" + quote(part) + "]");
    }
    forceBlank = true;
    for (Import im : m.imports()) {
      newLine(im.loc());
      write("import ");
      term(im.path(), P_TOP);
      if (im.alias() != null) write(" as " + im.alias());
    }
    if (!m.imports().isEmpty()) forceBlank = true;
    for (Rule r : m.rules()) {
      newLine(r.loc());
      rule(r);
      if (flat) out.append('\n');
    }
    if (!flat) {
      commentsBefore(Integer.MAX_VALUE);
      endLine();
    }
  }

  private void rule(Rule r) {
    if (r.isDefault()) write("default ");
    term(r.head(), P_TOP);
    if (r.args() != null) {
      write("(");
      for (int i = 0; i < r.args().size(); i++) {
        if (i > 0) write(", ");
        term(r.args().get(i), P_TOP);
      }
      write(")");
    }
    if (r.key() != null) {
      write(" contains ");
      term(r.key(), P_TOP);
    }
    if (r.value() != null) {
      write(r.assign() ? " := " : " = ");
      term(r.value(), P_TOP);
    }
    if (!r.isDefault()) ruleBody(r.body(), r.loc());
    Rule e = r.elseRule();
    boolean closedBrace = !r.isDefault() && endsWithBrace(r.body(), r.loc());
    while (e != null) {
      if (closedBrace && !flat) {
        write(" ");
      } else {
        newLine(e.loc());
      }
      write("else");
      if (e.value() != null) {
        write(e.assign() ? " := " : " = ");
        term(e.value(), P_TOP);
      }
      ruleBody(e.body(), e.loc());
      closedBrace = endsWithBrace(e.body(), e.loc());
      e = e.elseRule();
    }
  }

  /** A body the parser made up ({@code true}) for a rule written without one. */
  private boolean synthesized(List<Expr> body, Location ruleLoc) {
    if (body.size() != 1) return false;
    Expr x = body.get(0);
    if (!(x.lit() instanceof TermLit tl)
        || x.negated()
        || !x.withs().isEmpty()
        || !(tl.term() instanceof Scalar s)
        || s.value() != Value.TRUE
        || !x.loc().equals(ruleLoc)) return false;
    if (flat) return true;
    Token t = token(ruleLoc);
    return t == null || !t.text().equals("true") || t.kind() != Token.Kind.IDENT;
  }

  private boolean inlineBody(List<Expr> body) {
    if (flat || body.size() != 1) return false;
    int i = index(body.get(0).loc());
    return i > 0 && tokens.get(i - 1).is("if") && tokens.get(i - 1).kind() == Token.Kind.IDENT;
  }

  private boolean endsWithBrace(List<Expr> body, Location ruleLoc) {
    return !synthesized(body, ruleLoc) && !inlineBody(body);
  }

  private void ruleBody(List<Expr> body, Location ruleLoc) {
    if (synthesized(body, ruleLoc)) return;
    if (inlineBody(body)) {
      write(" if ");
      expr(body.get(0));
      return;
    }
    write(" if {");
    block(body);
    write("}");
  }

  /** Writes the literals of a body one per line, one level deeper; leaves the line before "}". */
  private void block(List<Expr> body) {
    boolean saveNoUnion = noUnion;
    noUnion = false;
    try {
      blockInner(body);
    } finally {
      noUnion = saveNoUnion;
    }
  }

  private void blockInner(List<Expr> body) {
    indent++;
    blockStart = true;
    if (flat) {
      for (int i = 0; i < body.size(); i++) {
        write(i == 0 ? " " : "; ");
        expr(body.get(i));
      }
      write(" ");
      indent--;
      return;
    }
    for (Expr x : body) {
      newLine(x.loc());
      expr(x);
    }
    Token closer = body.isEmpty() ? null : enclosingCloser(body.get(body.size() - 1).loc());
    if (closer != null) commentsBefore(closer.line());
    indent--;
    endLine();
  }

  // ------------------------------------------------------------------ expressions

  private void expr(Expr x) {
    if (x.negated()) {
      if (x.lit() instanceof TermLit tl && negatedBody(tl.term()) instanceof ArrayCompr ac) {
        write("not {");
        block(ac.body());
        write("}");
        withs(x.withs());
        return;
      }
      write("not ");
    }
    switch (x.lit()) {
      case TermLit tl -> term(tl.term(), P_LIT);
      case Unify u -> {
        term(u.left(), P_LIT);
        write(" = ");
        term(u.right(), P_TOP);
      }
      case Assign a -> {
        term(a.left(), P_LIT);
        write(" := ");
        term(a.right(), P_TOP);
      }
      case SomeDecl s -> {
        write("some ");
        for (int i = 0; i < s.vars().size(); i++) {
          if (i > 0) write(", ");
          term(s.vars().get(i), P_TOP);
        }
      }
      case SomeIn s -> {
        write("some ");
        if (s.key() != null) {
          term(s.key(), P_REL);
          write(", ");
        }
        term(s.value(), P_REL);
        write(" in ");
        term(s.collection(), P_REL);
      }
      case Every e -> {
        write("every ");
        if (e.key() != null) {
          term(e.key(), P_REL);
          write(", ");
        }
        term(e.value(), P_REL);
        write(" in ");
        term(e.domain(), P_REL);
        write(" {");
        block(e.body());
        write("}");
      }
    }
    withs(x.withs());
  }

  /** The comprehension of {@code not { ... }} (parsed as {@code not [true | ...][0]}), or null. */
  private Term negatedBody(Term t) {
    if (!(t instanceof Ref r) || !(r.head() instanceof ArrayCompr ac) || r.path().size() != 1)
      return null;
    if (flat) return null;
    Token open = token(ac.loc());
    return open != null && open.is("{") ? ac : null;
  }

  private void withs(List<With> withs) {
    for (With w : withs) {
      write(" with ");
      term(w.target(), P_TOP);
      write(" as ");
      term(w.value(), P_TOP);
    }
  }

  // ------------------------------------------------------------------ terms

  private void term(Term t, int prec) {
    switch (t) {
      case Scalar s -> scalar(s);
      case Var v -> write(v.wildcard() ? "_" : v.name());
      case Local l -> write(l.name());
      case Root r -> write(r.data() ? "data" : "input");
      case Ref r -> ref(r);
      case Call c -> call(c, prec);
      case ArrayT a -> composite("[", "]", a.elems(), a.loc());
      case SetT s -> {
        if (s.elems().isEmpty()) write("set()");
        else composite("{", "}", s.elems(), s.loc());
      }
      case ObjectT o -> object(o);
      case ArrayCompr c -> comprehension("[", "]", c.head(), null, c.body(), c.loc());
      case SetCompr c -> comprehension("{", "}", c.head(), null, c.body(), c.loc());
      case ObjectCompr c -> comprehension("{", "}", c.key(), c.value(), c.body(), c.loc());
    }
  }

  private void scalar(Scalar s) {
    if (!flat) {
      Token t = token(s.loc());
      if (t != null) {
        if (t.kind() == Token.Kind.RAW_STRING && s.value() instanceof Value.Str str) {
          if (str.value.equals(t.text())) {
            write("`" + t.text() + "`");
            return;
          }
        } else if (t.kind() == Token.Kind.NUMBER && s.value() instanceof Value.Num) {
          write(t.text());
          return;
        } else if (t.is("-") && s.value() instanceof Value.Num) {
          int i = index(s.loc());
          if (i + 1 < tokens.size() && tokens.get(i + 1).kind() == Token.Kind.NUMBER) {
            write("-" + tokens.get(i + 1).text());
            return;
          }
        }
      }
    }
    if (s.value() instanceof Value.Str str) write(quote(str.value));
    else write(s.value().toString());
  }

  private void ref(Ref r) {
    Term head = r.head();
    boolean composite =
        head instanceof Call c && isInfix(c)
            || head instanceof Scalar
            || (head instanceof Call c2 && isUnaryMinus(c2));
    if (composite) {
      write("(");
      open(head, P_TOP);
      write(")");
    } else {
      term(head, P_UNARY);
    }
    for (Term p : r.path()) {
      if (p instanceof Scalar s && s.value() instanceof Value.Str str && isPathIdent(str.value)) {
        write("." + str.value);
      } else {
        write("[");
        open(p, P_TOP);
        write("]");
      }
    }
  }

  private boolean isInfix(Call c) {
    if (c.name().equals("internal.member_2") || c.name().equals("internal.member_3")) {
      if (flat) return false;
      Token t = token(c.loc());
      return t != null && t.is("in");
    }
    String op = INFIX.get(c.name());
    if (op == null || c.args().size() != 2 || flat) return false;
    Token t = token(c.loc());
    return t != null && t.kind() == Token.Kind.OP && t.text().equals(op) && !isUnaryMinus(c);
  }

  private boolean isUnaryMinus(Call c) {
    if (flat || !c.name().equals("minus") || c.args().size() != 2) return false;
    if (!(c.args().get(0) instanceof Scalar zero) || !zero.loc().equals(c.loc())) return false;
    Token t = token(c.loc());
    return t != null && t.is("-") && t.kind() == Token.Kind.OP;
  }

  private static int precedence(String name) {
    if (name.startsWith("internal.member")) return P_IN;
    if (RELATIONS.contains(name)) return P_REL;
    return switch (name) {
      case "or" -> P_OR;
      case "and" -> P_AND;
      case "plus", "minus" -> P_ARITH;
      default -> P_FACTOR;
    };
  }

  private void call(Call c, int prec) {
    if (isTemplateString(c)) {
      templateString(c);
      return;
    }
    if (isUnaryMinus(c)) {
      write("-");
      Term operand = c.args().get(1);
      boolean paren = operand instanceof Call oc && (isInfix(oc) || isUnaryMinus(oc));
      paren = paren || operand instanceof Scalar;
      if (paren) write("(");
      term(operand, P_UNARY);
      if (paren) write(")");
      return;
    }
    if (isInfix(c)) {
      int p = precedence(c.name());
      boolean paren =
          p < prec
              || (noUnion && c.name().equals("or"))
              || (prec != P_LIT && c.name().equals("internal.member_3"));
      boolean save = noUnion;
      if (paren) {
        write("(");
        noUnion = false;
      }
      if (c.name().equals("internal.member_3")) {
        term(c.args().get(0), P_REL);
        write(", ");
        term(c.args().get(1), P_REL);
        write(" in ");
        term(c.args().get(2), P_REL);
      } else {
        String op = c.name().equals("internal.member_2") ? "in" : INFIX.get(c.name());
        // as OPA's formatter: an operand that is itself an operation is always parenthesised
        term(c.args().get(0), P_NESTED);
        write(" " + op + " ");
        term(c.args().get(1), P_NESTED);
      }
      if (paren) write(")");
      noUnion = save;
      return;
    }
    write(c.name());
    int open = -1;
    if (!flat) {
      int i = index(c.loc());
      while (i >= 0 && i < tokens.size() && !tokens.get(i).is("(")) i++;
      open = i >= tokens.size() ? -1 : i;
    }
    boolean multi = !flat && open >= 0 && spansLines(tokens.get(open).line(), c.args());
    if (!multi) {
      write("(");
      for (int i = 0; i < c.args().size(); i++) {
        if (i > 0) write(", ");
        open(c.args().get(i), P_TOP);
      }
      write(")");
      return;
    }
    write("(");
    indent++;
    blockStart = true;
    for (int i = 0; i < c.args().size(); i++) {
      Term a = c.args().get(i);
      newLine(firstLoc(a));
      open(a, P_TOP);
      if (i < c.args().size() - 1) write(",");
    }
    close(matchingCloser(open), ")");
  }

  private boolean spansLines(int openLine, List<Term> elems) {
    for (Term e : elems) if (firstLine(e) != openLine) return true;
    return false;
  }

  /** The source line where a term's text begins (an infix call begins with its left operand). */
  private int firstLine(Term t) {
    if (t instanceof Call c && isInfix(c)) return firstLine(c.args().get(0));
    if (t instanceof Ref r) return firstLine(r.head());
    return line(t.loc());
  }

  private Location firstLoc(Term t) {
    if (t instanceof Call c && isInfix(c)) return firstLoc(c.args().get(0));
    if (t instanceof Ref r) return firstLoc(r.head());
    return t.loc();
  }

  private void composite(String open, String closeText, List<Term> elems, Location loc) {
    int openIdx = flat ? -1 : index(loc);
    boolean multi =
        openIdx >= 0 && !elems.isEmpty() && spansLines(tokens.get(openIdx).line(), elems);
    write(open);
    if (!multi) {
      for (int i = 0; i < elems.size(); i++) {
        if (i > 0) write(", ");
        elem(elems.get(i));
      }
      write(closeText);
      return;
    }
    indent++;
    blockStart = true;
    for (Term e : elems) {
      newLine(firstLoc(e));
      elem(e);
      write(",");
    }
    close(matchingCloser(openIdx), closeText);
  }

  private void object(ObjectT o) {
    int openIdx = flat ? -1 : index(o.loc());
    boolean multi = false;
    if (openIdx >= 0) {
      int openLine = tokens.get(openIdx).line();
      for (Entry e : o.entries()) if (firstLine(e.key()) != openLine) multi = true;
    }
    write("{");
    if (!multi) {
      for (int i = 0; i < o.entries().size(); i++) {
        if (i > 0) write(", ");
        entry(o.entries().get(i));
      }
      write("}");
      return;
    }
    indent++;
    blockStart = true;
    for (Entry e : o.entries()) {
      newLine(firstLoc(e.key()));
      entry(e);
      write(",");
    }
    close(matchingCloser(openIdx), "}");
  }

  private void entry(Entry e) {
    elem(e.key());
    write(": ");
    elem(e.value());
  }

  private void elem(Term t) {
    boolean save = noUnion;
    noUnion = true;
    term(t, P_TOP);
    noUnion = save;
  }

  /** A term inside brackets or parentheses that reset the parser's union restriction. */
  private void open(Term t, int prec) {
    boolean save = noUnion;
    noUnion = false;
    term(t, prec);
    noUnion = save;
  }

  private void comprehension(
      String open, String closeText, Term head, Term value, List<Expr> body, Location loc) {
    int openIdx = flat ? -1 : index(loc);
    boolean multi =
        openIdx >= 0 && !body.isEmpty() && line(body.get(0).loc()) != tokens.get(openIdx).line();
    write(open);
    elem(head);
    if (value != null) {
      write(": ");
      elem(value);
    }
    write(" |");
    boolean save = noUnion;
    noUnion = false;
    if (!multi) {
      for (int i = 0; i < body.size(); i++) {
        write(i == 0 ? " " : "; ");
        expr(body.get(i));
      }
      write(closeText);
    } else {
      indent++;
      blockStart = true;
      for (Expr x : body) {
        newLine(x.loc());
        expr(x);
      }
      close(matchingCloser(openIdx), closeText);
    }
    noUnion = save;
  }

  // ------------------------------------------------------------------ text

  static boolean isIdent(String s) {
    return !KEYWORDS.contains(s) && isPathIdent(s);
  }

  /** After a dot any identifier reads as a key, keywords included ({@code x.import}). */
  static boolean isPathIdent(String s) {
    if (s.isEmpty()) return false;
    char c0 = s.charAt(0);
    if (!(Character.isLetter(c0) || c0 == '_')) return false;
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '_')) return false;
    }
    return true;
  }

  /** A Rego string literal as Go's {@code strconv.Quote} writes it (printable text kept). */
  /** A call the parser made of a template string ({@code $"..."}, {@code $`...`}). */
  private static boolean isTemplateString(Call c) {
    if (!c.name().equals(Parser.TEMPLATE_STRING)
        || c.args().size() != 1
        || !(c.args().get(0) instanceof ArrayT parts)) return false;
    for (Term t : parts.elems()) {
      if (t instanceof Scalar s && s.value() instanceof Value.Str) continue;
      if (templateExpr(t) == null) return false;
    }
    return true;
  }

  /** The expression of a template-string part {@code {v | v = expr with ...}}, or null. */
  private static Expr templateExpr(Term t) {
    if (t instanceof SetCompr sc
        && sc.head() instanceof Var v
        && v.name().startsWith(Parser.TEMPLATE_VAR)
        && sc.body().size() == 1
        && !sc.body().get(0).negated()
        && sc.body().get(0).lit() instanceof Unify u
        && u.left() instanceof Var l
        && l.name().equals(v.name())) return sc.body().get(0);
    return null;
  }

  private void templateString(Call c) {
    Token t = flat ? null : token(c.loc());
    boolean raw = t != null && t.kind() == Token.Kind.TEMPLATE_START && t.text().equals("`");
    write(raw ? "$`" : "$\"");
    for (Term part : ((ArrayT) c.args().get(0)).elems()) {
      if (part instanceof Scalar s && s.value() instanceof Value.Str str) {
        String text = raw ? str.value : quote(str.value);
        if (!raw) text = text.substring(1, text.length() - 1);
        write(text.replace("{", "\\{").replace("}", "\\}"));
      } else {
        Expr e = templateExpr(part);
        write("{");
        term(((Unify) e.lit()).right(), P_TOP);
        withs(e.withs());
        write("}");
      }
    }
    write(raw ? "`" : "\"");
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        default -> {
          if (c < 0x20 || c == 0x7f || Character.isISOControl(c))
            b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    return b.append('"').toString();
  }
}
