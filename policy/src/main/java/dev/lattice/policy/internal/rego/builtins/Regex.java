package dev.lattice.policy.internal.rego.builtins;

import static dev.lattice.policy.internal.rego.builtins.Args.*;
import static dev.lattice.policy.internal.rego.builtins.Builtins.add;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.lattice.policy.internal.rego.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code regex.*}, {@code re_match} and {@code glob.match} on RE2/J: RE2 syntax and linear-time
 * matching as in OPA (Go's {@code regexp}). Inputs are read through {@link Interruptible}, so a
 * long input counts against the evaluation's step budget and deadline while it is being matched.
 */
final class Regex {
  private Regex() {}

  private static final Map<String, Pattern> CACHE = new ConcurrentHashMap<>();
  private static final int CACHE_MAX = 1000;

  static void register() {
    add("regex.match", 2, (a, c) -> Value.bool(matches(str(a, 0), str(a, 1), c)));
    add("re_match", 2, (a, c) -> Value.bool(matches(str(a, 0), str(a, 1), c)));
    add(
        "regex.is_valid",
        1,
        (a, c) -> {
          if (!(a[0] instanceof Value.Str s)) return Value.FALSE;
          try {
            compile(s.value);
            return Value.TRUE;
          } catch (BuiltinException e) {
            return Value.FALSE;
          }
        });
    add(
        "regex.split",
        2,
        (a, c) -> {
          String pat = str(a, 0), s = str(a, 1);
          Pattern re = compile(pat);
          List<Value> out = new ArrayList<>();
          if (!pat.isEmpty() && s.isEmpty()) return Value.Arr.of(List.of(Value.str("")));
          int beg = 0, end = 0;
          for (int[] m : findAll(re, s, -1, c)) {
            end = m[0];
            if (m[1] != 0) out.add(Value.str(s.substring(beg, end)));
            beg = m[1];
          }
          if (end != s.length()) out.add(Value.str(s.substring(beg)));
          return Value.Arr.of(out);
        });
    add(
        "regex.find_n",
        3,
        (a, c) -> {
          Pattern re = compile(str(a, 0));
          String s = str(a, 1);
          int n = intArg(a, 2);
          List<Value> out = new ArrayList<>();
          for (int[] m : findAll(re, s, n, c)) out.add(Value.str(s.substring(m[0], m[1])));
          return Value.Arr.of(out);
        });
    add(
        "regex.find_all_string_submatch_n",
        3,
        (a, c) -> {
          Pattern re = compile(str(a, 0));
          String s = str(a, 1);
          int n = intArg(a, 2);
          List<Value> out = new ArrayList<>();
          for (int[] m : findAll(re, s, n, c)) {
            List<Value> groups = new ArrayList<>();
            for (int g = 0; g < m.length / 2; g++) {
              groups.add(Value.str(m[2 * g] < 0 ? "" : s.substring(m[2 * g], m[2 * g + 1])));
            }
            out.add(Value.Arr.of(groups));
          }
          return Value.Arr.of(out);
        });
    add(
        "regex.replace",
        3,
        (a, c) -> {
          String s = str(a, 0);
          Pattern re = compile(str(a, 1));
          String template = str(a, 2);
          return Value.str(replaceAll(re, s, template, c));
        });
    add(
        "regex.template_match",
        4,
        (a, c) -> {
          String tpl = str(a, 0), s = str(a, 1), start = str(a, 2), end = str(a, 3);
          if (start.length() != 1)
            throw BuiltinException.error(
                "start delimiter has to be exactly one character long but is "
                    + start.length()
                    + " long");
          if (end.length() != 1)
            throw BuiltinException.error(
                "end delimiter has to be exactly one character long but is "
                    + start.length()
                    + " long");
          Pattern re = template(tpl, start.charAt(0), end.charAt(0));
          return Value.bool(re.matcher(new Interruptible(s, c)).find());
        });
    add(
        "regex.globs_match",
        2,
        (a, c) -> Value.bool(GlobIntersection.nonEmpty(str(a, 0), str(a, 1))));
  }

  static boolean matches(String pattern, String s, BuiltinContext c) {
    return compile(pattern).matcher(new Interruptible(s, c)).find();
  }

  static Pattern compile(String p) {
    Pattern cached = CACHE.get(p);
    if (cached != null) return cached;
    try {
      Pattern compiled = Pattern.compile(p);
      if (CACHE.size() < CACHE_MAX) CACHE.put(p, compiled);
      return compiled;
    } catch (PatternSyntaxException e) {
      throw BuiltinException.error(e.getMessage());
    }
  }

  /**
   * Go's {@code FindAll*Index}: matches left to right, at most {@code n} when {@code n >= 0}; an
   * empty match right after the previous match is skipped. Each result holds start and end of the
   * whole match and of each group (-1 when a group did not take part).
   */
  static List<int[]> findAll(Pattern re, String s, int n, BuiltinContext c) {
    List<int[]> out = new ArrayList<>();
    if (n == 0) return out;
    Matcher m = re.matcher(new Interruptible(s, c));
    int pos = 0, prevEnd = -1;
    while ((n < 0 || out.size() < n) && pos <= s.length()) {
      if (!m.find(pos)) break;
      boolean accept = true;
      if (m.end() == pos) {
        if (m.start() == prevEnd) accept = false;
        pos += pos < s.length() ? Character.charCount(s.codePointAt(pos)) : 1;
      } else {
        pos = m.end();
      }
      prevEnd = m.end();
      if (accept) out.add(groups(m));
    }
    return out;
  }

  private static int[] groups(Matcher m) {
    int[] g = new int[2 * (m.groupCount() + 1)];
    for (int i = 0; i <= m.groupCount(); i++) {
      g[2 * i] = m.start(i);
      g[2 * i + 1] = m.end(i);
    }
    return g;
  }

  /** Go's {@code Regexp.ReplaceAllString}: {@code $1}, {@code ${name}} and {@code $$} expanded. */
  static String replaceAll(Pattern re, String s, String template, BuiltinContext c) {
    Matcher m = re.matcher(new Interruptible(s, c));
    StringBuilder out = new StringBuilder();
    int lastEnd = 0, searchPos = 0;
    while (searchPos <= s.length()) {
      if (!m.find(searchPos)) break;
      out.append(s, lastEnd, m.start());
      if (m.end() > lastEnd || m.start() == 0) expand(out, template, s, m, re);
      lastEnd = m.end();
      int width = searchPos < s.length() ? Character.charCount(s.codePointAt(searchPos)) : 1;
      if (searchPos + width > m.end()) searchPos += width;
      else if (searchPos + 1 > m.end()) searchPos++;
      else searchPos = m.end();
    }
    out.append(s, lastEnd, s.length());
    return out.toString();
  }

  /** Go's {@code Regexp.Expand}. */
  private static void expand(StringBuilder out, String template, String s, Matcher m, Pattern re) {
    int i = 0;
    while (i < template.length()) {
      int dollar = template.indexOf('$', i);
      if (dollar < 0) {
        out.append(template, i, template.length());
        return;
      }
      out.append(template, i, dollar);
      i = dollar + 1;
      if (i < template.length() && template.charAt(i) == '$') {
        out.append('$');
        i++;
        continue;
      }
      String name = null;
      int after = i;
      if (i < template.length() && template.charAt(i) == '{') {
        int close = template.indexOf('}', i + 1);
        if (close > i + 1 && isName(template, i + 1, close)) {
          name = template.substring(i + 1, close);
          after = close + 1;
        }
      } else {
        int j = i;
        while (j < template.length() && isNameChar(template.charAt(j))) j++;
        if (j > i) {
          name = template.substring(i, j);
          after = j;
        }
      }
      if (name == null) {
        out.append('$');
        continue;
      }
      i = after;
      int group = -1;
      if (name.chars().allMatch(Character::isDigit)) {
        try {
          group = Integer.parseInt(name);
        } catch (NumberFormatException tooBig) {
          group = -1;
        }
      } else {
        Integer named = re.namedGroups().get(name);
        if (named != null) group = named;
      }
      if (group >= 0 && group <= m.groupCount() && m.start(group) >= 0) {
        out.append(s, m.start(group), m.end(group));
      }
    }
  }

  private static boolean isName(String t, int from, int to) {
    for (int k = from; k < to; k++) if (!isNameChar(t.charAt(k))) return false;
    return true;
  }

  private static boolean isNameChar(char ch) {
    return ch == '_' || Character.isLetterOrDigit(ch);
  }

  /** RE2's {@code QuoteMeta}. */
  static String quoteMeta(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if ("\\.+*?()|[]{}^$".indexOf(ch) >= 0) b.append('\\');
      b.append(ch);
    }
    return b.toString();
  }

  private static Pattern template(String tpl, char open, char close) {
    List<Integer> idx = new ArrayList<>();
    int level = 0, start = 0;
    for (int i = 0; i < tpl.length(); i++) {
      char ch = tpl.charAt(i);
      if (ch == open) {
        if (++level == 1) start = i;
      } else if (ch == close) {
        if (--level == 0) {
          idx.add(start);
          idx.add(i + 1);
        } else if (level < 0) {
          throw BuiltinException.error("unbalanced braces in " + goQuote(tpl));
        }
      }
    }
    if (level != 0) throw BuiltinException.error("unbalanced braces in " + goQuote(tpl));
    StringBuilder p = new StringBuilder("^");
    int end = 0;
    for (int i = 0; i < idx.size(); i += 2) {
      String raw = tpl.substring(end, idx.get(i));
      end = idx.get(i + 1);
      String inner = tpl.substring(idx.get(i) + 1, end - 1);
      compile("^" + inner + "$");
      p.append(quoteMeta(raw)).append('(').append(inner).append(')');
    }
    p.append(quoteMeta(tpl.substring(end))).append('$');
    return compile(p.toString());
  }

  static String goQuote(String s) {
    return dev.lattice.policy.internal.rego.value.Json.term(Value.str(s));
  }

  /**
   * The subject of a match, read by RE2/J one character at a time: every 1024 characters read count
   * one step against the evaluation's budget and deadline, so a huge input is interrupted.
   */
  static final class Interruptible implements CharSequence {
    private final String s;
    private final BuiltinContext ctx;
    private int reads;

    Interruptible(String s, BuiltinContext ctx) {
      this.s = s;
      this.ctx = ctx;
    }

    @Override
    public int length() {
      return s.length();
    }

    @Override
    public char charAt(int index) {
      if ((++reads & 1023) == 0 && ctx != null) ctx.step(1);
      return s.charAt(index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return s.subSequence(start, end);
    }

    @Override
    public String toString() {
      return s;
    }
  }
}
