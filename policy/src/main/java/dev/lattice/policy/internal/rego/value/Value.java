package dev.lattice.policy.internal.rego.value;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A Rego value: immutable, with OPA's total order (null &lt; boolean &lt; number &lt; string &lt;
 * array &lt; object &lt; set) and equality (numbers by numeric value).
 */
public sealed interface Value extends Comparable<Value>
    permits Value.Null, Value.Bool, Value.Num, Value.Str, Value.Arr, Value.Obj, Value.SetV {

  int typeOrder();

  String typeName();

  @Override
  default int compareTo(Value o) {
    int t = Integer.compare(typeOrder(), o.typeOrder());
    return t != 0 ? t : compareSameType(o);
  }

  int compareSameType(Value o);

  Null NULL = new Null();
  Bool TRUE = new Bool(true);
  Bool FALSE = new Bool(false);
  Obj EMPTY_OBJECT = new Obj(new TreeMap<>());
  SetV EMPTY_SET = new SetV(new TreeSet<>());
  Arr EMPTY_ARRAY = new Arr(new Value[0]);

  static Bool bool(boolean b) {
    return b ? TRUE : FALSE;
  }

  static Str str(String s) {
    return new Str(s);
  }

  static Num num(long l) {
    return Num.of(l);
  }

  final class Null implements Value {
    private Null() {}

    public int typeOrder() {
      return 0;
    }

    public String typeName() {
      return "null";
    }

    public int compareSameType(Value o) {
      return 0;
    }

    @Override
    public String toString() {
      return "null";
    }
  }

  final class Bool implements Value {
    public final boolean value;

    private Bool(boolean v) {
      this.value = v;
    }

    public int typeOrder() {
      return 1;
    }

    public String typeName() {
      return "boolean";
    }

    public int compareSameType(Value o) {
      return Boolean.compare(value, ((Bool) o).value);
    }

    @Override
    public String toString() {
      return Boolean.toString(value);
    }
  }

  /**
   * Arbitrary-precision number with a {@code long} fast path; integral values that fit are small.
   */
  final class Num implements Value {
    private static final Num[] CACHE = new Num[1024 + 128];

    static {
      for (int i = 0; i < CACHE.length; i++) CACHE[i] = new Num(i - 128, null);
    }

    public final long small;
    public final BigDecimal big; // null when small

    private Num(long small, BigDecimal big) {
      this.small = small;
      this.big = big;
    }

    public static Num of(long l) {
      if (l >= -128 && l < 1024) return CACHE[(int) l + 128];
      return new Num(l, null);
    }

    public static Num of(BigDecimal d) {
      if (d.signum() == 0) return of(0);
      if (d.scale() <= 0 || d.stripTrailingZeros().scale() <= 0) {
        BigDecimal s = d.scale() <= 0 ? d : d.stripTrailingZeros();
        if (s.precision() - s.scale() <= 18) {
          return of(s.longValueExact());
        }
        return new Num(0, s);
      }
      return new Num(0, d);
    }

    public static Num of(BigInteger i) {
      if (i.bitLength() < 63) return of(i.longValue());
      return new Num(0, new BigDecimal(i));
    }

    public static Num parse(String text) {
      try {
        if (text.length() < 18 && text.chars().allMatch(c -> c >= '0' && c <= '9' || c == '-')) {
          return of(Long.parseLong(text));
        }
        return of(new BigDecimal(text));
      } catch (NumberFormatException | ArithmeticException e) {
        return null;
      }
    }

    public boolean isSmall() {
      return big == null;
    }

    public BigDecimal toBig() {
      return big != null ? big : BigDecimal.valueOf(small);
    }

    public boolean isInteger() {
      return big == null || big.scale() <= 0 || big.stripTrailingZeros().scale() <= 0;
    }

    /** The value as an int when it is an integer in int range, else null. */
    public Integer intValue() {
      if (big == null)
        return small >= Integer.MIN_VALUE && small <= Integer.MAX_VALUE ? (int) small : null;
      return null;
    }

    public double doubleValue() {
      return big == null ? small : big.doubleValue();
    }

    public int typeOrder() {
      return 2;
    }

    public String typeName() {
      return "number";
    }

    public int compareSameType(Value o) {
      Num n = (Num) o;
      if (big == null && n.big == null) return Long.compare(small, n.small);
      return toBig().compareTo(n.toBig());
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Num n && compareSameType(n) == 0;
    }

    @Override
    public int hashCode() {
      if (big == null) return Long.hashCode(small);
      return big.stripTrailingZeros().hashCode();
    }

    @Override
    public String toString() {
      if (big == null) return Long.toString(small);
      BigDecimal s = big.stripTrailingZeros();
      if (s.scale() <= 0) return s.toBigInteger().toString();
      String plain = s.toPlainString();
      if (plain.length() > 40) return s.toString().replace("E+", "e+").replace("E-", "e-");
      return plain;
    }
  }

  final class Str implements Value {
    public final String value;

    public Str(String v) {
      this.value = v;
    }

    public int typeOrder() {
      return 3;
    }

    public String typeName() {
      return "string";
    }

    public int compareSameType(Value o) {
      return value.compareTo(((Str) o).value);
    }

    @Override
    public int compareTo(Value o) {
      // strings are by far the most common object keys: skip the type-order dispatch
      if (o instanceof Str s) return value.compareTo(s.value);
      return Integer.compare(3, o.typeOrder());
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Str s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
      return value.hashCode();
    }

    @Override
    public String toString() {
      return Json.quote(value);
    }
  }

  final class Arr implements Value {
    private final Value[] elems;
    private int hash;

    public Arr(Value[] elems) {
      this.elems = elems;
    }

    public static Arr of(List<Value> list) {
      return new Arr(list.toArray(new Value[0]));
    }

    public int size() {
      return elems.length;
    }

    public Value get(int i) {
      return elems[i];
    }

    public List<Value> list() {
      return Collections.unmodifiableList(Arrays.asList(elems));
    }

    public int typeOrder() {
      return 4;
    }

    public String typeName() {
      return "array";
    }

    public int compareSameType(Value o) {
      Arr a = (Arr) o;
      int n = Math.min(elems.length, a.elems.length);
      for (int i = 0; i < n; i++) {
        int c = elems[i].compareTo(a.elems[i]);
        if (c != 0) return c;
      }
      return Integer.compare(elems.length, a.elems.length);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Arr a && Arrays.equals(elems, a.elems);
    }

    @Override
    public int hashCode() {
      int h = hash;
      if (h == 0) hash = h = Arrays.hashCode(elems) * 31 + 4;
      return h;
    }

    @Override
    public String toString() {
      return Json.write(this);
    }
  }

  final class Obj implements Value {
    private NavigableMap<Value, Value> map; // null while still backed lazily by a Java map
    private final Map<?, ?> source;
    private String[] memoKeys;
    private Value[] memoVals;
    private int memoCount;
    private int hash;

    /** Takes ownership of {@code map}; the caller must not modify it afterwards. */
    public Obj(NavigableMap<Value, Value> map) {
      this.map = map;
      this.source = null;
    }

    private Obj(Map<?, ?> source) {
      this.source = source;
    }

    /**
     * An object that converts the members of a Java map with String keys only when they are read.
     * Not thread-safe until materialised: use it for one evaluation's input only.
     */
    static Obj lazy(Map<?, ?> source) {
      return new Obj(source);
    }

    public static Obj of(Map<Value, Value> m) {
      return new Obj(new TreeMap<>(m));
    }

    private NavigableMap<Value, Value> m() {
      NavigableMap<Value, Value> mm = map;
      if (mm == null) {
        TreeMap<Value, Value> t = new TreeMap<>();
        for (Map.Entry<?, ?> e : source.entrySet()) {
          if (!(e.getKey() instanceof String k)) {
            t.put(Convert.fromJava(e.getKey()), Convert.fromJavaLazy(e.getValue()));
            continue;
          }
          Value v = null;
          for (int i = 0; i < memoCount; i++) {
            if (memoKeys[i].equals(k)) v = memoVals[i];
          }
          t.put(new Str(k), v != null ? v : Convert.fromJavaLazy(e.getValue()));
        }
        map = mm = t;
        memoKeys = null;
        memoVals = null;
      }
      return mm;
    }

    public Value get(Value key) {
      if (map != null) return map.get(key);
      if (!(key instanceof Str s)) return null;
      return get(s.value);
    }

    public Value get(String key) {
      if (map != null) return map.get(new Str(key));
      // small lazily converted objects remember converted members in two short arrays
      if (memoKeys == null) {
        int n = Math.max(1, Math.min(source.size(), 64));
        memoKeys = new String[n];
        memoVals = new Value[n];
      }
      for (int i = 0; i < memoCount; i++) {
        if (memoKeys[i] == key) return memoVals[i];
      }
      for (int i = 0; i < memoCount; i++) {
        if (memoKeys[i].equals(key)) return memoVals[i];
      }
      Object raw = source.get(key);
      if (raw == null && !source.containsKey(key)) return null;
      Value v = Convert.fromJavaLazy(raw);
      if (memoCount < memoKeys.length) {
        memoKeys[memoCount] = key;
        memoVals[memoCount++] = v;
      }
      return v;
    }

    public int size() {
      return map != null ? map.size() : source.size();
    }

    public Map<Value, Value> map() {
      return Collections.unmodifiableNavigableMap(m());
    }

    public TreeMap<Value, Value> mutableCopy() {
      return new TreeMap<>(m());
    }

    public int typeOrder() {
      return 5;
    }

    public String typeName() {
      return "object";
    }

    public int compareSameType(Value o) {
      Obj b = (Obj) o;
      Iterator<Map.Entry<Value, Value>> i1 = m().entrySet().iterator();
      Iterator<Map.Entry<Value, Value>> i2 = b.m().entrySet().iterator();
      while (i1.hasNext() && i2.hasNext()) {
        Map.Entry<Value, Value> e1 = i1.next();
        Map.Entry<Value, Value> e2 = i2.next();
        int c = e1.getKey().compareTo(e2.getKey());
        if (c != 0) return c;
        c = e1.getValue().compareTo(e2.getValue());
        if (c != 0) return c;
      }
      return Integer.compare(size(), b.size());
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Obj b && size() == b.size() && compareSameType(b) == 0;
    }

    @Override
    public int hashCode() {
      int h = hash;
      if (h == 0) hash = h = m().hashCode() * 31 + 5;
      return h;
    }

    @Override
    public String toString() {
      return Json.write(this);
    }
  }

  final class SetV implements Value {
    private final NavigableSet<Value> set;
    private int hash;

    /** Takes ownership of {@code set}. */
    public SetV(NavigableSet<Value> set) {
      this.set = set;
    }

    public static SetV of(java.util.Collection<Value> c) {
      return new SetV(new TreeSet<>(c));
    }

    public boolean contains(Value v) {
      return set.contains(v);
    }

    public int size() {
      return set.size();
    }

    public NavigableSet<Value> set() {
      return Collections.unmodifiableNavigableSet(set);
    }

    public List<Value> sortedList() {
      return new ArrayList<>(set);
    }

    public int typeOrder() {
      return 6;
    }

    public String typeName() {
      return "set";
    }

    public int compareSameType(Value o) {
      SetV b = (SetV) o;
      Iterator<Value> i1 = set.iterator();
      Iterator<Value> i2 = b.set.iterator();
      while (i1.hasNext() && i2.hasNext()) {
        int c = i1.next().compareTo(i2.next());
        if (c != 0) return c;
      }
      return Integer.compare(set.size(), b.set.size());
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof SetV b && set.size() == b.set.size() && compareSameType(b) == 0;
    }

    @Override
    public int hashCode() {
      int h = hash;
      if (h == 0) hash = h = set.hashCode() * 31 + 6;
      return h;
    }

    @Override
    public String toString() {
      return Json.write(this);
    }
  }
}
