package dev.lattice.policy.internal.rego.value;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.RandomAccess;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** Conversions between JSON-like Java values and Rego values. */
public final class Convert {
  private Convert() {}

  /** Java (Map/List/array/String/Number/Boolean/null/Set) to a value. */
  public static Value fromJava(Object o) {
    if (o == null) return Value.NULL;
    if (o instanceof Value v) return v;
    if (o instanceof String s) return new Value.Str(s);
    if (o instanceof Boolean b) return Value.bool(b);
    if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte) {
      return Value.Num.of(((Number) o).longValue());
    }
    if (o instanceof BigDecimal d) return Value.Num.of(d);
    if (o instanceof BigInteger i) return Value.Num.of(i);
    if (o instanceof Double || o instanceof Float) {
      double d = ((Number) o).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new NotJsonException("NaN and infinite numbers are not JSON values");
      }
      return Value.Num.of(new BigDecimal(Double.toString(d)));
    }
    if (o instanceof Number n) return Value.Num.of(new BigDecimal(n.toString()));
    if (o instanceof Map<?, ?> m) {
      Value.Obj.Builder out = Value.Obj.builder(m.size());
      for (Map.Entry<?, ?> e : m.entrySet()) {
        Object k = e.getKey();
        out.put(k instanceof String s ? new Value.Str(s) : fromJava(k), fromJava(e.getValue()));
      }
      return out.build();
    }
    if (o instanceof java.util.Set<?> s) {
      Value.SetV.Builder out = Value.SetV.builder(s.size());
      for (Object e : s) out.add(fromJava(e));
      return out.build();
    }
    if (o instanceof Collection<?> c) {
      Value[] a = new Value[c.size()];
      int i = 0;
      for (Object e : c) a[i++] = fromJava(e);
      return new Value.Arr(a);
    }
    if (o instanceof Object[] arr) {
      Value[] a = new Value[arr.length];
      for (int i = 0; i < arr.length; i++) a[i] = fromJava(arr[i]);
      return new Value.Arr(a);
    }
    if (o instanceof Character c) return new Value.Str(c.toString());
    throw new NotJsonException(
        "not a JSON-like value: "
            + o.getClass().getName()
            + " (use Map, List, String, Number, Boolean or null)");
  }

  /**
   * Like {@link #fromJava} but objects with String keys convert their members only when read. The
   * result is not thread-safe: use it for one evaluation's input.
   */
  public static Value fromJavaLazy(Object o) {
    if (o instanceof String s) return new Value.Str(s); // the most common member: test it first
    if (o instanceof Map<?, ?> m) {
      // keys are checked when the object is materialised; a string lookup cannot match other keys
      return Value.Obj.lazy(m);
    }
    if (o instanceof java.util.List<?> l && !(o instanceof java.util.Set<?>)) {
      Value[] a = new Value[l.size()];
      int i = 0;
      for (Object e : l) a[i++] = fromJavaLazy(e);
      return new Value.Arr(a);
    }
    return fromJava(o);
  }

  /**
   * Value to Java: null, Boolean, Long (small integers) or BigDecimal, String, List (arrays; sets
   * as sorted lists), read-only Map with String keys (non-string keys as their JSON text), iterated
   * in sorted key order.
   */
  public static Object toJava(Value v) {
    return switch (v) {
      case Value.Null n -> null;
      case Value.Bool b -> b.value;
      case Value.Num n -> n.isSmall() ? (Object) n.small : n.big;
      case Value.Str s -> s.value;
      case Value.Arr a -> {
        List<Object> l = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) l.add(toJava(a.get(i)));
        yield l;
      }
      case Value.SetV s -> {
        List<Object> l = new ArrayList<>(s.size());
        for (int i = 0; i < s.size(); i++) l.add(toJava(s.get(i)));
        yield l;
      }
      case Value.Obj o -> {
        ValueTable.Sorted members = o.sortedMembers();
        Value[] keys = members.keys();
        Value[] vals = members.vals();
        int n = keys.length;
        boolean stringKeys = n <= ObjectCopy.MAX_SIZE;
        for (int i = 0; stringKeys && i < n; i++) stringKeys = keys[i] instanceof Value.Str;
        if (stringKeys) {
          String[] ks = new String[n];
          Object[] vs = new Object[n];
          for (int i = 0; i < n; i++) {
            ks[i] = ((Value.Str) keys[i]).value;
            vs[i] = toJava(vals[i]);
          }
          yield new ObjectCopy(ks, vs);
        }
        Map<String, Object> m = LinkedHashMap.newLinkedHashMap(n);
        for (int i = 0; i < n; i++) {
          Value key = keys[i];
          String k = key instanceof Value.Str s ? s.value : Json.write(key);
          m.put(k, toJava(vals[i]));
        }
        yield Collections.unmodifiableMap(m);
      }
    };
  }

  /**
   * A read-only map whose members are numbered (in sorted key order): its entry set walks them by
   * index, without a hash table.
   */
  private abstract static class IndexedMap extends AbstractMap<String, Object> {
    abstract int count();

    abstract String keyAt(int i);

    abstract Object valueAt(int i);

    @Override
    public Set<Map.Entry<String, Object>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public int size() {
          return count();
        }

        @Override
        public Iterator<Map.Entry<String, Object>> iterator() {
          return new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
              return i < count();
            }

            @Override
            public Map.Entry<String, Object> next() {
              if (i >= count()) throw new NoSuchElementException();
              Map.Entry<String, Object> e = new SimpleImmutableEntry<>(keyAt(i), valueAt(i));
              i++;
              return e;
            }
          };
        }
      };
    }
  }

  /**
   * A small object converted by {@link #toJava} (distinct string keys, in sorted order): two arrays
   * searched linearly, which for the few members of a decision's objects is cheaper to build and to
   * read than a hash map. Read-only.
   */
  private static final class ObjectCopy extends IndexedMap {
    static final int MAX_SIZE = 8;
    private final String[] keys;
    private final Object[] vals;

    ObjectCopy(String[] keys, Object[] vals) {
      this.keys = keys;
      this.vals = vals;
    }

    private int indexOf(Object key) {
      if (key instanceof String k) {
        for (int i = 0; i < keys.length; i++) if (keys[i].equals(k)) return i;
      }
      return -1;
    }

    @Override
    public int size() {
      return keys.length;
    }

    @Override
    public Object get(Object key) {
      int i = indexOf(key);
      return i < 0 ? null : vals[i];
    }

    @Override
    public boolean containsKey(Object key) {
      return indexOf(key) >= 0;
    }

    @Override
    int count() {
      return keys.length;
    }

    @Override
    String keyAt(int i) {
      return keys[i];
    }

    @Override
    Object valueAt(int i) {
      return vals[i];
    }
  }

  /**
   * Value to Java as {@link #toJava} does, but without copying: arrays, sets and objects become
   * read-only {@link List} and {@link Map} views that convert a member only when it is read (sets
   * as sorted lists, objects iterate in sorted key order, non-string keys as their JSON text). For
   * reading a result once, e.g. a decision document; a view over a lazily converted input member
   * reads the caller's input, so it must not outlive that input's next modification.
   */
  public static Object view(Value v) {
    return switch (v) {
      case Value.Null n -> null;
      case Value.Bool b -> b.value;
      case Value.Num n -> n.isSmall() ? (Object) n.small : n.big;
      case Value.Str s -> s.value;
      case Value.Arr a -> new ArrView(a);
      case Value.SetV s -> new SetView(s);
      case Value.Obj o -> new ObjView(o);
    };
  }

  private static final class ArrView extends AbstractList<Object> implements RandomAccess {
    private final Value.Arr a;

    ArrView(Value.Arr a) {
      this.a = a;
    }

    @Override
    public Object get(int i) {
      return view(a.get(i));
    }

    @Override
    public int size() {
      return a.size();
    }
  }

  private static final class SetView extends AbstractList<Object> implements RandomAccess {
    private final Value.SetV s;

    SetView(Value.SetV s) {
      this.s = s;
    }

    @Override
    public Object get(int i) {
      return view(s.get(i));
    }

    @Override
    public int size() {
      return s.size();
    }
  }

  private static final class ObjView extends IndexedMap {
    private final Value.Obj o;

    ObjView(Value.Obj o) {
      this.o = o;
    }

    private static String keyText(Value k) {
      return k instanceof Value.Str s ? s.value : Json.write(k);
    }

    @Override
    public int size() {
      return o.size();
    }

    @Override
    public Object get(Object key) {
      if (!(key instanceof String k)) return null;
      Value v = o.get(k);
      return v != null ? view(v) : scanNonString(k);
    }

    @Override
    public boolean containsKey(Object key) {
      if (!(key instanceof String k)) return false;
      if (o.get(k) != null) return true;
      for (int i = 0; i < o.size(); i++) {
        if (!(o.key(i) instanceof Value.Str) && keyText(o.key(i)).equals(k)) return true;
      }
      return false;
    }

    /** The member whose non-string key renders as {@code k} (toJava's key text). */
    private Object scanNonString(String k) {
      for (int i = 0; i < o.size(); i++) {
        if (!(o.key(i) instanceof Value.Str) && keyText(o.key(i)).equals(k))
          return view(o.value(i));
      }
      return null;
    }

    @Override
    int count() {
      return o.size();
    }

    @Override
    String keyAt(int i) {
      return keyText(o.key(i));
    }

    @Override
    Object valueAt(int i) {
      return view(o.value(i));
    }
  }

  /** A Jackson tree as a Rego value (integers stay exact, decimals keep their precision). */
  public static Value fromJsonNode(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) return Value.NULL;
    if (n.isBoolean()) return Value.bool(n.asBoolean());
    if (n.isIntegralNumber()) return Value.Num.of(n.bigIntegerValue());
    if (n.isNumber()) return Value.Num.of(n.decimalValue());
    if (n.isString()) return Value.str(n.asString());
    if (n.isArray()) {
      List<Value> l = new ArrayList<>();
      for (JsonNode x : n) l.add(fromJsonNode(x));
      return Value.Arr.of(l);
    }
    if (n.isObject()) {
      Value.Obj.Builder m = Value.Obj.builder(n.size());
      for (Map.Entry<String, JsonNode> e : n.properties())
        m.put(Value.str(e.getKey()), fromJsonNode(e.getValue()));
      return m.build();
    }
    return Value.str(n.asString());
  }
}
