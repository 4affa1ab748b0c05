package dev.lattice.policy.internal.rego.lexer;

import dev.lattice.policy.Location;
import dev.lattice.policy.RegoException;
import java.util.ArrayList;
import java.util.List;

/** Splits Rego source into tokens, remembering whether a newline preceded each one. */
public final class Lexer {
  private static final String[] OPS = {
    ":=", "==", "!=", "<=", ">=", "{", "}", "[", "]", "(", ")", ".", ",", ";", ":", "=", "<", ">",
    "+", "-", "*", "/", "%", "&", "|"
  };

  private final String src;
  private final String file;
  private int pos;
  private int line = 1;
  private int lineStart;
  private List<Comment> comments;

  /**
   * Open template strings ({@code $"..."}, {@code $`...`}), innermost first: whether raw, and the
   * depth of braces opened inside the current template expression.
   */
  private final java.util.ArrayDeque<int[]> templates = new java.util.ArrayDeque<>();

  /**
   * A {@code #} comment: its position, its text (from {@code #}, trailing blanks removed) and
   * whether a token precedes it on its line (a comment at the end of a line of code).
   */
  public record Comment(int line, int col, String text, boolean trailing) {}

  public Lexer(String file, String src) {
    this.file = file;
    this.src = src;
  }

  public static List<Token> tokenize(String file, String src) {
    return new Lexer(file, src).run();
  }

  /** Tokens as {@link #tokenize}, and every comment added to {@code comments} in source order. */
  public static List<Token> tokenize(String file, String src, List<Comment> comments) {
    Lexer lexer = new Lexer(file, src);
    lexer.comments = comments;
    return lexer.run();
  }

  private RegoException error(String msg, int l, int c) {
    return new RegoException(RegoException.PARSE, msg, new Location(file, l, c));
  }

  private List<Token> run() {
    List<Token> out = new ArrayList<>();
    boolean nl = true;
    while (true) {
      // skip whitespace and comments
      while (pos < src.length()) {
        char c = src.charAt(pos);
        if (c == '\n') {
          nl = true;
          pos++;
          line++;
          lineStart = pos;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
          pos++;
        } else if (c == '#') {
          int s = pos;
          while (pos < src.length() && src.charAt(pos) != '\n') pos++;
          if (comments != null) {
            boolean trailing = !out.isEmpty() && out.get(out.size() - 1).line() == line;
            comments.add(
                new Comment(
                    line, s - lineStart + 1, src.substring(s, pos).stripTrailing(), trailing));
          }
        } else {
          break;
        }
      }
      int col = pos - lineStart + 1;
      if (pos >= src.length()) {
        if (!templates.isEmpty()) {
          int[] t = templates.peek();
          throw error("non-terminated template string", t[2], t[3]);
        }
        out.add(new Token(Token.Kind.EOF, "", line, col, true));
        return out;
      }
      char c = src.charAt(pos);
      int l = line;
      if (Character.isLetter(c) || c == '_') {
        int s = pos;
        while (pos < src.length()
            && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) pos++;
        out.add(new Token(Token.Kind.IDENT, src.substring(s, pos), l, col, nl));
      } else if (Character.isDigit(c)) {
        out.add(new Token(Token.Kind.NUMBER, number(), l, col, nl));
      } else if (c == '$'
          && pos + 1 < src.length()
          && (src.charAt(pos + 1) == '"' || src.charAt(pos + 1) == '`')) {
        boolean raw = src.charAt(pos + 1) == '`';
        pos += 2;
        out.add(new Token(Token.Kind.TEMPLATE_START, raw ? "`" : "\"", l, col, nl));
        templates.push(new int[] {raw ? 1 : 0, 0, l, col});
        templateText(out);
      } else if (c == '"') {
        out.add(new Token(Token.Kind.STRING, string(l, col), l, col, nl));
      } else if (c == '`') {
        int s = ++pos;
        while (pos < src.length() && src.charAt(pos) != '`') {
          if (src.charAt(pos) == '\n') {
            line++;
            lineStart = pos + 1;
          }
          pos++;
        }
        if (pos >= src.length()) throw error("non-terminated raw string", l, col);
        out.add(new Token(Token.Kind.RAW_STRING, src.substring(s, pos), l, col, nl));
        pos++;
      } else {
        String op = null;
        for (String o : OPS) {
          if (src.startsWith(o, pos)) {
            op = o;
            break;
          }
        }
        if (op == null) throw error("illegal token '" + c + "'", l, col);
        pos += op.length();
        out.add(new Token(Token.Kind.OP, op, l, col, nl));
        if (!templates.isEmpty()) {
          int[] t = templates.peek();
          if (op.equals("{")) {
            t[1]++;
          } else if (op.equals("}")) {
            if (t[1] == 0) templateText(out);
            else t[1]--;
          }
        }
      }
      nl = false;
    }
  }

  /**
   * Scans the literal text of the innermost template string up to its next template expression
   * (emitting the text and the expression's opening {@code {}) or its end (emitting the text and
   * {@code TEMPLATE_END}). {@code \{} and {@code \}} stand for braces; a {@code $"..."} template
   * takes the escapes of a string, a {@code $`...`} template none other.
   */
  private void templateText(List<Token> out) {
    int[] t = templates.peek();
    boolean raw = t[0] == 1;
    char quote = raw ? '`' : '"';
    int l = line, col = pos - lineStart + 1;
    StringBuilder b = new StringBuilder();
    while (true) {
      if (pos >= src.length() || (!raw && src.charAt(pos) == '\n'))
        throw error("non-terminated template string", t[2], t[3]);
      char c = src.charAt(pos);
      if (c == quote) {
        pos++;
        if (!b.isEmpty()) out.add(new Token(Token.Kind.TEMPLATE_TEXT, b.toString(), l, col, false));
        out.add(
            new Token(
                Token.Kind.TEMPLATE_END, String.valueOf(quote), line, pos - lineStart, false));
        templates.pop();
        return;
      }
      if (c == '{') {
        if (!b.isEmpty()) out.add(new Token(Token.Kind.TEMPLATE_TEXT, b.toString(), l, col, false));
        out.add(new Token(Token.Kind.OP, "{", line, pos - lineStart + 1, false));
        pos++;
        t[1] = 0;
        return;
      }
      if (c == '\\'
          && pos + 1 < src.length()
          && (src.charAt(pos + 1) == '{' || src.charAt(pos + 1) == '}')) {
        b.append(src.charAt(pos + 1));
        pos += 2;
      } else if (c == '\\' && !raw) {
        int save = pos;
        pos++;
        if (pos >= src.length()) throw error("non-terminated template string", t[2], t[3]);
        char e = src.charAt(pos++);
        switch (e) {
          case '"' -> b.append('"');
          case '\\' -> b.append('\\');
          case '/' -> b.append('/');
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'u' -> {
            if (pos + 4 > src.length())
              throw error("illegal unicode escape", line, save - lineStart + 1);
            try {
              b.append((char) Integer.parseInt(src.substring(pos, pos + 4), 16));
            } catch (NumberFormatException ex) {
              throw error("illegal unicode escape", line, save - lineStart + 1);
            }
            pos += 4;
          }
          default -> throw error("illegal escape sequence \\" + e, line, save - lineStart + 1);
        }
      } else {
        if (c == '\n') {
          line++;
          lineStart = pos + 1;
        }
        b.append(c);
        pos++;
      }
    }
  }

  private String number() {
    int s = pos;
    while (pos < src.length() && Character.isDigit(src.charAt(pos))) pos++;
    if (pos + 1 < src.length()
        && src.charAt(pos) == '.'
        && Character.isDigit(src.charAt(pos + 1))) {
      pos++;
      while (pos < src.length() && Character.isDigit(src.charAt(pos))) pos++;
    }
    if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
      int save = pos;
      pos++;
      if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) pos++;
      if (pos < src.length() && Character.isDigit(src.charAt(pos))) {
        while (pos < src.length() && Character.isDigit(src.charAt(pos))) pos++;
      } else {
        pos = save;
      }
    }
    return src.substring(s, pos);
  }

  private String string(int l, int col) {
    pos++;
    StringBuilder b = new StringBuilder();
    while (true) {
      if (pos >= src.length() || src.charAt(pos) == '\n')
        throw error("non-terminated string", l, col);
      char c = src.charAt(pos++);
      if (c == '"') return b.toString();
      if (c == '\\') {
        if (pos >= src.length()) throw error("non-terminated string", l, col);
        char e = src.charAt(pos++);
        switch (e) {
          case '"' -> b.append('"');
          case '\\' -> b.append('\\');
          case '/' -> b.append('/');
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'u' -> {
            if (pos + 4 > src.length()) throw error("illegal unicode escape", l, col);
            try {
              b.append((char) Integer.parseInt(src.substring(pos, pos + 4), 16));
            } catch (NumberFormatException ex) {
              throw error("illegal unicode escape", l, col);
            }
            pos += 4;
          }
          default -> throw error("illegal escape sequence \\" + e, l, col);
        }
      } else {
        b.append(c);
      }
    }
  }
}
