package dev.lattice.policy.internal.rego.value;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
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
      TreeMap<Value, Value> out = new TreeMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        Object k = e.getKey();
        out.put(k instanceof String s ? new Value.Str(s) : fromJava(k), fromJava(e.getValue()));
      }
      return new Value.Obj(out);
    }
    if (o instanceof java.util.Set<?> s) {
      TreeSet<Value> out = new TreeSet<>();
      for (Object e : s) out.add(fromJava(e));
      return new Value.SetV(out);
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
   * as sorted lists), Map with String keys (non-string keys as their JSON text), insertion = sorted
   * order.
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
        for (Value e : s.set()) l.add(toJava(e));
        yield l;
      }
      case Value.Obj o -> {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<Value, Value> e : o.map().entrySet()) {
          String k = e.getKey() instanceof Value.Str s ? s.value : Json.write(e.getKey());
          m.put(k, toJava(e.getValue()));
        }
        yield m;
      }
    };
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
      TreeMap<Value, Value> m = new TreeMap<>();
      for (Map.Entry<String, JsonNode> e : n.properties())
        m.put(Value.str(e.getKey()), fromJsonNode(e.getValue()));
      return new Value.Obj(m);
    }
    return Value.str(n.asString());
  }
}
