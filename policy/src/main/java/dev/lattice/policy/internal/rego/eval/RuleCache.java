package dev.lattice.policy.internal.rego.eval;

/**
 * The rule values of one evaluation scope, by node id ({@link Ev#ruleValue}). A scope's values are
 * forgotten when it ends; an evaluation's top scope takes its cache from its engine's per-thread
 * one ({@link #acquire}) instead of allocating an array sized to every node of the bundle, and
 * {@link #release} clears only the entries it wrote, so the array is neither zeroed whole nor keeps
 * the evaluation's values alive afterwards. {@code with} scopes and nested evaluations on the same
 * thread (while the per-thread cache is in use) get a fresh cache of their own.
 */
final class RuleCache {
  private final Object[] values;
  private int[] written;
  private int nWritten;
  private boolean inUse;

  RuleCache(int nodes) {
    this.values = new Object[nodes];
    this.written = new int[8];
  }

  /** The per-thread cache of {@code local} when free, else a fresh one; marked in use. */
  static RuleCache acquire(ThreadLocal<RuleCache> local, int nodes) {
    RuleCache c = local.get();
    if (c == null) {
      c = new RuleCache(nodes);
      local.set(c);
    } else if (c.inUse) {
      c = new RuleCache(nodes); // re-entered on this thread: the outer evaluation keeps its own
    }
    c.inUse = true;
    return c;
  }

  /** Forgets every value written since acquired and frees the cache for the next evaluation. */
  void release() {
    Object[] v = values;
    int[] w = written;
    for (int i = 0; i < nWritten; i++) v[w[i]] = null;
    nWritten = 0;
    inUse = false;
  }

  int size() {
    return values.length;
  }

  Object get(int id) {
    return values[id];
  }

  void put(int id, Object value) {
    if (values[id] == null) {
      if (nWritten == written.length) written = java.util.Arrays.copyOf(written, nWritten * 2);
      written[nWritten++] = id;
    }
    values[id] = value;
  }

  /** Drops the entry (a rule whose evaluation failed); its id stays listed, which is harmless. */
  void remove(int id) {
    values[id] = null;
  }
}
