package dev.lattice.policy.internal.rego.builtins;

import dev.lattice.policy.internal.rego.value.Json;
import dev.lattice.policy.internal.rego.value.Value;
import java.util.Map;

/**
 * {@code json.marshal_with_options(x, opts)} as OPA: {@code opts} may hold {@code pretty}
 * (boolean), {@code indent} (string, a tab by default) and {@code prefix} (string); an {@code
 * indent} or {@code prefix} turns pretty-printing on unless {@code pretty} says otherwise. Pretty
 * output is Go's {@code json.MarshalIndent} with the prefix also before the first line.
 */
final class JsonMarshal {
  private JsonMarshal() {}

  static Value withOptions(Value[] a) {
    if (!(a[1] instanceof Value.Obj opts))
      throw BuiltinException.type("operand 2 must be object but got " + a[1].typeName());
    String indent = "\t";
    String prefix = "";
    boolean implicitPretty = false;
    Boolean explicitPretty = null;
    int idx = 0;
    for (Map.Entry<Value, Value> e : opts.map().entrySet()) {
      if (!(e.getKey() instanceof Value.Str k))
        throw BuiltinException.type(
            "operand 2 failed to stringify key "
                + Json.term(e.getKey())
                + " at index "
                + idx
                + ": operand "
                + idx
                + " must be string but got "
                + e.getKey().typeName());
      Value v = e.getValue();
      switch (k.value) {
        case "prefix", "indent" -> {
          if (!(v instanceof Value.Str s))
            throw BuiltinException.type(
                "operand 2 key "
                    + Json.term(k)
                    + " failed cast to string: operand "
                    + idx
                    + " must be string but got "
                    + v.typeName());
          if (k.value.equals("prefix")) prefix = s.value;
          else indent = s.value;
          implicitPretty = true;
        }
        case "pretty" -> {
          if (!(v instanceof Value.Bool b))
            throw BuiltinException.type("operand 2 key \"pretty\" failed cast to bool");
          explicitPretty = b.value;
        }
        default ->
            throw BuiltinException.type("operand 2 object contained unknown key " + Json.term(k));
      }
      idx++;
    }
    boolean pretty = explicitPretty != null ? explicitPretty : implicitPretty;
    if (!pretty) return Value.str(Json.write(a[0]));
    StringBuilder b = new StringBuilder(prefix);
    indent(a[0], prefix, indent, 0, b);
    return Value.str(b.toString());
  }

  /** Go's {@code json.MarshalIndent} layout of the compact JSON that {@link Json#write} gives. */
  static void indent(Value v, String prefix, String indent, int depth, StringBuilder b) {
    switch (v) {
      case Value.Arr arr -> {
        if (arr.size() == 0) {
          b.append("[]");
          return;
        }
        b.append('[');
        for (int i = 0; i < arr.size(); i++) {
          if (i > 0) b.append(',');
          newline(b, prefix, indent, depth + 1);
          indent(arr.get(i), prefix, indent, depth + 1, b);
        }
        newline(b, prefix, indent, depth);
        b.append(']');
      }
      case Value.SetV set -> {
        if (set.size() == 0) {
          b.append("[]");
          return;
        }
        b.append('[');
        boolean first = true;
        for (Value e : set.set()) {
          if (!first) b.append(',');
          first = false;
          newline(b, prefix, indent, depth + 1);
          indent(e, prefix, indent, depth + 1, b);
        }
        newline(b, prefix, indent, depth);
        b.append(']');
      }
      case Value.Obj obj -> {
        if (obj.size() == 0) {
          b.append("{}");
          return;
        }
        b.append('{');
        boolean first = true;
        for (Map.Entry<Value, Value> e : obj.map().entrySet()) {
          if (!first) b.append(',');
          first = false;
          newline(b, prefix, indent, depth + 1);
          b.append(
              e.getKey() instanceof Value.Str s
                  ? Json.quote(s.value)
                  : Json.quote(Json.write(e.getKey())));
          b.append(": ");
          indent(e.getValue(), prefix, indent, depth + 1, b);
        }
        newline(b, prefix, indent, depth);
        b.append('}');
      }
      default -> b.append(Json.write(v));
    }
  }

  private static void newline(StringBuilder b, String prefix, String indent, int depth) {
    b.append('\n').append(prefix);
    for (int i = 0; i < depth; i++) b.append(indent);
  }
}
