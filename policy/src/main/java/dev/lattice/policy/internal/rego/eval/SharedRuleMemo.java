package dev.lattice.policy.internal.rego.eval;

import dev.lattice.policy.internal.rego.compiler.InputFootprint;
import dev.lattice.policy.internal.rego.compiler.InputFootprint.Footprint;
import dev.lattice.policy.internal.rego.compiler.Node;
import dev.lattice.policy.internal.rego.value.Value;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Rule values memoised across evaluations of one prepared query: "decide the shared part once".
 *
 * <p>A rule is memoised when {@link InputFootprint} proves its value depends only on the compiled
 * policy's data and the values at a fixed set of constant input paths, and none of those paths is
 * one the caller declared volatile (they differ for every decision, so memoising on them would only
 * fill the memo). The key of a memoised value is the rule plus an exact encoding of the input at
 * each path of its footprint (type-tagged, length-prefixed, numbers with their scale): an entry is
 * only ever returned for an input that is identical at every path the rule can read. Data is not
 * part of the key because a memo belongs to one compiled policy (one bundle revision and one set of
 * data documents); a data change compiles a new policy with an empty memo.
 *
 * <p>The memo is consulted only in an evaluation's top scope (no {@code with} in effect, no trace,
 * no coverage): see {@code Ev}. Values are stored fully materialised, so an entry never references
 * a caller's input. Thread-safe; bounded (cleared when full).
 */
public final class SharedRuleMemo {
  /** Rules estimated cheaper than this are evaluated rather than looked up. */
  static final int MIN_WEIGHT = 10;

  private static final Object UNDEFINED = new Object();

  private final int[][] pathsOf; // by node id: indexes into paths; null = not memoised
  private final List<List<Value>> paths = new ArrayList<>(); // distinct footprint paths
  private final int maxEntries;
  private final Map<Key, Object> entries = new ConcurrentHashMap<>();
  private final ThreadLocal<Recent> recent;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  SharedRuleMemo(Node root, int nodeCount, List<List<String>> volatileInputPaths, int maxEntries) {
    this.maxEntries = maxEntries;
    this.pathsOf = new int[nodeCount][];
    this.recent = ThreadLocal.withInitial(() -> new Recent(nodeCount, paths.size()));
    Map<List<Value>, Integer> pathIndex = new java.util.HashMap<>();
    List<List<Value>> vol = new ArrayList<>();
    for (List<String> p : volatileInputPaths) vol.add(p.stream().<Value>map(Value::str).toList());
    for (Map.Entry<Node, Footprint> e : InputFootprint.of(root).entrySet()) {
      Node n = e.getKey();
      Footprint f = e.getValue();
      if (n.kind == Node.Kind.FUNCTION || f.weight() < MIN_WEIGHT) continue;
      if (f.paths().stream().anyMatch(p -> vol.stream().anyMatch(v -> overlap(p, v)))) continue;
      pathsOf[n.id] =
          f.paths().stream()
              .mapToInt(
                  p ->
                      pathIndex.computeIfAbsent(
                          p,
                          q -> {
                            paths.add(q);
                            return paths.size() - 1;
                          }))
              .toArray();
    }
  }

  private static boolean overlap(List<Value> a, List<Value> b) {
    int n = Math.min(a.size(), b.size());
    return a.subList(0, n).equals(b.subList(0, n));
  }

  /** Whether the value of node {@code n} is memoised here. */
  boolean memoises(Node n) {
    return n.id < pathsOf.length && pathsOf[n.id] != null;
  }

  /**
   * The calling thread's most recent memo keys and values, by node, and its most recent encoding of
   * each path: decisions on one thread mostly repeat the shared part of the one before (an offer
   * decided member after member), so a key whose encodings are the very strings of the thread's
   * last key for the rule finds its value here, without hashing, comparing string contents or
   * looking it up in the shared map. Only a cache of exact entries: any value found here is one the
   * shared map held for the same key.
   */
  private static final class Recent {
    final Key[] keys;
    final Object[] values;
    final String[] encodings;

    Recent(int nodeCount, int pathCount) {
      keys = new Key[nodeCount];
      values = new Object[nodeCount];
      encodings = new String[pathCount];
    }
  }

  /** The state of one evaluation's look-ups: see {@link #begin}. */
  static final class Lookup {
    private final String[] encodings;
    private final Recent recent;

    private Lookup(String[] encodings, Recent recent) {
      this.encodings = encodings;
      this.recent = recent;
    }
  }

  /**
   * Starts the look-ups of one evaluation (of one input, on the calling thread): its path encodings
   * are computed once each, when a rule first needs them.
   */
  Lookup begin() {
    return new Lookup(new String[paths.size()], recent.get());
  }

  /**
   * The key of node {@code n}'s value under {@code input} (null = undefined input). The lookup
   * keeps each path's encoding once it is computed: memoised rules mostly share their paths.
   */
  Key key(Node n, Value input, boolean strict, Lookup lookup) {
    int[] pathIndexes = pathsOf[n.id];
    String[] encodings = lookup.encodings;
    for (int p : pathIndexes) if (encodings[p] == null) encodings[p] = encoding(p, input, lookup);
    // the thread's last key for the rule, when made of the very same strings, is this key
    Key last = lookup.recent.keys[n.id];
    if (last != null && last.strict == strict && last.hasParts(encodings, pathIndexes)) return last;
    String[] parts = new String[pathIndexes.length];
    for (int j = 0; j < parts.length; j++) parts[j] = encodings[pathIndexes[j]];
    return new Key(n.id, strict, parts);
  }

  /**
   * The encoding of the input at path {@code p}: the thread's last encoding of the path when the
   * value encodes the same (that string itself, so that keys made from it compare by identity, see
   * {@link Recent}), else a new one.
   */
  private String encoding(int p, Value input, Lookup lookup) {
    List<Value> path = paths.get(p);
    Value v = input;
    for (int i = 0; v != null && i < path.size(); i++) v = Ev.lookup(v, path.get(i));
    String last = lookup.recent.encodings[p];
    if (last != null && hasEncoding(v, last)) return last;
    String e = encoding(v);
    lookup.recent.encodings[p] = e;
    return e;
  }

  /** The exact encoding of v (null: undefined). */
  static String encoding(Value v) {
    StringBuilder one = new StringBuilder(16);
    encode(v, one);
    return one.toString();
  }

  /** Whether {@link #encoding}(v) equals {@code encoding}, found without building it. */
  static boolean hasEncoding(Value v, String encoding) {
    EncodingReader reader = new EncodingReader(encoding);
    return reader.matches(v) && reader.atEnd();
  }

  /**
   * Reads an encoding (see {@link #encode}) while comparing it with a value, without building the
   * value's own: the encoding is self-delimiting, so a value matches a whole encoding exactly when
   * {@link #matches} holds and the reader is {@link #atEnd} after it.
   */
  private static final class EncodingReader {
    private final String text;
    private int at;

    EncodingReader(String text) {
      this.text = text;
    }

    boolean atEnd() {
      return at == text.length();
    }

    boolean matches(Value v) {
      switch (v) {
        case null -> {
          return next('U');
        }
        case Value.Null x -> {
          return next('N');
        }
        case Value.Bool b -> {
          return next(b.value ? 'T' : 'F');
        }
        case Value.Num num -> {
          String digits = num.isSmall() ? Long.toString(num.small) : exact(num.big);
          return next('#') && length(digits.length()) && next(':') && text(digits);
        }
        case Value.Str s -> {
          return next('"') && length(s.value.length()) && next(':') && text(s.value);
        }
        case Value.Arr a -> {
          if (!(next('[') && length(a.size()) && next(':'))) return false;
          for (int i = 0; i < a.size(); i++) if (!matches(a.get(i))) return false;
          return true;
        }
        case Value.SetV s -> {
          if (!(next('<') && length(s.size()) && next(':'))) return false;
          for (int i = 0; i < s.size(); i++) if (!matches(s.get(i))) return false;
          return true;
        }
        case Value.Obj o -> {
          if (!(next('{') && length(o.size()) && next(':'))) return false;
          for (int i = 0; i < o.size(); i++) {
            if (!matches(o.key(i)) || !matches(o.value(i))) return false;
          }
          return true;
        }
      }
    }

    private boolean next(char c) {
      if (at < text.length() && text.charAt(at) == c) {
        at++;
        return true;
      }
      return false;
    }

    /** The decimal digits of n as encode writes them (no sign, no leading zero). */
    private boolean length(int n) {
      int digits = 1;
      for (int x = n; x >= 10; x /= 10) digits++;
      if (at + digits > text.length()) return false;
      int value = 0;
      for (int i = 0; i < digits; i++) {
        char c = text.charAt(at + i);
        if (c < '0' || c > '9') return false;
        value = value * 10 + (c - '0');
      }
      if (value != n) return false;
      at += digits;
      return true;
    }

    private boolean text(String t) {
      if (!text.regionMatches(at, t, 0, t.length())) return false;
      at += t.length();
      return true;
    }
  }

  /**
   * A memo key: the rule, the strictness, and the encodings of the input at the rule's footprint
   * paths in order. The encodings are shared by the keys of one evaluation, so each string's hash
   * is computed once per evaluation rather than once per rule as a concatenated key would be.
   */
  static final class Key {
    private final int node;
    private final boolean strict;
    private final String[] parts;
    private final int hash;

    Key(int node, boolean strict, String[] parts) {
      this.node = node;
      this.strict = strict;
      this.parts = parts;
      this.hash = (31 * node + (strict ? 1 : 0)) * 31 + java.util.Arrays.hashCode(parts);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k
          && k.hash == hash
          && k.node == node
          && k.strict == strict
          && java.util.Arrays.equals(k.parts, parts);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    /** Whether this key's parts are the very strings {@code encodings[pathIndexes[..]]}. */
    boolean hasParts(String[] encodings, int[] pathIndexes) {
      if (parts.length != pathIndexes.length) return false;
      for (int j = 0; j < parts.length; j++)
        if (parts[j] != encodings[pathIndexes[j]]) return false;
      return true;
    }

    /** Whether k is this key made of the very same encoding strings. */
    boolean sameStrings(Key k) {
      if (k.node != node || k.strict != strict || k.parts.length != parts.length) return false;
      for (int i = 0; i < parts.length; i++) if (k.parts[i] != parts[i]) return false;
      return true;
    }
  }

  /** The memoised value: null when absent, {@link #undefined()} when the rule was undefined. */
  Object get(Key key, Lookup lookup) {
    Recent r = lookup.recent;
    Key last = r.keys[key.node];
    Object v =
        last == key || last != null && last.sameStrings(key)
            ? r.values[key.node]
            : entries.get(key);
    if (v == null) {
      misses.increment();
    } else {
      hits.increment();
      r.keys[key.node] = key;
      r.values[key.node] = v;
    }
    return v;
  }

  static Object undefined() {
    return UNDEFINED;
  }

  void put(Key key, Value value, Lookup lookup) {
    if (entries.size() >= maxEntries) entries.clear();
    Object stored = value == null ? UNDEFINED : materialise(value);
    entries.put(key, stored);
    lookup.recent.keys[key.node] = key;
    lookup.recent.values[key.node] = stored;
  }

  /** Look-ups answered from the memo since it was created. */
  public long hits() {
    return hits.sum();
  }

  /** Look-ups that had to evaluate the rule. */
  public long misses() {
    return misses.sum();
  }

  /** Exact, injective: equal encodings only for values of identical representation. */
  private static void encode(Value v, StringBuilder sb) {
    switch (v) {
      case null -> sb.append('U');
      case Value.Null x -> sb.append('N');
      case Value.Bool b -> sb.append(b.value ? 'T' : 'F');
      case Value.Num num -> {
        String text = num.isSmall() ? Long.toString(num.small) : exact(num.big);
        sb.append('#').append(text.length()).append(':').append(text);
      }
      case Value.Str s -> sb.append('"').append(s.value.length()).append(':').append(s.value);
      case Value.Arr a -> {
        sb.append('[').append(a.size()).append(':');
        for (int i = 0; i < a.size(); i++) encode(a.get(i), sb);
      }
      case Value.SetV s -> {
        sb.append('<').append(s.size()).append(':');
        for (int i = 0; i < s.size(); i++) encode(s.get(i), sb);
      }
      case Value.Obj o -> {
        sb.append('{').append(o.size()).append(':');
        for (int i = 0; i < o.size(); i++) {
          encode(o.key(i), sb);
          encode(o.value(i), sb);
        }
      }
    }
  }

  private static String exact(BigDecimal d) {
    return d.unscaledValue() + "e" + d.scale();
  }

  /** A copy with every lazily converted object converted, sharing nothing mutable. */
  static Value materialise(Value v) {
    return switch (v) {
      case Value.Arr a -> {
        Value[] out = new Value[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = materialise(a.get(i));
        yield new Value.Arr(out);
      }
      case Value.SetV s -> {
        Value.SetV.Builder out = Value.SetV.builder(s.size());
        for (int i = 0; i < s.size(); i++) out.add(materialise(s.get(i)));
        yield out.build();
      }
      case Value.Obj o -> {
        Value.Obj.Builder out = Value.Obj.builder(o.size());
        for (int i = 0; i < o.size(); i++) out.put(materialise(o.key(i)), materialise(o.value(i)));
        yield out.build();
      }
      default -> v;
    };
  }
}
