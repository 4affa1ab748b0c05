package dev.lattice.policy.internal.rego.builtins;

import static dev.lattice.policy.internal.rego.builtins.Args.*;
import static dev.lattice.policy.internal.rego.builtins.Builtins.add;

import dev.lattice.policy.internal.rego.value.Value;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code graph.reachable} and {@code graph.reachable_paths} (a graph is an object from node to an
 * array or set of neighbours; nodes missing from it have no edges), and the deprecated casts and
 * {@code set_diff}.
 */
final class Graphs {
  private Graphs() {}

  static void register() {
    add(
        "graph.reachable",
        2,
        (a, c) -> {
          Value.Obj graph = obj(a, 0);
          Deque<Value> queue = new ArrayDeque<>(initial(a));
          Set<Value> reached = new TreeSet<>();
          while (!queue.isEmpty()) {
            c.step(1);
            Value node = queue.poll();
            Value edges = graph.get(node);
            if (edges == null) continue;
            for (Value n : elements(edges)) if (!reached.contains(n)) queue.add(n);
            reached.add(node);
          }
          return Value.SetV.of(reached);
        });
    add(
        "graph.reachable_paths",
        2,
        (a, c) -> {
          Value.Obj graph = obj(a, 0);
          Set<Value> paths = new TreeSet<>();
          for (Value root : initial(a)) paths(graph, root, new ArrayList<>(), paths, c);
          return Value.SetV.of(paths);
        });

    add(
        "cast_array",
        1,
        (a, c) ->
            switch (a[0]) {
              case Value.Arr x -> x;
              case Value.SetV s -> Value.Arr.of(s.sortedList());
              default -> throw typeErr(0, "one of {array, set}", a[0]);
            });
    add(
        "cast_set",
        1,
        (a, c) ->
            switch (a[0]) {
              case Value.Arr x -> Value.SetV.of(x.list());
              case Value.SetV s -> s;
              default -> throw typeErr(0, "one of {array, set}", a[0]);
            });
    add("cast_string", 1, (a, c) -> cast(a, Value.Str.class, "string"));
    add("cast_boolean", 1, (a, c) -> cast(a, Value.Bool.class, "boolean"));
    add("cast_null", 1, (a, c) -> cast(a, Value.Null.class, "null"));
    add("cast_object", 1, (a, c) -> cast(a, Value.Obj.class, "object"));
    add(
        "set_diff",
        2,
        (a, c) -> {
          Value.SetV x = set(a, 0), y = set(a, 1);
          List<Value> out = new ArrayList<>();
          for (Value v : x.set()) if (!y.contains(v)) out.add(v);
          return Value.SetV.of(out);
        });
  }

  private static Value cast(Value[] a, Class<? extends Value> type, String name) {
    if (type.isInstance(a[0])) return a[0];
    throw typeErr(0, name, a[0]);
  }

  private static List<Value> elements(Value v) {
    return switch (v) {
      case Value.Arr x -> x.list();
      case Value.SetV s -> s.sortedList();
      default -> List.of();
    };
  }

  private static List<Value> initial(Value[] a) {
    if (!(a[1] instanceof Value.Arr || a[1] instanceof Value.SetV))
      throw typeErr(1, "one of {set, array}", a[1]);
    return elements(a[1]);
  }

  /**
   * OPA's path builder: depth first; a path ends at a node without edges (a node missing from the
   * graph is not part of it) or before a node already on it (a cycle). A node reached on another
   * path is followed again.
   */
  private static void paths(
      Value.Obj graph, Value root, List<Value> path, Set<Value> out, BuiltinContext c) {
    c.step(1);
    Value edges = graph.get(root);
    if (edges == null) {
      if (!path.isEmpty()) out.add(Value.Arr.of(List.copyOf(path)));
      return;
    }
    List<Value> here = new ArrayList<>(path);
    here.add(root);
    List<Value> next = elements(edges);
    if (next.isEmpty()) {
      out.add(Value.Arr.of(here));
      return;
    }
    for (Value n : next) {
      if (here.contains(n)) out.add(Value.Arr.of(List.copyOf(here)));
      else paths(graph, n, here, out, c);
    }
  }
}
