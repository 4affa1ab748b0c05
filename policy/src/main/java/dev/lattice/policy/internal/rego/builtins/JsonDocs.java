package dev.lattice.policy.internal.rego.builtins;

import static dev.lattice.policy.internal.rego.builtins.Args.*;
import static dev.lattice.policy.internal.rego.builtins.Builtins.add;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.SpecVersionDetector;
import com.networknt.schema.ValidationMessage;
import dev.lattice.policy.internal.rego.value.Json;
import dev.lattice.policy.internal.rego.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code json.patch} (RFC 6902 on Rego values, as OPA applies it: objects, arrays and sets) and
 * {@code json.verify_schema} / {@code json.match_schema} (a schema is checked as OPA's gojsonschema
 * compiles it, see {@link SchemaCheck}; documents are validated by networknt's validator, JSON
 * Schema drafts 4 to 2020-12, the draft from {@code $schema}, draft 7 when absent).
 */
final class JsonDocs {
  private JsonDocs() {}

  private static final ObjectMapper MAPPER = new ObjectMapper();

  static void register() {
    add(
        "json.patch",
        2,
        (a, c) -> {
          Value.Arr ops = arr(a, 1);
          Value doc = a[0];
          for (Value op : ops.list()) {
            c.step(1);
            doc = apply(doc, op);
          }
          return doc;
        });
    add(
        "json.verify_schema",
        1,
        (a, c) -> {
          try {
            schema(a, 0);
            return Value.Arr.of(List.of(Value.TRUE, Value.NULL));
          } catch (BuiltinException e) {
            // OPA's wording: "jsonschema: " and the schema library's message
            return Value.Arr.of(List.of(Value.FALSE, Value.str("jsonschema: " + e.getMessage())));
          }
        });
    add(
        "json.match_schema",
        2,
        (a, c) -> {
          JsonNode doc = jackson(a, 0);
          JsonSchema schema = schema(a, 1);
          Set<ValidationMessage> errors = schema.validate(doc);
          List<Value> out = new ArrayList<>();
          for (ValidationMessage m : errors) {
            String field = m.getInstanceLocation().toString();
            field = field.equals("$") ? "(root)" : field.replaceFirst("^\\$\\.?", "");
            String desc = m.getError() == null ? m.getMessage() : m.getError();
            String type = m.getType();
            Object[] args = m.getArguments();
            if ("type".equals(type) && args != null && args.length >= 2) {
              // gojsonschema's wording and type name, as OPA reports them
              desc = "Invalid type. Expected: " + args[1] + ", given: " + args[0];
              type = "invalid_type";
            }
            Map<Value, Value> e = new TreeMap<>();
            e.put(Value.str("error"), Value.str(field + ": " + desc));
            e.put(Value.str("type"), Value.str(type));
            e.put(Value.str("field"), Value.str(field));
            e.put(Value.str("desc"), Value.str(desc));
            out.add(Value.Obj.of(e));
          }
          return Value.Arr.of(List.of(Value.bool(out.isEmpty()), Value.Arr.of(out)));
        });
  }

  // ------------------------------------------------------------------ JSON Schema

  /**
   * Operand {@code i} as a Jackson tree, as OPA takes it: a string is parsed as JSON text, an
   * object or array converted; any other value is an error in OPA's words.
   */
  private static JsonNode jackson(Value[] a, int i) {
    String text;
    if (a[i] instanceof Value.Str s) text = s.value;
    else if (a[i] instanceof Value.Obj || a[i] instanceof Value.Arr) text = Json.write(a[i]);
    else throw BuiltinException.error("wrong type, expected string or object");
    try {
      return MAPPER.readTree(text);
    } catch (Exception e) {
      // OPA checks a string operand with json.Valid first and says no more
      throw BuiltinException.error("invalid JSON string");
    }
  }

  private static JsonSchema schema(Value[] a, int i) {
    JsonNode node = jackson(a, i);
    // the schema must compile as OPA's library (gojsonschema) compiles it: checked keyword by
    // keyword, with its messages, more leniently than against the draft's meta-schema
    try {
      SchemaCheck.check(node);
    } catch (SchemaCheck.Invalid e) {
      throw BuiltinException.error(e.getMessage());
    }
    SpecVersion.VersionFlag version = SpecVersion.VersionFlag.V7;
    if (node.isObject() && node.has("$schema")) {
      Optional<SpecVersion.VersionFlag> detected =
          SpecVersionDetector.detectOptionalVersion(node, false);
      if (detected.isPresent()) version = detected.get();
    }
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(version);
    try {
      return factory.getSchema(node);
    } catch (RuntimeException e) {
      throw BuiltinException.error("invalid JSON schema: " + e.getMessage());
    }
  }

  // ------------------------------------------------------------------ JSON Patch

  private static Value apply(Value doc, Value opValue) {
    if (!(opValue instanceof Value.Obj op))
      throw BuiltinException.error(
          "must be an array of JSON-Patch objects, but at least one element is not an object");
    if (op.get("path") == null) throw BuiltinException.error("missing required attribute 'path'");
    Value opTerm = op.get("op");
    if (opTerm == null) throw BuiltinException.error("missing required attribute 'op'");
    if (!(opTerm instanceof Value.Str opStr))
      throw BuiltinException.error(
          "attribute 'op' must be a string but found: " + opTerm.typeName());
    List<Value> path = path(op.get("path"));
    switch (opStr.value) {
      case "add" -> {
        return insert(doc, path, 0, required(op, "value"));
      }
      case "remove" -> {
        return delete(doc, path, 0);
      }
      case "replace" -> {
        Value removed = delete(doc, path, 0);
        return insert(removed, path, 0, required(op, "value"));
      }
      case "move" -> {
        List<Value> from = path(required(op, "from"));
        Value chunk = get(doc, from);
        return insert(delete(doc, from, 0), path, 0, chunk);
      }
      case "copy" -> {
        List<Value> from = path(required(op, "from"));
        return insert(doc, path, 0, get(doc, from));
      }
      case "test" -> {
        Value actual = get(doc, path);
        Value want = required(op, "value");
        if (!actual.equals(want))
          throw BuiltinException.error(
              "value from EditTree != patch value.\n\nExpected: "
                  + Json.term(want)
                  + "\n\nFound: "
                  + Json.term(actual));
        return doc;
      }
      default -> throw BuiltinException.error("unrecognized op: '" + opStr.value + "'");
    }
  }

  private static Value required(Value.Obj op, String attr) {
    Value v = op.get(attr);
    if (v == null) throw BuiltinException.error("missing required attribute '" + attr + "'");
    return v;
  }

  /** A JSON pointer ({@code /a/b~1c}) or an array of segments. */
  private static List<Value> path(Value p) {
    List<Value> out = new ArrayList<>();
    if (p instanceof Value.Str s) {
      if (s.value.isEmpty()) return out;
      String t = s.value.replaceFirst("^/+", "");
      for (String part : t.split("/", -1))
        out.add(Value.str(part.replace("~1", "/").replace("~0", "~")));
      return out;
    }
    if (p instanceof Value.Arr arr) return arr.list();
    throw BuiltinException.error(
        "operand 2 must be one of {set, array} containing string paths or array of path segments but got "
            + p.typeName());
  }

  private static String show(List<Value> path) {
    StringBuilder b = new StringBuilder();
    for (Value v : path) b.append('/').append(v instanceof Value.Str s ? s.value : Json.term(v));
    return b.toString();
  }

  private static int index(Value seg, int size, boolean forInsert, List<Value> path) {
    String text = seg instanceof Value.Str s ? s.value : Json.term(seg);
    if (forInsert && text.equals("-")) return size;
    try {
      // RFC 6901: an array index is 0 or digits without a leading zero
      int i = text.matches("0|[1-9][0-9]*") ? Integer.parseInt(text) : -1;
      if (i >= 0 && (forInsert ? i <= size : i < size)) return i;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw BuiltinException.error("invalid array index " + text + " in path " + show(path));
  }

  static Value get(Value doc, List<Value> path) {
    Value cur = doc;
    for (int i = 0; i < path.size(); i++) {
      Value seg = path.get(i);
      Value next =
          switch (cur) {
            case Value.Obj o -> o.get(seg);
            case Value.Arr arr -> arr.get(index(seg, arr.size(), false, path));
            case Value.SetV s -> s.contains(seg) ? seg : null;
            default -> null;
          };
      if (next == null)
        throw BuiltinException.error("path " + show(path) + " does not exist in the document");
      cur = next;
    }
    return cur;
  }

  private static Value insert(Value doc, List<Value> path, int at, Value value) {
    if (at == path.size()) return value;
    Value seg = path.get(at);
    boolean last = at == path.size() - 1;
    switch (doc) {
      case Value.Obj o -> {
        TreeMap<Value, Value> m = new TreeMap<>(o.map());
        if (last) m.put(seg, value);
        else {
          Value child = o.get(seg);
          if (child == null)
            throw BuiltinException.error("path " + show(path) + " does not exist in the document");
          m.put(seg, insert(child, path, at + 1, value));
        }
        return Value.Obj.of(m);
      }
      case Value.Arr arr -> {
        List<Value> l = new ArrayList<>(arr.list());
        if (last) l.add(index(seg, l.size(), true, path), value);
        else {
          int i = index(seg, l.size(), false, path);
          l.set(i, insert(l.get(i), path, at + 1, value));
        }
        return Value.Arr.of(l);
      }
      case Value.SetV s -> {
        List<Value> l = new ArrayList<>(s.set());
        if (last) {
          // a set element is its own key: the value added must be the element the path names
          if (!seg.equals(value))
            throw BuiltinException.error(
                "path " + show(path) + ": the value added to a set must equal its last segment");
          l.add(value);
        } else {
          if (!s.contains(seg))
            throw BuiltinException.error("path " + show(path) + " does not exist in the document");
          l.remove(seg);
          l.add(insert(seg, path, at + 1, value));
        }
        return Value.SetV.of(l);
      }
      default ->
          throw BuiltinException.error("path " + show(path) + " does not exist in the document");
    }
  }

  private static Value delete(Value doc, List<Value> path, int at) {
    if (path.isEmpty()) return Value.NULL;
    Value seg = path.get(at);
    boolean last = at == path.size() - 1;
    switch (doc) {
      case Value.Obj o -> {
        Value child = o.get(seg);
        if (child == null)
          throw BuiltinException.error("path " + show(path) + " does not exist in the document");
        TreeMap<Value, Value> m = new TreeMap<>(o.map());
        if (last) m.remove(seg);
        else m.put(seg, delete(child, path, at + 1));
        return Value.Obj.of(m);
      }
      case Value.Arr arr -> {
        List<Value> l = new ArrayList<>(arr.list());
        int i = index(seg, l.size(), false, path);
        if (last) l.remove(i);
        else l.set(i, delete(l.get(i), path, at + 1));
        return Value.Arr.of(l);
      }
      case Value.SetV s -> {
        if (!s.contains(seg))
          throw BuiltinException.error("path " + show(path) + " does not exist in the document");
        List<Value> l = new ArrayList<>(s.set());
        l.remove(seg);
        if (!last) l.add(delete(seg, path, at + 1));
        return Value.SetV.of(l);
      }
      default ->
          throw BuiltinException.error("path " + show(path) + " does not exist in the document");
    }
  }
}
