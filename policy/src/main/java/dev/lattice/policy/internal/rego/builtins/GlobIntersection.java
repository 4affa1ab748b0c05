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
        int close = i + 1;
        List<Integer> r = new ArrayList<>();
        while (close < g.length() && g.charAt(close) != ']') {
          int lo = g.codePointAt(close);
          if (lo == '\\' && close + 1 < g.length()) lo = g.codePointAt(++close);
          close += Character.charCount(lo);
          int hi = lo;
          if (close + 1 < g.length() && g.charAt(close) == '-' && g.charAt(close + 1) != ']') {
            hi = g.codePointAt(close + 1);
            if (hi == '\\' && close + 2 < g.length()) {
              close++;
              hi = g.codePointAt(close + 1);
            }
            close += 1 + Character.charCount(hi);
          }
          if (hi < lo) throw BuiltinException.error("invalid character class range in " + g);
          r.add(lo);
          r.add(hi);
        }
        if (close >= g.length())
          throw BuiltinException.error("unterminated character class in " + g);
        set = r.stream().mapToInt(Integer::intValue).toArray();
        i = close + 1;
      } else if (c == '*' || c == '+') {
        throw BuiltinException.error("quantifier '" + (char) c + "' without a preceding token");
      } else {
        if (c == '\\') {
          if (i + 1 >= g.length()) throw BuiltinException.error("trailing escape in " + g);
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
}
