package dev.lattice.policy.internal.rego.builtins;

import static dev.lattice.policy.internal.rego.builtins.Args.*;
import static dev.lattice.policy.internal.rego.builtins.Builtins.add;

import com.google.re2j.Pattern;
import dev.lattice.policy.internal.rego.value.Json;
import dev.lattice.policy.internal.rego.value.Value;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** String built-ins, sprintf, regex and glob. */
final class Strings {
  private Strings() {}

  static void register() {
    add(
        "concat",
        2,
        (a, c) -> {
          String d = str(a, 0);
          List<Value> l = collection(a, 1, "one of {set, array}");
          StringBuilder b = new StringBuilder();
          for (int i = 0; i < l.size(); i++) {
            if (!(l.get(i) instanceof Value.Str s))
              throw BuiltinException.type(
                  "operand 2 must be one of {set, array} of strings but got "
                      + Args.collection(a, 1, "").getClass().getSimpleName().toLowerCase()
                      + " containing "
                      + l.get(i).typeName());
            if (i > 0) b.append(d);
            b.append(s.value);
          }
          return Value.str(b.toString());
        });
    add("internal.template_string", 1, (a, c) -> Value.str(templateString(arr(a, 0).list())));
    add("contains", 2, (a, c) -> Value.bool(str(a, 0).contains(str(a, 1))));
    add("startswith", 2, (a, c) -> Value.bool(str(a, 0).startsWith(str(a, 1))));
    add("endswith", 2, (a, c) -> Value.bool(str(a, 0).endsWith(str(a, 1))));
    add("lower", 1, (a, c) -> Value.str(eachCodePoint(str(a, 0), Character::toLowerCase)));
    add("upper", 1, (a, c) -> Value.str(eachCodePoint(str(a, 0), Character::toUpperCase)));
    add(
        "split",
        2,
        (a, c) -> {
          String s = str(a, 0), d = str(a, 1);
          List<Value> out = new ArrayList<>();
          if (d.isEmpty()) {
            s.codePoints().forEach(cp -> out.add(Value.str(new String(Character.toChars(cp)))));
            return Value.Arr.of(out);
          }
          int from = 0;
          while (true) {
            int i = s.indexOf(d, from);
            if (i < 0) break;
            out.add(Value.str(s.substring(from, i)));
            from = i + d.length();
          }
          out.add(Value.str(s.substring(from)));
          return Value.Arr.of(out);
        });
    add(
        "strings.split_n",
        3,
        (a, c) -> {
          // the first n parts of split(s, d) (the last -n when n < 0), as OPA's strings.split_n
          List<Value> parts = ((Value.Arr) Builtins.get("split").fn().call(a, c)).list();
          long n = integer(a, 2);
          if (n >= 0) return Value.Arr.of(parts.subList(0, (int) Math.min(n, parts.size())));
          int keep = (int) Math.min(-n, parts.size());
          return Value.Arr.of(parts.subList(parts.size() - keep, parts.size()));
        });
    add(
        "replace",
        3,
        (a, c) -> {
          String s = str(a, 0), old = str(a, 1), nw = str(a, 2);
          if (old.isEmpty()) {
            StringBuilder b = new StringBuilder(nw);
            s.codePoints().forEach(cp -> b.appendCodePoint(cp).append(nw));
            return Value.str(b.toString());
          }
          return Value.str(s.replace(old, nw));
        });
    add(
        "strings.replace_n",
        2,
        (a, c) -> {
          Value.Obj patterns = obj(a, 0);
          String s = str(a, 1);
          List<String[]> ps = new ArrayList<>();
          for (Map.Entry<Value, Value> e : patterns.map().entrySet()) {
            if (!(e.getKey() instanceof Value.Str k))
              throw BuiltinException.type("operand 1 non-string key found in pattern object");
            if (!(e.getValue() instanceof Value.Str v))
              throw BuiltinException.type("operand 1 non-string value found in pattern object");
            ps.add(new String[] {k.value, v.value});
          }
          // Go's strings.Replacer: at each position the first key (in key order) that matches
          // wins; the empty key matches everywhere, but not twice at the same position.
          StringBuilder b = new StringBuilder();
          int i = 0;
          boolean prevEmpty = false;
          while (i <= s.length()) {
            String[] hit = null;
            for (String[] p : ps) {
              if (p[0].isEmpty() ? !prevEmpty : s.startsWith(p[0], i)) {
                hit = p;
                break;
              }
            }
            prevEmpty = hit != null && hit[0].isEmpty();
            if (hit != null) {
              b.append(hit[1]);
              i += hit[0].length();
              continue;
            }
            if (i < s.length()) {
              int cp = s.codePointAt(i);
              b.appendCodePoint(cp);
              i += Character.charCount(cp);
            } else {
              i++;
            }
          }
          return Value.str(b.toString());
        });
    add(
        "strings.reverse",
        1,
        (a, c) -> Value.str(new StringBuilder(str(a, 0)).reverse().toString()));
    add(
        "strings.count",
        2,
        (a, c) -> {
          String s = str(a, 0), sub = str(a, 1);
          if (sub.isEmpty()) return Value.num(s.codePointCount(0, s.length()) + 1);
          int n = 0;
          for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) n++;
          return Value.num(n);
        });
    add(
        "strings.any_prefix_match",
        2,
        (a, c) -> {
          List<String> xs = strs(a, 0), ps = strs(a, 1);
          for (String x : xs) for (String p : ps) if (x.startsWith(p)) return Value.TRUE;
          return Value.FALSE;
        });
    add(
        "strings.any_suffix_match",
        2,
        (a, c) -> {
          List<String> xs = strs(a, 0), ps = strs(a, 1);
          for (String x : xs) for (String p : ps) if (x.endsWith(p)) return Value.TRUE;
          return Value.FALSE;
        });
    add("trim", 2, (a, c) -> Value.str(trimRight(trimLeft(str(a, 0), str(a, 1)), str(a, 1))));
    add("trim_left", 2, (a, c) -> Value.str(trimLeft(str(a, 0), str(a, 1))));
    add("trim_right", 2, (a, c) -> Value.str(trimRight(str(a, 0), str(a, 1))));
    add(
        "trim_prefix",
        2,
        (a, c) -> {
          String s = str(a, 0), p = str(a, 1);
          return Value.str(s.startsWith(p) ? s.substring(p.length()) : s);
        });
    add(
        "trim_suffix",
        2,
        (a, c) -> {
          String s = str(a, 0), p = str(a, 1);
          return Value.str(s.endsWith(p) ? s.substring(0, s.length() - p.length()) : s);
        });
    add("trim_space", 1, (a, c) -> Value.str(trimGoSpace(str(a, 0))));
    add(
        "indexof",
        2,
        (a, c) -> {
          String s = str(a, 0), sub = str(a, 1);
          int i = s.indexOf(sub);
          return Value.num(i < 0 ? -1 : s.codePointCount(0, i));
        });
    add(
        "indexof_n",
        2,
        (a, c) -> {
          String s = str(a, 0), sub = str(a, 1);
          List<Value> out = new ArrayList<>();
          if (sub.isEmpty()) return Value.EMPTY_ARRAY;
          for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1))
            out.add(Value.num(s.codePointCount(0, i)));
          return Value.Arr.of(out);
        });
    add(
        "substring",
        3,
        (a, c) -> {
          String s = str(a, 0);
          long start = integer(a, 1), len = integer(a, 2);
          int[] cps = s.codePoints().toArray();
          if (start < 0) throw BuiltinException.error("negative offset");
          if (start >= cps.length) return Value.str("");
          long end = len < 0 ? cps.length : Math.min(cps.length, start + len);
          return Value.str(new String(cps, (int) start, (int) (end - start)));
        });
    add(
        "format_int",
        2,
        (a, c) -> {
          Value.Num n = num(a, 0);
          long base = integer(a, 1);
          if (base != 2 && base != 8 && base != 10 && base != 16)
            // OPA: builtins.NewOperandEnumErr, an operand (type) error
            throw BuiltinException.type("operand 2 must be one of {2, 8, 10, 16}");
          BigInteger i = n.toBig().setScale(0, RoundingMode.DOWN).toBigInteger();
          return Value.str(i.toString((int) base));
        });
    add("sprintf", 2, (a, c) -> Value.str(sprintf(str(a, 0), arr(a, 1).list())));

    add(
        "glob.match",
        3,
        (a, c) -> {
          String pattern = str(a, 0);
          List<String> delims = new ArrayList<>();
          // as OPA: null means no delimiters at all, an empty array the default "."
          if (!(a[1] instanceof Value.Null)) {
            for (Value d : collection(a, 1, "array")) {
              if (d instanceof Value.Str s) delims.add(s.value);
            }
            if (delims.isEmpty()) delims.add(".");
          }
          return Value.bool(
              Glob.compile(pattern, delims)
                  .matcher(new Regex.Interruptible(str(a, 2), c))
                  .matches());
        });
    add(
        "glob.quote_meta",
        1,
        (a, c) -> Value.str(str(a, 0).replaceAll("([*?\\\\\\[\\]{}])", "\\\\$1")));
  }

  private static List<String> strs(Value[] a, int i) {
    List<String> out = new ArrayList<>();
    switch (a[i]) {
      case Value.Str s -> out.add(s.value);
      case Value.Arr arr -> {
        for (Value v : arr.list()) {
          if (!(v instanceof Value.Str s))
            throw BuiltinException.type(
                "operand "
                    + (i + 1)
                    + " must be array of strings but got array containing "
                    + v.typeName());
          out.add(s.value);
        }
      }
      case Value.SetV set -> {
        for (Value v : set.set()) {
          if (!(v instanceof Value.Str s))
            throw BuiltinException.type(
                "operand "
                    + (i + 1)
                    + " must be set of strings but got set containing "
                    + v.typeName());
          out.add(s.value);
        }
      }
      default -> throw typeErr(i, "one of {string, set, array}", a[i]);
    }
    return out;
  }

  /** Go's {@code strings.TrimLeft}: drops leading code points that occur in {@code cut}. */
  private static String trimLeft(String s, String cut) {
    int i = 0;
    while (i < s.length()) {
      int cp = s.codePointAt(i);
      if (!cut.contains(Character.toString(cp))) break;
      i += Character.charCount(cp);
    }
    return s.substring(i);
  }

  /** Go's {@code strings.TrimRight}: drops trailing code points that occur in {@code cut}. */
  private static String trimRight(String s, String cut) {
    int i = s.length();
    while (i > 0) {
      int cp = s.codePointBefore(i);
      if (!cut.contains(Character.toString(cp))) break;
      i -= Character.charCount(cp);
    }
    return s.substring(0, i);
  }

  /**
   * A template string's parts as the parser lowers them: a string is literal text, a set the values
   * of one template expression (none: {@code <undefined>}; one: a string as is, another value in
   * Rego syntax; more: an error), a number, boolean or null its text.
   */
  static String templateString(List<Value> parts) {
    StringBuilder b = new StringBuilder();
    for (Value part : parts) {
      switch (part) {
        case Value.Str s -> b.append(s.value);
        case Value.SetV set -> {
          if (set.size() == 0) {
            b.append("<undefined>");
          } else if (set.size() > 1) {
            throw BuiltinException.error("template-strings must not produce multiple outputs");
          } else {
            Value v = set.set().iterator().next();
            b.append(v instanceof Value.Str s ? s.value : Builtins.show(v));
          }
        }
        case Value.Num n -> b.append(Builtins.show(n));
        case Value.Bool x -> b.append(Builtins.show(x));
        case Value.Null n -> b.append("null");
        default -> throw BuiltinException.type("illegal argument type: " + part.typeName());
      }
    }
    return b.toString();
  }

  /** Go-style fmt.Sprintf for the verbs Rego policies use. */
  static String sprintf(String fmt, List<Value> args) {
    StringBuilder b = new StringBuilder();
    int argi = 0;
    for (int i = 0; i < fmt.length(); i++) {
      char ch = fmt.charAt(i);
      if (ch != '%') {
        b.append(ch);
        continue;
      }
      i++;
      if (i >= fmt.length()) {
        b.append("%!(NOVERB)");
        break;
      }
      StringBuilder flags = new StringBuilder();
      while (i < fmt.length() && "+-# 0".indexOf(fmt.charAt(i)) >= 0) flags.append(fmt.charAt(i++));
      int width = -1;
      int ws = i;
      while (i < fmt.length() && Character.isDigit(fmt.charAt(i))) i++;
      if (i > ws) width = Integer.parseInt(fmt.substring(ws, i));
      int prec = -1;
      if (i < fmt.length() && fmt.charAt(i) == '.') {
        i++;
        int ps = i;
        while (i < fmt.length() && Character.isDigit(fmt.charAt(i))) i++;
        prec = i > ps ? Integer.parseInt(fmt.substring(ps, i)) : 0;
      }
      if (i >= fmt.length()) {
        b.append("%!(NOVERB)");
        break;
      }
      char verb = fmt.charAt(i);
      if (verb == '%') {
        b.append('%');
        continue;
      }
      if (argi >= args.size()) {
        b.append("%!").append(verb).append("(MISSING)");
        continue;
      }
      Value v = args.get(argi++);
      String s = format(verb, flags.toString(), prec, v);
      int length = s.codePointCount(0, s.length());
      if (width > length) {
        String pad = " ".repeat(width - length);
        if (flags.indexOf("-") >= 0) s = s + pad;
        else if (flags.indexOf("0") >= 0 && v instanceof Value.Num && !s.startsWith("%!")) {
          // after the sign, as Go pads: -0042
          int sign = s.startsWith("-") || s.startsWith("+") ? 1 : 0;
          s = s.substring(0, sign) + "0".repeat(width - length) + s.substring(sign);
        } else s = pad + s;
      }
      b.append(s);
    }
    if (argi < args.size()) {
      b.append("%!(EXTRA ");
      for (int j = argi; j < args.size(); j++) {
        if (j > argi) b.append(", ");
        Value v = args.get(j);
        b.append(goType(v)).append('=').append(goValue(v));
      }
      b.append(')');
    }
    return b.toString();
  }

  /**
   * The Go value OPA hands {@code fmt.Sprintf} for a Rego value: a number whose value is whole an
   * {@code int} (or a {@code *big.Int} beyond 64 bits), a fraction a {@code float64}, a number
   * beyond float64 its text, a string itself, and anything else its Rego text (a string too).
   */
  private enum GoKind {
    INT,
    BIG_INT,
    FLOAT64,
    STRING
  }

  private static GoKind goKind(Value v) {
    if (!(v instanceof Value.Num n)) return GoKind.STRING;
    BigDecimal d = n.toBig();
    // beyond float64 (2e308): OPA's parses of the text fail and it passes the text itself
    if (Double.isInfinite(d.doubleValue())) return GoKind.STRING;
    if (n.isInteger()) return d.toBigInteger().bitLength() < 64 ? GoKind.INT : GoKind.BIG_INT;
    return GoKind.FLOAT64;
  }

  private static String goType(Value v) {
    return switch (goKind(v)) {
      case INT -> "int";
      case BIG_INT -> "*big.Int";
      case FLOAT64 -> "float64";
      case STRING -> "string";
    };
  }

  /** The Go value's {@code %v}: digits, Go's float64 text, or the string. */
  private static String goValue(Value v) {
    return switch (goKind(v)) {
      case INT, BIG_INT -> ((Value.Num) v).toBig().toBigInteger().toString();
      case FLOAT64 -> goFloat(((Value.Num) v).toBig().doubleValue());
      case STRING -> goString(v);
    };
  }

  /** The string OPA passes for a value that is not a number: the string, or the Rego text. */
  private static String goString(Value v) {
    if (v instanceof Value.Str str) return str.value;
    if (v instanceof Value.Num n) return exponentForm(n.toBig());
    return Json.term(v);
  }

  /** Go's {@code %!verb(type=value)}: a verb that does not apply to the value's Go type. */
  private static String badVerb(char verb, Value v) {
    return "%!" + verb + "(" + goType(v) + "=" + goValue(v) + ")";
  }

  /** {@code 2e308} for 2 × 10^308: the unscaled digits and a decimal exponent, as written. */
  private static String exponentForm(BigDecimal d) {
    BigDecimal t = d.stripTrailingZeros();
    int exp = -t.scale();
    String digits = t.unscaledValue().toString();
    return exp == 0 ? digits : digits + "e" + exp;
  }

  private static String format(char verb, String flags, int prec, Value v) {
    GoKind kind = goKind(v);
    boolean whole = kind == GoKind.INT || kind == GoKind.BIG_INT;
    switch (verb) {
      case 'v' -> {
        return goValue(v);
      }
      case 's' -> {
        // an int has no %s in Go (a *big.Int has)
        if (kind == GoKind.INT || kind == GoKind.FLOAT64) return badVerb(verb, v);
        String s = goValue(v);
        // Go counts a precision (and a width) in characters, not UTF-16 units
        if (prec >= 0 && s.codePointCount(0, s.length()) > prec) {
          s = s.substring(0, s.offsetByCodePoints(0, prec));
        }
        return s;
      }
      case 'q' -> {
        return switch (kind) {
          case STRING -> Json.goQuote(goString(v));
          case INT -> {
            // Go's strconv.QuoteRune: the character in single quotes, escaped as %q escapes
            long cp = ((Value.Num) v).toBig().longValueExact();
            if (cp < 0 || cp > Character.MAX_CODE_POINT || (cp >= 0xD800 && cp <= 0xDFFF)) {
              cp = 0xFFFD;
            }
            String quoted = Json.goQuote(Character.toString((int) cp));
            String inner = quoted.substring(1, quoted.length() - 1);
            if (cp == '"') inner = "\"";
            if (cp == '\'') inner = "\\'";
            yield "'" + inner + "'";
          }
          default -> badVerb(verb, v);
        };
      }
      case 'd' -> {
        if (!whole) return badVerb(verb, v);
        BigDecimal d = ((Value.Num) v).toBig();
        String s = d.toBigInteger().toString();
        if (flags.contains("+") && d.signum() >= 0) s = "+" + s;
        return s;
      }
      case 'f', 'F', 'e', 'g', 'G', 'E' -> {
        // Go formats only the float64 with these (an int or a *big.Int is a bad verb), from its
        // exact binary value, rounding half to even
        if (kind != GoKind.FLOAT64) return badVerb(verb, v);
        double d = ((Value.Num) v).toBig().doubleValue();
        String s = GoFloatFormat.format(d, Character.toLowerCase(verb), prec);
        if (verb == 'E' || verb == 'G') s = s.toUpperCase(java.util.Locale.ROOT);
        if (flags.contains("+") && !s.startsWith("-")) s = "+" + s;
        return s;
      }
      case 'x', 'X' -> {
        String s;
        if (whole) s = ((Value.Num) v).toBig().toBigInteger().toString(16);
        else if (kind == GoKind.STRING) {
          StringBuilder hb = new StringBuilder();
          for (byte by : goString(v).getBytes(java.nio.charset.StandardCharsets.UTF_8))
            hb.append(String.format("%02x", by));
          s = hb.toString();
        } else return badVerb(verb, v);
        return verb == 'X' ? s.toUpperCase(java.util.Locale.ROOT) : s;
      }
      case 'o' -> {
        if (whole) return ((Value.Num) v).toBig().toBigInteger().toString(8);
        return badVerb(verb, v);
      }
      case 'b' -> {
        if (whole) return ((Value.Num) v).toBig().toBigInteger().toString(2);
        return badVerb(verb, v);
      }
      case 'c' -> {
        if (kind != GoKind.INT) return badVerb(verb, v);
        long cp = ((Value.Num) v).toBig().longValueExact();
        // Go writes the replacement character for what is not a character (a surrogate too)
        return cp < 0 || cp > Character.MAX_CODE_POINT || (cp >= 0xD800 && cp <= 0xDFFF)
            ? "\ufffd"
            : Character.toString((int) cp);
      }
      case 'U' -> {
        if (kind != GoKind.INT) return badVerb(verb, v);
        long cp = ((Value.Num) v).toBig().longValueExact();
        String hex = Long.toHexString(cp).toUpperCase(java.util.Locale.ROOT);
        return "U+" + "0".repeat(Math.max(0, 4 - hex.length())) + hex;
      }
      default -> {
        // %t included: OPA hands booleans over as their text, a string
        return badVerb(verb, v);
      }
    }
  }

  /** Glob patterns (gobwas/glob semantics) compiled to regular expressions. */
  static final class Glob {
    private static final Map<String, Pattern> CACHE = new ConcurrentHashMap<>();

    static Pattern compile(String glob, List<String> delims) {
      String key = glob + "\u0000" + delims;
      Pattern p = CACHE.get(key);
      if (p != null) return p;
      StringBuilder d = new StringBuilder();
      for (String s : delims) {
        for (char ch : s.toCharArray()) {
          if ("\\[]^-".indexOf(ch) >= 0) d.append('\\');
          d.append(ch);
        }
      }
      String notDelim = d.length() == 0 ? "." : "[^" + d + "]";
      StringBuilder r = new StringBuilder();
      int depth = 0;
      for (int i = 0; i < glob.length(); i++) {
        char c = glob.charAt(i);
        switch (c) {
          case '*' -> {
            if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
              r.append(".*");
              i++;
            } else {
              r.append(notDelim).append('*');
            }
          }
          case '?' -> r.append(notDelim);
          case '[' -> {
            int end = glob.indexOf(']', i + 1);
            if (end < 0) throw BuiltinException.error("unexpected end of input");
            String body = glob.substring(i + 1, end);
            if (body.startsWith("!")) body = "^" + body.substring(1);
            r.append('[').append(body.replace("\\", "\\\\")).append(']');
            i = end;
          }
          case '{' -> {
            depth++;
            r.append("(?:");
          }
          case '}' -> {
            if (depth == 0) throw BuiltinException.error("unexpected end of input");
            depth--;
            r.append(')');
          }
          case ',' -> r.append(depth > 0 ? "|" : ",");
          case '\\' -> {
            if (i + 1 < glob.length()) r.append(Regex.quoteMeta(String.valueOf(glob.charAt(++i))));
          }
          default -> r.append(Regex.quoteMeta(String.valueOf(c)));
        }
      }
      if (depth != 0) throw BuiltinException.error("unexpected end of input");
      Pattern compiled;
      try {
        compiled = Pattern.compile(r.toString(), Pattern.DOTALL);
      } catch (com.google.re2j.PatternSyntaxException e) {
        throw BuiltinException.error(e.getMessage());
      }
      if (CACHE.size() < 1000) CACHE.put(key, compiled);
      return compiled;
    }
  }

  /**
   * Maps every code point on its own, as Go's {@code strings.ToUpper}/{@code ToLower} (OPA's {@code
   * upper}/{@code lower}) do with Unicode's simple case mappings: {@code upper("straße")} is {@code
   * "STRAßE"} and a final sigma stays {@code σ}, where Java's {@code String} methods apply the
   * full, context-dependent mappings ({@code "STRASSE"}, {@code ς}).
   */
  private static String eachCodePoint(String s, java.util.function.IntUnaryOperator mapping) {
    StringBuilder out = new StringBuilder(s.length());
    s.codePoints().map(mapping).forEach(out::appendCodePoint);
    return out.toString();
  }

  /**
   * Go's {@code %v} of a float64 ({@code strconv.FormatFloat(d, 'g', -1, 64)}): the shortest digits
   * that read back as {@code d}, in exponent form when the exponent is below -4 or at least 6
   * ({@code 1e+06}, {@code 1.5e-05}), else plain ({@code 123456.7}).
   */
  static String goFloat(double d) {
    if (d == 0) return 1 / d < 0 ? "-0" : "0";
    // Double.toString gives the shortest decimal that reads back as d (JDK 19 and later)
    BigDecimal shortest = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
    String digits = shortest.unscaledValue().toString();
    int exp = digits.length() - 1 - shortest.scale();
    String sign = d < 0 ? "-" : "";
    if (exp < -4 || exp >= 6) {
      String mantissa =
          digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      int e = Math.abs(exp);
      return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (e < 10 ? "0" : "") + e;
    }
    return sign + shortest.toPlainString();
  }

  /**
   * {@code trim_space} as Go's {@code strings.TrimSpace}: Unicode white space at both ends,
   * including the no-break space U+00A0 and next-line U+0085 that Java's {@code strip} keeps.
   */
  static String trimGoSpace(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && isGoSpace(s.codePointAt(start))) {
      start += Character.charCount(s.codePointAt(start));
    }
    while (end > start && isGoSpace(s.codePointBefore(end))) {
      end -= Character.charCount(s.codePointBefore(end));
    }
    return s.substring(start, end);
  }

  /** Go's {@code unicode.IsSpace}: Unicode's White_Space property. */
  static boolean isGoSpace(int cp) {
    return switch (cp) {
      case '\t',
          '\n',
          0x0B,
          '\f',
          '\r',
          ' ',
          0x85,
          0xA0,
          0x1680,
          0x2028,
          0x2029,
          0x202F,
          0x205F,
          0x3000 ->
          true;
      default -> cp >= 0x2000 && cp <= 0x200A;
    };
  }
}
