package dev.lattice.policy.internal.rego.builtins;

import static dev.lattice.policy.internal.rego.builtins.Args.*;
import static dev.lattice.policy.internal.rego.builtins.Builtins.add;

import dev.lattice.policy.internal.rego.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Arrays, sets and objects. */
final class Collections {
  private Collections() {}

  static void register() {
    add(
        "array.concat",
        2,
        (a, c) -> {
          Value.Arr x = arr(a, 0), y = arr(a, 1);
          List<Value> out = new ArrayList<>(x.list());
          out.addAll(y.list());
          return Value.Arr.of(out);
        });
    add(
        "array.slice",
        3,
        (a, c) -> {
          Value.Arr x = arr(a, 0);
          long from = integer(a, 1), to = integer(a, 2);
          if (from < 0) from = 0;
          if (to > x.size()) to = x.size();
          if (from >= to) return Value.EMPTY_ARRAY;
          return Value.Arr.of(x.list().subList((int) from, (int) to));
        });
    add(
        "array.reverse",
        1,
        (a, c) -> {
          List<Value> out = new ArrayList<>(arr(a, 0).list());
          java.util.Collections.reverse(out);
          return Value.Arr.of(out);
        });
    add(
        "array.flatten",
        1,
        (a, c) -> {
          List<Value> out = new ArrayList<>();
          flatten(arr(a, 0), out);
          return Value.Arr.of(out);
        });
    add(
        "intersection",
        1,
        (a, c) -> {
          Value.SetV s = set(a, 0);
          TreeSet<Value> out = null;
          for (Value v : s.set()) {
            if (!(v instanceof Value.SetV e))
              throw BuiltinException.type(
                  "operand 1 must be set of sets but got set containing " + v.typeName());
            if (out == null) out = new TreeSet<>(e.set());
            else out.retainAll(e.set());
          }
          return Value.SetV.of(out == null ? new TreeSet<>() : out);
        });
    add(
        "union",
        1,
        (a, c) -> {
          Value.SetV s = set(a, 0);
          TreeSet<Value> out = new TreeSet<>();
          for (Value v : s.set()) {
            if (!(v instanceof Value.SetV e))
              throw BuiltinException.type(
                  "operand 1 must be set of sets but got set containing " + v.typeName());
            out.addAll(e.set());
          }
          return Value.SetV.of(out);
        });

    add(
        "object.get",
        3,
        (a, c) -> {
          Value.Obj o = obj(a, 0);
          if (a[1] instanceof Value.Arr path) {
            Value cur = o;
            for (Value k : path.list()) {
              cur = Core.lookup(cur, k);
              if (cur == null) return a[2];
            }
            return cur;
          }
          Value v = o.get(a[1]);
          return v == null ? a[2] : v;
        });
    add("object.keys", 1, (a, c) -> Value.SetV.of(new TreeSet<>(obj(a, 0).map().keySet())));
    add("object.union", 2, (a, c) -> union(obj(a, 0), obj(a, 1)));
    add(
        "object.union_n",
        1,
        (a, c) -> {
          Value.Arr l = arr(a, 0);
          Value.Obj acc = Value.EMPTY_OBJECT;
          for (Value v : l.list()) {
            if (!(v instanceof Value.Obj o))
              throw BuiltinException.type(
                  "operand 1 must be array of objects but got array containing " + v.typeName());
            acc = union(acc, o);
          }
          return acc;
        });
    add(
        "object.remove",
        2,
        (a, c) -> {
          Value.Obj o = obj(a, 0);
          List<Value> keys = keys(a, 1);
          TreeMap<Value, Value> m = new TreeMap<>(o.map());
          for (Value k : keys) m.remove(k);
          return Value.Obj.of(m);
        });
    add(
        "object.filter",
        2,
        (a, c) -> {
          Value.Obj o = obj(a, 0);
          List<Value> keys = keys(a, 1);
          TreeMap<Value, Value> m = new TreeMap<>();
          for (Value k : keys) {
            Value v = o.get(k);
            if (v != null) m.put(k, v);
          }
          return Value.Obj.of(m);
        });
    add(
        "object.subset",
        2,
        (a, c) -> {
          if (!(a[0] instanceof Value.Obj
              || a[0] instanceof Value.Arr
              || a[0] instanceof Value.SetV)) {
            throw typeErr(0, "one of {object, set, array}", a[0]);
          }
          if (!(a[1] instanceof Value.Obj
              || a[1] instanceof Value.Arr
              || a[1] instanceof Value.SetV)) {
            throw typeErr(1, "one of {object, set, array}", a[1]);
          }
          return Value.bool(subset(a[0], a[1]));
        });
    add(
        "json.filter",
        2,
        (a, c) -> {
          Value.Obj o = obj(a, 0);
          List<List<Value>> paths = paths(a, 1);
          return filter(o, paths);
        });
    add(
        "json.remove",
        2,
        (a, c) -> {
          Value.Obj o = obj(a, 0);
          List<List<Value>> paths = paths(a, 1);
          Value r = o;
          for (List<Value> p : paths) r = remove(r, p, 0);
          return r;
        });
  }

  private static void flatten(Value.Arr a, List<Value> out) {
    for (Value v : a.list()) {
      if (v instanceof Value.Arr x) out.addAll(x.list());
      else out.add(v);
    }
  }

  static Value.Obj union(Value.Obj x, Value.Obj y) {
    Value.Obj.Builder m = x.toBuilder();
    for (int i = 0; i < y.size(); i++) {
      Value k = y.key(i);
      Value v = y.value(i);
      Value prev = m.get(k);
      if (prev instanceof Value.Obj po && v instanceof Value.Obj no) {
        m.put(k, union(po, no));
      } else {
        m.put(k, v);
      }
    }
    return m.build();
  }

  private static List<Value> keys(Value[] a, int i) {
    return switch (a[i]) {
      case Value.Arr x -> x.list();
      case Value.SetV s -> s.sortedList();
      case Value.Obj o -> new ArrayList<>(o.map().keySet());
      default -> throw typeErr(i, "one of {object, set, array}", a[i]);
    };
  }

  private static boolean subset(Value sup, Value sub) {
    if (sup instanceof Value.Obj o && sub instanceof Value.Obj s) {
      for (Map.Entry<Value, Value> e : s.map().entrySet()) {
        Value v = o.get(e.getKey());
        if (v == null) return false;
        if (v instanceof Value.Obj || v instanceof Value.SetV || v instanceof Value.Arr) {
          if (e.getValue().getClass() == v.getClass()) {
            if (!subset(v, e.getValue())) return false;
          } else if (!v.equals(e.getValue())) {
            return false;
          }
        } else if (!v.equals(e.getValue())) {
          return false;
        }
      }
      return true;
    }
    if (sup instanceof Value.SetV o && sub instanceof Value.SetV s)
      return o.set().containsAll(s.set());
    if (sup instanceof Value.SetV o && sub instanceof Value.Arr s)
      return o.set().containsAll(s.list());
    if (sup instanceof Value.Arr o && sub instanceof Value.SetV s)
      return new java.util.HashSet<>(o.list()).containsAll(s.set());
    if (sup instanceof Value.Arr o && sub instanceof Value.Arr s) {
      List<Value> l = o.list(), m = s.list();
      if (m.isEmpty()) return true;
      for (int i = 0; i + m.size() <= l.size(); i++) {
        if (l.subList(i, i + m.size()).equals(m)) return true;
      }
      return false;
    }
    return false;
  }

  private static List<List<Value>> paths(Value[] a, int i) {
    List<Value> raw =
        switch (a[i]) {
          case Value.Arr x -> x.list();
          case Value.SetV s -> s.sortedList();
          default -> throw typeErr(i, "one of {set, array}", a[i]);
        };
    List<List<Value>> out = new ArrayList<>();
    for (Value p : raw) {
      if (p instanceof Value.Str s) {
        List<Value> parts = new ArrayList<>();
        String t = s.value.startsWith("/") ? s.value.substring(1) : s.value;
        if (!t.isEmpty())
          for (String seg : t.split("/", -1))
            parts.add(Value.str(seg.replace("~1", "/").replace("~0", "~")));
        out.add(parts);
      } else if (p instanceof Value.Arr arr) {
        out.add(arr.list());
      } else {
        throw BuiltinException.type(
            "operand "
                + (i + 1)
                + " must be one of {set, array} containing string paths or array of path segments but got "
                + p.typeName());
      }
    }
    return out;
  }

  private static Value filter(Value v, List<List<Value>> paths) {
    for (List<Value> p : paths) if (p.isEmpty()) return v;
    if (v instanceof Value.Obj o) {
      TreeMap<Value, Value> m = new TreeMap<>();
      for (Map.Entry<Value, Value> e : o.map().entrySet()) {
        List<List<Value>> sub = subPaths(paths, e.getKey());
        if (!sub.isEmpty()) m.put(e.getKey(), filter(e.getValue(), sub));
      }
      return Value.Obj.of(m);
    }
    if (v instanceof Value.Arr a) {
      List<Value> out = new ArrayList<>();
      for (int i = 0; i < a.size(); i++) {
        List<List<Value>> sub = subPaths(paths, Value.num(i));
        if (!sub.isEmpty()) out.add(filter(a.get(i), sub));
      }
      return Value.Arr.of(out);
    }
    if (v instanceof Value.SetV s) {
      TreeSet<Value> out = new TreeSet<>();
      for (Value e : s.set()) {
        List<List<Value>> sub = subPaths(paths, e);
        if (!sub.isEmpty()) out.add(filter(e, sub));
      }
      return Value.SetV.of(out);
    }
    return v;
  }

  private static List<List<Value>> subPaths(List<List<Value>> paths, Value key) {
    List<List<Value>> out = new ArrayList<>();
    for (List<Value> p : paths) {
      if (!p.isEmpty() && keyMatches(p.get(0), key)) out.add(p.subList(1, p.size()));
    }
    return out;
  }

  private static boolean keyMatches(Value seg, Value key) {
    if (seg.equals(key)) return true;
    if (seg instanceof Value.Str s && key instanceof Value.Num n)
      return s.value.equals(n.toString());
    return false;
  }

  private static Value remove(Value v, List<Value> p, int i) {
    if (i == p.size()) return null;
    Value seg = p.get(i);
    if (v instanceof Value.Obj o) {
      TreeMap<Value, Value> m = new TreeMap<>(o.map());
      for (Value k : new ArrayList<>(m.keySet())) {
        if (keyMatches(seg, k)) {
          Value r = remove(m.get(k), p, i + 1);
          if (r == null) m.remove(k);
          else m.put(k, r);
        }
      }
      return Value.Obj.of(m);
    }
    if (v instanceof Value.Arr a) {
      List<Value> out = new ArrayList<>();
      for (int j = 0; j < a.size(); j++) {
        if (keyMatches(seg, Value.num(j))) {
          Value r = remove(a.get(j), p, i + 1);
          if (r != null) out.add(r);
        } else {
          out.add(a.get(j));
        }
      }
      return Value.Arr.of(out);
    }
    if (v instanceof Value.SetV s) {
      TreeSet<Value> out = new TreeSet<>();
      for (Value e : s.set()) {
        if (keyMatches(seg, e)) {
          Value r = remove(e, p, i + 1);
          if (r != null) out.add(r);
        } else {
          out.add(e);
        }
      }
      return Value.SetV.of(out);
    }
    return v;
  }
}
