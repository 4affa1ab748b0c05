package dev.lattice.policy.internal.rego.value;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

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
  Obj EMPTY_OBJECT = Obj.of(Map.of());
  SetV EMPTY_SET = SetV.of(List.of());
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

  /**
   * An object: a hash table over its members, iterated and compared in OPA's sorted key order
   * (computed once, when first needed). Immutable once built, except the lazy form over a Java map
   * (see {@link #lazy}).
   */
  final class Obj implements Value {
    private ValueTable table; // null while still backed lazily by a Java map
    private final Map<?, ?> source;

    /**
     * A lazily converted object's members read so far (and keys it lacks: null), as key, value,
     * key, value..: one array, since the input's objects are many and each reads only a few keys.
     */
    private Object[] memo;

    private int memoCount;
    private int hash;

    private Obj(ValueTable table) {
      this.table = table;
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

    /** An object with the entries of {@code m} (copied). */
    public static Obj of(Map<Value, Value> m) {
      ValueTable t = new ValueTable(m.size(), true);
      for (Map.Entry<Value, Value> e : m.entrySet()) t.put(e.getKey(), e.getValue());
      return new Obj(t);
    }

    public static Builder builder() {
      return new Builder(new ValueTable(4, true));
    }

    public static Builder builder(int expectedSize) {
      return new Builder(new ValueTable(expectedSize, true));
    }

    /** A builder starting with this object's members. */
    public Builder toBuilder() {
      return new Builder(t().copy());
    }

    /**
     * The keys of objects built from one object term with constant keys (e.g. {@code {"code": c,
     * "message": m}}): hashed, indexed and sorted once, shared by every object of the shape.
     * Immutable.
     */
    public static final class Shape {
      private final ValueTable keys;
      private final int[] positionOf;

      private Shape(ValueTable keys, int[] positionOf) {
        this.keys = keys;
        this.positionOf = positionOf;
      }

      /** The shape of objects with these keys in this order, or null when a key repeats. */
      public static Shape of(Value[] keysInOrder) {
        int n = keysInOrder.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> keysInOrder[a].compareTo(keysInOrder[b]));
        Value[] sorted = new Value[n];
        int[] positionOf = new int[n];
        for (int p = 0; p < n; p++) {
          sorted[p] = keysInOrder[order[p]];
          positionOf[order[p]] = p;
          if (p > 0 && sorted[p - 1].equals(sorted[p])) return null;
        }
        return new Shape(ValueTable.keysInOrder(sorted), positionOf);
      }

      public int size() {
        return positionOf.length;
      }

      /** Where the value of the {@code i}-th key (in the term's order) goes in {@link #with}. */
      public int position(int i) {
        return positionOf[i];
      }

      /** The object of this shape with these values, by {@link #position} (array taken over). */
      public Obj with(Value[] valuesByPosition) {
        return new Obj(ValueTable.sharingKeys(keys, valuesByPosition));
      }
    }

    private ValueTable t() {
      ValueTable tt = table;
      if (tt == null) {
        tt = new ValueTable(source.size(), true);
        for (Map.Entry<?, ?> e : source.entrySet()) {
          if (!(e.getKey() instanceof String k)) {
            tt.put(Convert.fromJava(e.getKey()), Convert.fromJavaLazy(e.getValue()));
            continue;
          }
          Value v = null;
          for (int i = 0; i < memoCount; i++) {
            if (memo[2 * i].equals(k)) v = (Value) memo[2 * i + 1];
          }
          tt.put(new Str(k), v != null ? v : Convert.fromJavaLazy(e.getValue()));
        }
        table = tt;
        memo = null;
      }
      return tt;
    }

    public Value get(Value key) {
      ValueTable tt = table;
      if (tt != null) {
        int p = tt.find(key);
        return p < 0 ? null : tt.vals[p];
      }
      if (!(key instanceof Str s)) return null;
      return get(s.value);
    }

    /** The member under the string key {@code key}, or null; allocates nothing once built. */
    public Value get(String key) {
      ValueTable tt = table;
      if (tt != null) {
        int p = tt.find(key);
        return p < 0 ? null : tt.vals[p];
      }
      // a lazily converted object remembers the members read (and the keys it lacks: null)
      Object[] m = memo;
      int count = memoCount;
      if (m == null) {
        memo = m = new Object[8];
      } else {
        int h = key.hashCode(); // cached in the string
        for (int i = 0; i < 2 * count; i += 2) {
          String k = (String) m[i];
          if (k == key || (k.hashCode() == h && k.equals(key))) return (Value) m[i + 1];
        }
      }
      Object raw = source.get(key);
      Value v = raw == null && !source.containsKey(key) ? null : Convert.fromJavaLazy(raw);
      if (2 * count == m.length && count < 64) memo = m = Arrays.copyOf(m, 4 * count);
      if (2 * count < m.length) {
        m[2 * count] = key;
        m[2 * count + 1] = v;
        memoCount = count + 1;
      }
      return v;
    }

    public int size() {
      ValueTable tt = table;
      return tt != null ? tt.size : source.size();
    }

    /** The {@code i}-th key in sorted order. */
    public Value key(int i) {
      return t().sorted().keys()[i];
    }

    /** The keys and values in sorted order (arrays not to be modified). */
    ValueTable.Sorted sortedMembers() {
      return t().sorted();
    }

    /** The value of the {@code i}-th key in sorted order. */
    public Value value(int i) {
      return t().sorted().vals()[i];
    }

    /** A read-only view: lookups by hash, iteration (entries, keys, values) in sorted key order. */
    public Map<Value, Value> map() {
      return new MapView(t());
    }

    public int typeOrder() {
      return 5;
    }

    public String typeName() {
      return "object";
    }

    public int compareSameType(Value o) {
      Obj b = (Obj) o;
      ValueTable.Sorted x = t().sorted();
      ValueTable.Sorted y = b.t().sorted();
      int n = Math.min(x.keys().length, y.keys().length);
      for (int i = 0; i < n; i++) {
        int c = x.keys()[i].compareTo(y.keys()[i]);
        if (c != 0) return c;
        c = x.vals()[i].compareTo(y.vals()[i]);
        if (c != 0) return c;
      }
      return Integer.compare(x.keys().length, y.keys().length);
    }

    @Override
    public boolean equals(Object o) {
      if (this == o) return true;
      if (!(o instanceof Obj b) || size() != b.size()) return false;
      ValueTable x = t();
      ValueTable y = b.t();
      for (int i = 0; i < x.size; i++) {
        int p = y.find(x.keys[i]);
        if (p < 0 || !y.vals[p].equals(x.vals[i])) return false;
      }
      return true;
    }

    @Override
    public int hashCode() {
      int h = hash;
      if (h == 0) hash = h = t().contentHash() * 31 + 5;
      return h;
    }

    @Override
    public String toString() {
      return Json.write(this);
    }

    /** Collects an object's members; {@link #build} hands them over (the builder is then spent). */
    public static final class Builder {
      private ValueTable t;

      private Builder(ValueTable t) {
        this.t = t;
      }

      /** Sets {@code key} to {@code value}; returns the previous value or null. */
      public Value put(Value key, Value value) {
        return t.put(key, value);
      }

      /** Sets {@code key} unless present; returns the present value or null. */
      public Value putIfAbsent(Value key, Value value) {
        int p = t.find(key);
        if (p >= 0) return t.vals[p];
        t.append(key, value);
        return null;
      }

      public Value get(Value key) {
        int p = t.find(key);
        return p < 0 ? null : t.vals[p];
      }

      public boolean remove(Value key) {
        return t.remove(key);
      }

      public int size() {
        return t.size;
      }

      public Obj build() {
        ValueTable done = t;
        t = null;
        return done.size == 0 ? EMPTY_OBJECT : new Obj(done);
      }
    }

    private static final class MapView extends AbstractMap<Value, Value> {
      private final ValueTable t;

      MapView(ValueTable t) {
        this.t = t;
      }

      @Override
      public int size() {
        return t.size;
      }

      @Override
      public Value get(Object key) {
        if (!(key instanceof Value k)) return null;
        int p = t.find(k);
        return p < 0 ? null : t.vals[p];
      }

      @Override
      public boolean containsKey(Object key) {
        return key instanceof Value k && t.find(k) >= 0;
      }

      @Override
      public Set<Map.Entry<Value, Value>> entrySet() {
        return new AbstractSet<>() {
          @Override
          public int size() {
            return t.size;
          }

          @Override
          public Iterator<Map.Entry<Value, Value>> iterator() {
            ValueTable.Sorted s = t.sorted();
            return new Iterator<>() {
              int i;

              @Override
              public boolean hasNext() {
                return i < s.keys().length;
              }

              @Override
              public Map.Entry<Value, Value> next() {
                if (i >= s.keys().length) throw new NoSuchElementException();
                Map.Entry<Value, Value> e = new SimpleImmutableEntry<>(s.keys()[i], s.vals()[i]);
                i++;
                return e;
              }
            };
          }
        };
      }
    }
  }

  /**
   * A set: a hash table over its elements, iterated and compared in OPA's sorted order (computed
   * once, when first needed). Immutable.
   */
  final class SetV implements Value {
    private final ValueTable table;
    private int hash;

    private SetV(ValueTable table) {
      this.table = table;
    }

    /** A set of the elements of {@code c} (copied). */
    public static SetV of(Collection<Value> c) {
      ValueTable t = new ValueTable(c.size(), false);
      for (Value v : c) t.put(v, null);
      return new SetV(t);
    }

    public static Builder builder() {
      return new Builder(new ValueTable(4, false));
    }

    public static Builder builder(int expectedSize) {
      return new Builder(new ValueTable(expectedSize, false));
    }

    /** A builder starting with this set's elements. */
    public Builder toBuilder() {
      return new Builder(table.copy());
    }

    public boolean contains(Value v) {
      return table.find(v) >= 0;
    }

    public int size() {
      return table.size;
    }

    /** The {@code i}-th element in sorted order. */
    public Value get(int i) {
      return table.sorted().keys()[i];
    }

    /** A read-only view: membership by hash, iteration in sorted order. */
    public Set<Value> set() {
      return new SetView(table);
    }

    public List<Value> sortedList() {
      return new ArrayList<>(Arrays.asList(table.sorted().keys()));
    }

    public int typeOrder() {
      return 6;
    }

    public String typeName() {
      return "set";
    }

    public int compareSameType(Value o) {
      SetV b = (SetV) o;
      Value[] x = table.sorted().keys();
      Value[] y = b.table.sorted().keys();
      int n = Math.min(x.length, y.length);
      for (int i = 0; i < n; i++) {
        int c = x[i].compareTo(y[i]);
        if (c != 0) return c;
      }
      return Integer.compare(x.length, y.length);
    }

    @Override
    public boolean equals(Object o) {
      if (this == o) return true;
      if (!(o instanceof SetV b) || size() != b.size()) return false;
      ValueTable x = table;
      for (int i = 0; i < x.size; i++) {
        if (b.table.find(x.keys[i]) < 0) return false;
      }
      return true;
    }

    @Override
    public int hashCode() {
      int h = hash;
      if (h == 0) hash = h = table.contentHash() * 31 + 6;
      return h;
    }

    @Override
    public String toString() {
      return Json.write(this);
    }

    /** Collects a set's elements; {@link #build} hands them over (the builder is then spent). */
    public static final class Builder {
      private ValueTable t;

      private Builder(ValueTable t) {
        this.t = t;
      }

      /** Adds {@code v}; returns whether it was new. */
      public boolean add(Value v) {
        return t.put(v, null) == null;
      }

      public boolean contains(Value v) {
        return t.find(v) >= 0;
      }

      public boolean remove(Value v) {
        return t.remove(v);
      }

      public int size() {
        return t.size;
      }

      public SetV build() {
        ValueTable done = t;
        t = null;
        return done.size == 0 ? EMPTY_SET : new SetV(done);
      }
    }

    private static final class SetView extends AbstractSet<Value> {
      private final ValueTable t;

      SetView(ValueTable t) {
        this.t = t;
      }

      @Override
      public int size() {
        return t.size;
      }

      @Override
      public boolean contains(Object o) {
        return o instanceof Value v && t.find(v) >= 0;
      }

      @Override
      public Iterator<Value> iterator() {
        return Arrays.asList(t.sorted().keys()).iterator();
      }
    }
  }
}
