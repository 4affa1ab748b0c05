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
      case Value.Str s -> quote(s.value, b);
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
}
