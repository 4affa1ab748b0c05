package dev.lattice.policy.internal.rego.value;

import java.util.Arrays;

/**
 * The storage of objects and sets: keys (and, for objects, values) in insertion order with their
 * hash codes, plus an open-addressing index once there are more than a few keys. Small tables are
 * searched linearly by hash code, which for the few-member objects policies mostly handle is faster
 * than any tree or index. Sorted order (OPA's iteration and comparison order) is computed only when
 * asked for, once per table.
 *
 * <p>Mutable while a builder fills it; the object or set that takes it over never changes it again,
 * so a finished table may be read by any number of threads (its sorted view is published through a
 * final field).
 */
final class ValueTable {
  /** Up to this many keys, lookups scan the hash codes instead of using an index. */
  private static final int LINEAR = 8;

  Value[] keys;
  Value[] vals; // null for sets
  int[] hashes;
  int size;
  private int[] index; // slot -> position + 1, 0 = free; null while size <= LINEAR
  private Sorted sorted;

  /** The keys (and values) in sorted order; fields final so the view is safely published. */
  record Sorted(Value[] keys, Value[] vals) {}

  ValueTable(int capacity, boolean withValues) {
    int c = Math.max(capacity, 2);
    keys = new Value[c];
    vals = withValues ? new Value[c] : null;
    hashes = new int[c];
  }

  /** A table whose arrays the caller sets (no arrays allocated only to be replaced). */
  private ValueTable() {}

  /**
   * A finished table of {@code keyTable}'s keys (with their hash codes, index and order: shared,
   * not copied) and the values {@code vals} by position (taken over). For objects of one shape: the
   * key table holds distinct keys in sorted order and no values, so the new table is sorted
   * already.
   */
  static ValueTable sharingKeys(ValueTable keyTable, Value[] vals) {
    ValueTable t = new ValueTable();
    t.keys = keyTable.keys;
    t.hashes = keyTable.hashes;
    t.index = keyTable.index;
    t.size = keyTable.size;
    t.vals = vals;
    t.sorted = new Sorted(keyTable.keys, vals);
    return t;
  }

  /** A key table for {@link #sharingKeys}: distinct keys in sorted order, exactly sized. */
  static ValueTable keysInOrder(Value[] sortedDistinctKeys) {
    ValueTable t = new ValueTable();
    t.keys = sortedDistinctKeys;
    t.hashes = new int[sortedDistinctKeys.length];
    t.size = sortedDistinctKeys.length;
    for (int i = 0; i < t.size; i++) t.hashes[i] = sortedDistinctKeys[i].hashCode();
    if (t.size > LINEAR) t.rebuildIndex();
    return t;
  }

  ValueTable copy() {
    ValueTable t = new ValueTable();
    t.keys = Arrays.copyOf(keys, Math.max(size + 2, 2));
    t.vals = vals == null ? null : Arrays.copyOf(vals, t.keys.length);
    t.hashes = Arrays.copyOf(hashes, t.keys.length);
    t.size = size;
    t.index = null;
    if (size > LINEAR) t.rebuildIndex();
    t.sorted = sorted;
    return t;
  }

  private static int spread(int h) {
    return h ^ (h >>> 16);
  }

  /** The position of {@code key}, or -1. */
  int find(Value key) {
    int h = key.hashCode();
    if (index == null) {
      int[] hs = hashes;
      Value[] ks = keys;
      for (int i = 0, n = size; i < n; i++) {
        if (hs[i] == h && ks[i].equals(key)) return i;
      }
      return -1;
    }
    int mask = index.length - 1;
    for (int s = spread(h) & mask; ; s = (s + 1) & mask) {
      int p = index[s];
      if (p == 0) return -1;
      p--;
      if (hashes[p] == h && keys[p].equals(key)) return p;
    }
  }

  /** The position of the string key {@code key}, or -1; allocates nothing. */
  int find(String key) {
    int h = key.hashCode(); // Str's hash code is its string's
    if (index == null) {
      int[] hs = hashes;
      Value[] ks = keys;
      for (int i = 0, n = size; i < n; i++) {
        if (hs[i] == h && ks[i] instanceof Value.Str s && s.value.equals(key)) return i;
      }
      return -1;
    }
    int mask = index.length - 1;
    for (int s = spread(h) & mask; ; s = (s + 1) & mask) {
      int p = index[s];
      if (p == 0) return -1;
      p--;
      if (hashes[p] == h && keys[p] instanceof Value.Str st && st.value.equals(key)) return p;
    }
  }

  /**
   * Adds {@code key} (with {@code val} for objects) or, when present, replaces its value. Returns
   * the previous value (objects), or the key itself when a set already held it; null when new.
   */
  Value put(Value key, Value val) {
    int p = find(key);
    if (p >= 0) {
      sorted = null;
      if (vals == null) return keys[p];
      Value prev = vals[p];
      vals[p] = val;
      return prev;
    }
    append(key, val);
    return null;
  }

  /** Appends a key known to be absent. */
  void append(Value key, Value val) {
    if (size == keys.length) {
      int c = size * 2;
      keys = Arrays.copyOf(keys, c);
      if (vals != null) vals = Arrays.copyOf(vals, c);
      hashes = Arrays.copyOf(hashes, c);
    }
    int h = key.hashCode();
    keys[size] = key;
    if (vals != null) vals[size] = val;
    hashes[size] = h;
    size++;
    sorted = null;
    if (index != null) {
      if (size * 2 > index.length) rebuildIndex();
      else insertIndex(size - 1);
    } else if (size > LINEAR) {
      rebuildIndex();
    }
  }

  /** Removes {@code key}; returns whether it was present. Linear in the size (rarely used). */
  boolean remove(Value key) {
    int p = find(key);
    if (p < 0) return false;
    int tail = size - p - 1;
    System.arraycopy(keys, p + 1, keys, p, tail);
    if (vals != null) System.arraycopy(vals, p + 1, vals, p, tail);
    System.arraycopy(hashes, p + 1, hashes, p, tail);
    size--;
    keys[size] = null;
    if (vals != null) vals[size] = null;
    sorted = null;
    index = null;
    if (size > LINEAR) rebuildIndex();
    return true;
  }

  private void rebuildIndex() {
    int c = Integer.highestOneBit(Math.max(size, 4) * 2) << 1;
    index = new int[c];
    for (int i = 0; i < size; i++) insertIndex(i);
  }

  private void insertIndex(int p) {
    int mask = index.length - 1;
    int s = spread(hashes[p]) & mask;
    while (index[s] != 0) s = (s + 1) & mask;
    index[s] = p + 1;
  }

  /** Keys (and values) in OPA's order, computed on first use. */
  Sorted sorted() {
    Sorted s = sorted;
    if (s != null) return s;
    int n = size;
    boolean inOrder = true;
    for (int i = 1; i < n && inOrder; i++) inOrder = keys[i - 1].compareTo(keys[i]) < 0;
    if (inOrder) {
      // a finished table is never modified: share its arrays when they have the exact length
      s =
          keys.length == n
              ? new Sorted(keys, vals)
              : new Sorted(Arrays.copyOf(keys, n), vals == null ? null : Arrays.copyOf(vals, n));
    } else if (n <= 16) {
      // policies' objects and sets are small: an insertion sort of copies beats boxing an order
      Value[] ks = Arrays.copyOf(keys, n);
      Value[] vs = vals == null ? null : Arrays.copyOf(vals, n);
      for (int i = 1; i < n; i++) {
        Value k = ks[i];
        Value v = vs == null ? null : vs[i];
        int j = i - 1;
        while (j >= 0 && ks[j].compareTo(k) > 0) {
          ks[j + 1] = ks[j];
          if (vs != null) vs[j + 1] = vs[j];
          j--;
        }
        ks[j + 1] = k;
        if (vs != null) vs[j + 1] = v;
      }
      s = new Sorted(ks, vs);
    } else if (vals == null) {
      Value[] ks = Arrays.copyOf(keys, n);
      Arrays.sort(ks);
      s = new Sorted(ks, null);
    } else {
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) order[i] = i;
      Value[] k0 = keys;
      Arrays.sort(order, (a, b) -> k0[a].compareTo(k0[b]));
      Value[] ks = new Value[n];
      Value[] vs = new Value[n];
      for (int i = 0; i < n; i++) {
        ks[i] = keys[order[i]];
        vs[i] = vals[order[i]];
      }
      s = new Sorted(ks, vs);
    }
    sorted = s;
    return s;
  }

  /** Order-independent hash: the sum over entries of key hash xor value hash (as java.util.Map). */
  int contentHash() {
    int h = 0;
    for (int i = 0; i < size; i++) {
      h += vals == null ? hashes[i] : hashes[i] ^ vals[i].hashCode();
    }
    return h;
  }
}
