package dev.lattice.policy.internal.cli;

import java.util.ArrayList;
import java.util.List;

/** A unified diff of two texts by lines (longest common subsequence, 3 lines of context). */
final class UnifiedDiff {
  private static final int CONTEXT = 3;

  private UnifiedDiff() {}

  private record Op(char kind, String line, int oldLine, int newLine) {}

  static String diff(String name, String before, String after) {
    String[] a = lines(before);
    String[] b = lines(after);
    int n = a.length, m = b.length;
    int[][] lcs = new int[n + 1][m + 1];
    for (int i = n - 1; i >= 0; i--) {
      for (int j = m - 1; j >= 0; j--) {
        lcs[i][j] =
            a[i].equals(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    List<Op> ops = new ArrayList<>();
    int i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[i].equals(b[j])) {
        ops.add(new Op(' ', a[i], i++, j++));
      } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
        ops.add(new Op('-', a[i], i++, j));
      } else {
        ops.add(new Op('+', b[j], i, j++));
      }
    }
    StringBuilder out = new StringBuilder();
    out.append("--- ")
        .append(name)
        .append('\n')
        .append("+++ ")
        .append(name)
        .append(" (formatted)\n");
    int k = 0;
    while (k < ops.size()) {
      if (ops.get(k).kind() == ' ') {
        k++;
        continue;
      }
      int start = Math.max(0, k - CONTEXT);
      int end = k;
      // extend the hunk while changes are closer than twice the context
      int last = k;
      while (end < ops.size()) {
        if (ops.get(end).kind() != ' ') last = end;
        else if (end - last > 2 * CONTEXT) break;
        end++;
      }
      end = Math.min(ops.size(), last + CONTEXT + 1);
      int oldStart = ops.get(start).oldLine(), newStart = ops.get(start).newLine();
      int oldCount = 0, newCount = 0;
      for (int x = start; x < end; x++) {
        char kind = ops.get(x).kind();
        if (kind != '+') oldCount++;
        if (kind != '-') newCount++;
      }
      out.append("@@ -")
          .append(range(oldStart, oldCount))
          .append(" +")
          .append(range(newStart, newCount))
          .append(" @@\n");
      for (int x = start; x < end; x++) {
        out.append(ops.get(x).kind()).append(ops.get(x).line()).append('\n');
      }
      k = end;
    }
    return out.toString();
  }

  private static String range(int start, int count) {
    return count == 0 ? start + ",0" : (start + 1) + "," + count;
  }

  private static String[] lines(String s) {
    if (s.isEmpty()) return new String[0];
    String t = s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    return t.split("\n", -1);
  }
}
