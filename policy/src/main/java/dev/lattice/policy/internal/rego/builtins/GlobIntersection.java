package dev.lattice.policy.internal.rego.builtins;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * {@code regex.globs_match}: whether two "regex globs" can match a common string. The syntax is the
 * one OPA accepts there: {@code .} (any character), character classes {@code [a-z0-9]}, literal
 * characters ({@code \} escapes), each optionally followed by {@code *} or {@code +}. The answer is
 * a search over pairs of positions in both patterns (a product automaton), linear in their product.
 */
final class GlobIntersection {
  private GlobIntersection() {}

  /** One token: a set of characters as sorted inclusive ranges (null = any), and a repetition. */
  private record Token(int[] ranges, boolean star) {}

  static boolean nonEmpty(String a, String b) {
    List<Token> x = parse(a), y = parse(b);
    int n = x.size(), m = y.size();
    boolean[][] seen = new boolean[n + 1][m + 1];
    Deque<int[]> todo = new ArrayDeque<>();
    todo.push(new int[] {0, 0});
    while (!todo.isEmpty()) {
      int[] s = todo.pop();
      int i = s[0], j = s[1];
      if (seen[i][j]) continue;
      seen[i][j] = true;
      if (i == n && j == m) return true;
      if (i < n && x.get(i).star) todo.push(new int[] {i + 1, j});
      if (j < m && y.get(j).star) todo.push(new int[] {i, j + 1});
      if (i < n && j < m && intersects(x.get(i).ranges, y.get(j).ranges)) {
        int[] is = x.get(i).star ? new int[] {i, i + 1} : new int[] {i + 1};
        int[] js = y.get(j).star ? new int[] {j, j + 1} : new int[] {j + 1};
        for (int ni : is) for (int nj : js) todo.push(new int[] {ni, nj});
      }
    }
    return false;
  }

  private static boolean intersects(int[] a, int[] b) {
    if (a == null || b == null) return true;
    for (int p = 0; p < a.length; p += 2) {
      for (int q = 0; q < b.length; q += 2) {
        if (a[p] <= b[q + 1] && b[q] <= a[p + 1]) return true;
      }
    }
    return false;
  }

  /**
   * Tokenizes as OPA's glob-intersection library does, with its errors: a {@code ]} or a flag
   * ({@code *}, {@code +}) with nothing before it, a {@code [} with no {@code ]}, a {@code -} in a
   * class with no character on one side, a trailing {@code \\}. Positions count runes, as Go's do;
   * a range written backwards ({@code [z-a]}) keeps, as there, only its first character.
   */
  private static List<Token> parse(String g) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    while (i < g.length()) {
      int c = g.codePointAt(i);
      int[] set;
      if (c == '.') {
        set = null;
        i++;
      } else if (c == '[') {
        int k = i + 1;
        List<Integer> r = new ArrayList<>();
        boolean complete = false;
        boolean prevExists = false;
        int prev = 0;
        while (k < g.length()) {
          int ch = g.codePointAt(k);
          boolean escaped = ch == '\\';
          if (escaped) {
            if (k + 1 >= g.length())
              throw invalid(g, runes(g, k), "input ends with a \\ (escape) character");
            ch = g.codePointAt(k + 1);
            k++;
          }
          k += Character.charCount(ch);
          if (!escaped && ch == ']') {
            complete = true;
            break;
          }
          if (escaped || ch != '-') {
            r.add(ch);
            r.add(ch);
            prev = ch;
            prevExists = true;
            continue;
          }
          if (!prevExists) {
            throw invalid(
                g, runes(g, k), "range character '-' must be preceded by a Unicode character");
          }
          if (runes(g, k) >= runes(g, g.length()) - 1) {
            throw invalid(
                g, runes(g, k), "range character '-' must be followed by a Unicode character");
          }
          int hi = g.codePointAt(k);
          boolean hiEscaped = hi == '\\';
          if (hiEscaped) {
            hi = g.codePointAt(k + 1);
            k++;
          }
          k += Character.charCount(hi);
          if (!hiEscaped && (hi == ']' || hi == '-')) {
            throw invalid(
                g, runes(g, k), "range character '-' cannot be followed by a special symbol");
          }
          if (hi >= prev) {
            r.add(prev);
            r.add(hi);
          }
          prevExists = false;
        }
        // The library reports the position of the end of input as 0 here.
        if (!complete) throw invalid(g, 0, "found [ without matching ]");
        set = r.stream().mapToInt(Integer::intValue).toArray();
        i = k;
      } else if (c == ']') {
        throw invalid(g, runes(g, i) + 1, "set-close ']' with no preceding '['");
      } else if (c == '*' || c == '+') {
        throw invalid(g, runes(g, i) + 1, "flag '" + (char) c + "' must be preceded by a non-flag");
      } else {
        if (c == '\\') {
          if (i + 1 >= g.length())
            throw invalid(g, runes(g, i), "input ends with a \\ (escape) character");
          c = g.codePointAt(++i);
        }
        set = new int[] {c, c};
        i += Character.charCount(c);
      }
      if (i < g.length() && g.charAt(i) == '*') {
        out.add(new Token(set, true));
        i++;
      } else if (i < g.length() && g.charAt(i) == '+') {
        out.add(new Token(set, false));
        out.add(new Token(set, true));
        i++;
      } else {
        out.add(new Token(set, false));
      }
    }
    return out;
  }

  private static int runes(String g, int charIndex) {
    return g.codePointCount(0, charIndex);
  }

  private static BuiltinException invalid(String g, int pos, String problem) {
    return BuiltinException.error(
        "input:" + g + ", pos:" + pos + ", " + problem + ": the input provided is invalid");
  }
}
