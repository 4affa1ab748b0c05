package dev.lattice.policy.internal.rego.value;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** JSON and Rego-term text for values, and a strict JSON parser producing values. */
public final class Json {
  private Json() {}

  public static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2);
    quote(s, b);
    return b.toString();
  }

  static void quote(String s, StringBuilder b) {
    b.append('"');
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
        case '<' -> b.append("\\u003c");
        case '>' -> b.append("\\u003e");
        case '&' -> b.append("\\u0026");
        // as Go's encoding/json: JavaScript's line terminators escaped too
        case 0x2028 -> b.append("\\u2028");
        case 0x2029 -> b.append("\\u2029");
        default -> {
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    b.append('"');
  }

  /**
   * Compact JSON (sets become arrays, non-string keys their JSON text), like OPA's json.marshal.
   */
  public static String write(Value v) {
    StringBuilder b = new StringBuilder();
    write(v, b, false);
    return b.toString();
  }

  /**
   * Rego term syntax as OPA prints it: {@code {"a": 1}}, {@code [1, 2]}, {@code {1, 2}}, {@code
   * set()}.
   */
  public static String term(Value v) {
    StringBuilder b = new StringBuilder();
    write(v, b, true);
    return b.toString();
  }

  private static void write(Value v, StringBuilder b, boolean term) {
    switch (v) {
      case Value.Null n -> b.append("null");
      case Value.Bool x -> b.append(x.value);
      case Value.Num n -> b.append(n);
      case Value.Str s -> {
        if (term) goQuote(s.value, b);
        else quote(s.value, b);
      }
      case Value.Arr a -> {
        b.append('[');
        for (int i = 0; i < a.size(); i++) {
          if (i > 0) b.append(term ? ", " : ",");
          write(a.get(i), b, term);
        }
        b.append(']');
      }
      case Value.SetV s -> {
        if (term && s.size() == 0) {
          b.append("set()");
          return;
        }
        b.append(term ? '{' : '[');
        for (int i = 0; i < s.size(); i++) {
          if (i > 0) b.append(term ? ", " : ",");
          write(s.get(i), b, term);
        }
        b.append(term ? '}' : ']');
      }
      case Value.Obj o -> {
        b.append('{');
        for (int i = 0; i < o.size(); i++) {
          if (i > 0) b.append(term ? ", " : ",");
          Value key = o.key(i);
          if (key instanceof Value.Str || term) write(key, b, term);
          else quote(write(key), b);
          b.append(term ? ": " : ":");
          write(o.value(i), b, term);
        }
        b.append('}');
      }
    }
  }

  /** Parses strict JSON; throws IllegalArgumentException on bad text. */
  public static Value parse(String text) {
    Parser p = new Parser(text);
    p.ws();
    Value v = p.value(0);
    p.ws();
    if (p.pos != text.length())
      throw new IllegalArgumentException("unexpected trailing characters");
    return v;
  }

  private static final class Parser {
    final String s;
    int pos;

    Parser(String s) {
      this.s = s;
    }

    void ws() {
      while (pos < s.length() && " \t\r\n".indexOf(s.charAt(pos)) >= 0) pos++;
    }

    IllegalArgumentException err(String m) {
      return new IllegalArgumentException(m + " at offset " + pos);
    }

    Value value(int depth) {
      if (depth > 1000) throw err("nesting too deep");
      if (pos >= s.length()) throw err("unexpected end of JSON input");
      char c = s.charAt(pos);
      switch (c) {
        case '{' -> {
          pos++;
          Value.Obj.Builder m = Value.Obj.builder();
          ws();
          if (peek() == '}') {
            pos++;
            return m.build();
          }
          while (true) {
            ws();
            if (peek() != '"') throw err("expected string key");
            Value k = new Value.Str(string());
            ws();
            expect(':');
            ws();
            m.put(k, value(depth + 1));
            ws();
            char d = next();
            if (d == '}') return m.build();
            if (d != ',') throw err("expected , or }");
          }
        }
        case '[' -> {
          pos++;
          List<Value> l = new ArrayList<>();
          ws();
          if (peek() == ']') {
            pos++;
            return Value.EMPTY_ARRAY;
          }
          while (true) {
            ws();
            l.add(value(depth + 1));
            ws();
            char d = next();
            if (d == ']') return Value.Arr.of(l);
            if (d != ',') throw err("expected , or ]");
          }
        }
        case '"' -> {
          return new Value.Str(string());
        }
        case 't' -> {
          word("true");
          return Value.TRUE;
        }
        case 'f' -> {
          word("false");
          return Value.FALSE;
        }
        case 'n' -> {
          word("null");
          return Value.NULL;
        }
        default -> {
          int start = pos;
          if (peek() == '-') pos++;
          while (pos < s.length() && "0123456789.eE+-".indexOf(s.charAt(pos)) >= 0) pos++;
          String t = s.substring(start, pos);
          if (t.isEmpty() || !t.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
            throw err("invalid character");
          }
          return Value.Num.of(new BigDecimal(t));
        }
      }
    }

    char peek() {
      return pos < s.length() ? s.charAt(pos) : '\0';
    }

    char next() {
      if (pos >= s.length()) throw err("unexpected end of JSON input");
      return s.charAt(pos++);
    }

    void expect(char c) {
      if (next() != c) throw err("expected " + c);
    }

    void word(String w) {
      if (!s.startsWith(w, pos)) throw err("invalid literal");
      pos += w.length();
    }

    String string() {
      expect('"');
      StringBuilder b = new StringBuilder();
      while (true) {
        char c = next();
        if (c == '"') return b.toString();
        if (c < 0x20) throw err("control character in string");
        if (c == '\\') {
          char e = next();
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
              if (pos + 4 > s.length()) throw err("bad unicode escape");
              b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
              pos += 4;
            }
            default -> throw err("bad escape");
          }
        } else {
          b.append(c);
        }
      }
    }
  }

  /**
   * Go's {@code strconv.Quote} ({@code %q}): printable characters as they are, {@code \\n}-style
   * escapes, {@code \\x01} below a space and for DEL, {@code \\u2028}/{@code \\U0001f000} for other
   * characters Go does not print (separators, format and control characters, unassigned ones). OPA
   * prints a string term so ({@code ast.String.String}): in {@code sprintf}'s {@code %v} of a
   * collection and in {@code %q}.
   */
  public static String goQuote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2);
    goQuote(s, out);
    return out.toString();
  }

  static void goQuote(String s, StringBuilder out) {
    out.append('"');
    s.codePoints()
        .forEach(
            r -> {
              switch (r) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case 7 -> out.append("\\a");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case 0x0B -> out.append("\\v");
                default -> {
                  if (goPrintable(r)) out.appendCodePoint(r);
                  else if (r < ' ' || r == 0x7F) out.append(String.format("\\x%02x", r));
                  else if (r < 0x10000) out.append(String.format("\\u%04x", r));
                  else out.append(String.format("\\U%08x", r));
                }
              }
            });
    out.append('"');
  }

  /** Go's {@code strconv.IsPrint}: letters, marks, numbers, punctuation, symbols and the space. */
  private static boolean goPrintable(int r) {
    if (r == ' ') return true;
    return switch (Character.getType(r)) {
      case Character.UPPERCASE_LETTER,
          Character.LOWERCASE_LETTER,
          Character.TITLECASE_LETTER,
          Character.MODIFIER_LETTER,
          Character.OTHER_LETTER,
          Character.NON_SPACING_MARK,
          Character.ENCLOSING_MARK,
          Character.COMBINING_SPACING_MARK,
          Character.DECIMAL_DIGIT_NUMBER,
          Character.LETTER_NUMBER,
          Character.OTHER_NUMBER,
          Character.CONNECTOR_PUNCTUATION,
          Character.DASH_PUNCTUATION,
          Character.START_PUNCTUATION,
          Character.END_PUNCTUATION,
          Character.INITIAL_QUOTE_PUNCTUATION,
          Character.FINAL_QUOTE_PUNCTUATION,
          Character.OTHER_PUNCTUATION,
          Character.MATH_SYMBOL,
          Character.CURRENCY_SYMBOL,
          Character.MODIFIER_SYMBOL,
          Character.OTHER_SYMBOL ->
          true;
      default -> false;
    };
  }
}
