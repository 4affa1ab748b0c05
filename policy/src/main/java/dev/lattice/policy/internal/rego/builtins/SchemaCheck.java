package dev.lattice.policy.internal.rego.builtins;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks a JSON schema the way OPA's JSON Schema library (gojsonschema) does when it compiles one
 * for {@code json.verify_schema} and {@code json.match_schema}: keyword by keyword, with the
 * library's wording for the first problem found. This is more lenient than validating against the
 * draft's meta-schema: gojsonschema accepts, for instance, {@code {"enum": []}} (which no document
 * then matches) and ignores keywords it does not know.
 *
 * <p>The draft comes from {@code $schema} (drafts 4, 6 and 7); without it, or with another one, the
 * check is gojsonschema's "hybrid" mode, which allows the keywords of every draft. A schema with
 * {@code $ref} is not checked further at that level, as gojsonschema resolves the reference
 * instead.
 */
final class SchemaCheck {
  private SchemaCheck() {}

  private static final int DRAFT4 = 4;
  private static final int DRAFT6 = 6;
  private static final int DRAFT7 = 7;
  private static final int HYBRID = Integer.MAX_VALUE;

  private static final List<String> JSON_TYPES =
      List.of("array", "boolean", "integer", "number", "null", "object", "string");

  /** A schema problem, with gojsonschema's message. */
  static final class Invalid extends RuntimeException {
    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  /** Throws {@link Invalid} with the first problem gojsonschema would report. */
  static void check(JsonNode root) {
    int draft = HYBRID;
    if (!root.isBoolean() && !root.isObject()) throw new Invalid("schema is invalid");
    if (root.isObject() && root.has("$schema")) {
      JsonNode s = root.get("$schema");
      if (!s.isTextual()) throw invalidType("string", "$schema");
      String url = s.asText();
      if (url.endsWith("#")) url = url.substring(0, url.length() - 1);
      draft =
          switch (url) {
            case "http://json-schema.org/draft-04/schema" -> DRAFT4;
            case "http://json-schema.org/draft-06/schema" -> DRAFT6;
            case "http://json-schema.org/draft-07/schema" -> DRAFT7;
            default -> HYBRID;
          };
    }
    schema(root, draft);
  }

  private static void schema(JsonNode node, int draft) {
    if (draft >= DRAFT6 && node.isBoolean()) return;
    if (!node.isObject())
      throw new Invalid("Expected: valid schema, given: Invalid JSON"); // gojsonschema's ParseError
    String idKey =
        switch (draft) {
          case DRAFT4 -> "id";
          case HYBRID -> node.has("id") ? "id" : "$id";
          default -> "$id";
        };
    string(node, idKey);

    JsonNode defs = node.get("definitions");
    if (defs != null) {
      if (!defs.isObject()) throw invalidType("array of schemas", "definitions");
      for (JsonNode d : iterable(defs.elements())) {
        if (!d.isObject() && !d.isBoolean()) throw invalidType("array of schemas", "definitions");
        schema(d, draft);
      }
    }
    string(node, "title");
    string(node, "description");
    if (string(node, "$ref") != null) return; // the referenced schema is checked instead

    JsonNode type = node.get("type");
    if (type != null) {
      List<String> types = new ArrayList<>();
      if (type.isTextual()) addType(types, type.asText());
      else if (type.isArray()) {
        for (JsonNode t : iterable(type.elements())) {
          if (!t.isTextual()) throw invalidType("type", "string/array of strings");
          addType(types, t.asText());
        }
      } else throw invalidType("type", "string/array of strings");
    }

    JsonNode props = node.get("properties");
    if (props != null) {
      if (!props.isObject()) throw new Invalid("properties must be of type object");
      for (JsonNode p : iterable(props.elements())) schema(p, draft);
    }
    JsonNode addl = node.get("additionalProperties");
    if (addl != null && !addl.isBoolean()) {
      if (!addl.isObject()) throw invalidType("boolean/valid schema", "additionalProperties");
      schema(addl, draft);
    }
    JsonNode patternProps = node.get("patternProperties");
    if (patternProps != null) {
      if (!patternProps.isObject()) throw invalidType("valid schema", "patternProperties");
      for (Map.Entry<String, JsonNode> e : iterable(patternProps.fields())) {
        if (!validRegex(e.getKey()))
          throw new Invalid("Invalid regex pattern '" + e.getKey() + "'");
        schema(e.getValue(), draft);
      }
    }
    JsonNode propertyNames = node.get("propertyNames");
    if (propertyNames != null && draft >= DRAFT6) {
      if (!propertyNames.isObject() && !propertyNames.isBoolean())
        throw invalidType("valid schema", "patternProperties"); // sic: gojsonschema's wording
      schema(propertyNames, draft);
    }
    JsonNode deps = node.get("dependencies");
    if (deps != null) {
      if (!deps.isObject()) throw new Invalid("dependencies must be of type object");
      for (JsonNode d : iterable(deps.elements())) {
        if (d.isArray()) {
          for (JsonNode s : iterable(d.elements()))
            if (!s.isTextual())
              throw new Invalid("dependency must be of type schema or array of strings");
        } else if (d.isObject() || d.isBoolean()) schema(d, draft);
        else throw new Invalid("dependency must be of type schema or array of strings");
      }
    }
    JsonNode items = node.get("items");
    if (items != null) {
      if (items.isArray()) {
        for (JsonNode i : iterable(items.elements())) {
          if (!i.isObject() && !i.isBoolean())
            throw invalidType("valid schema/array of schemas", "items");
          schema(i, draft);
        }
      } else if (items.isObject() || items.isBoolean()) schema(items, draft);
      else throw invalidType("valid schema/array of schemas", "items");
    }
    JsonNode addlItems = node.get("additionalItems");
    if (addlItems != null && !addlItems.isBoolean()) {
      if (!addlItems.isObject()) throw invalidType("boolean/valid schema", "additionalItems");
      schema(addlItems, draft);
    }

    JsonNode multipleOf = node.get("multipleOf");
    if (multipleOf != null) {
      if (!multipleOf.isNumber()) throw invalidType("number", "multipleOf");
      if (multipleOf.decimalValue().signum() <= 0)
        throw new Invalid("multipleOf must be strictly greater than 0");
    }
    bound(node, "minimum", "exclusiveMinimum", draft);
    bound(node, "maximum", "exclusiveMaximum", draft);

    Long minLength = nonNegativeInteger(node, "minLength");
    Long maxLength = nonNegativeInteger(node, "maxLength");
    if (minLength != null && maxLength != null && minLength > maxLength)
      throw new Invalid("minLength cannot be greater than maxLength");
    String pattern = string(node, "pattern");
    if (pattern != null && !validRegex(pattern)) throw new Invalid("pattern must be a valid regex");
    string(node, "format");

    Long minProps = nonNegativeInteger(node, "minProperties");
    Long maxProps = nonNegativeInteger(node, "maxProperties");
    if (minProps != null && maxProps != null && minProps > maxProps)
      throw new Invalid("minProperties cannot be greater than maxProperties");
    JsonNode required = array(node, "required");
    if (required != null) {
      Set<String> seen = new HashSet<>();
      for (JsonNode r : iterable(required.elements())) {
        if (!r.isTextual()) throw invalidType("string", "required");
        if (!seen.add(r.asText())) throw new Invalid("required items must be unique");
      }
    }

    nonNegativeInteger(node, "minItems");
    nonNegativeInteger(node, "maxItems");
    JsonNode unique = node.get("uniqueItems");
    if (unique != null && !unique.isBoolean())
      throw new Invalid("uniqueItems must be of a boolean");
    JsonNode contains = node.get("contains");
    if (contains != null && draft >= DRAFT6) schema(contains, draft);

    JsonNode enumNode = array(node, "enum");
    if (enumNode != null) {
      Set<String> seen = new HashSet<>();
      for (JsonNode v : iterable(enumNode.elements()))
        if (!seen.add(canonical(v))) throw new Invalid("enum items must be unique");
    }
    for (String key : List.of("oneOf", "anyOf", "allOf")) {
      JsonNode list = array(node, key);
      if (list != null) for (JsonNode s : iterable(list.elements())) schema(s, draft);
    }
    subschemaOrObject(node, "not", draft);
    if (draft >= DRAFT7) {
      subschemaOrObject(node, "if", draft);
      subschemaOrObject(node, "then", draft);
      subschemaOrObject(node, "else", draft);
    }
  }

  private static void addType(List<String> types, String t) {
    if (!JSON_TYPES.contains(t))
      throw new Invalid(
          "has a primitive type that is NOT VALID -- given: /"
              + t
              + "/ Expected valid values are:["
              + String.join(" ", JSON_TYPES)
              + "]");
    if (types.contains(t)) throw new Invalid(t + " type is duplicated");
    types.add(t);
  }

  /** {@code minimum}/{@code maximum} and their {@code exclusive*} keyword, per draft. */
  private static void bound(JsonNode node, String key, String exclusiveKey, int draft) {
    JsonNode value = node.get(key);
    if (value != null && !value.isNumber()) throw new Invalid(key + " must be of a number");
    JsonNode exclusive = node.get(exclusiveKey);
    if (exclusive == null) return;
    if (draft == DRAFT4) {
      if (!exclusive.isBoolean()) throw invalidType("boolean", exclusiveKey);
      if (value == null) throw new Invalid(exclusiveKey + " cannot be used without " + key);
    } else if (draft == HYBRID) {
      if (exclusive.isBoolean()) {
        if (value == null) throw new Invalid(exclusiveKey + " cannot be used without " + key);
      } else if (!exclusive.isNumber()) throw invalidType("boolean/number", exclusiveKey);
    } else if (!exclusive.isNumber()) throw invalidType("number", exclusiveKey);
  }

  private static void subschemaOrObject(JsonNode node, String key, int draft) {
    JsonNode v = node.get(key);
    if (v == null) return;
    if (!v.isObject() && !v.isBoolean()) throw new Invalid(key + " must be of an object");
    schema(v, draft);
  }

  private static String string(JsonNode node, String key) {
    JsonNode v = node.get(key);
    if (v == null) return null;
    if (!v.isTextual()) throw invalidType("string", key);
    return v.asText();
  }

  private static JsonNode array(JsonNode node, String key) {
    JsonNode v = node.get(key);
    if (v == null) return null;
    if (!v.isArray()) throw new Invalid(key + " must be of an array");
    return v;
  }

  /** gojsonschema's {@code mustBeInteger}: an integral number that fits 64 bits, at least 0. */
  private static Long nonNegativeInteger(JsonNode node, String key) {
    JsonNode v = node.get(key);
    if (v == null) return null;
    if (!v.isIntegralNumber() || !v.canConvertToLong())
      throw new Invalid(key + " must be of an integer");
    long l = v.longValue();
    if (l < 0) throw new Invalid(key + " must be greater than or equal to 0");
    return l;
  }

  private static boolean validRegex(String pattern) {
    try {
      Regex.compile(pattern);
      return true;
    } catch (BuiltinException e) {
      return false;
    }
  }

  /** A value's JSON with numbers compared as doubles and object keys sorted (enum uniqueness). */
  private static String canonical(JsonNode v) {
    if (v.isNumber()) return Double.toString(v.doubleValue());
    if (v.isArray()) {
      StringBuilder b = new StringBuilder("[");
      for (JsonNode e : iterable(v.elements())) b.append(canonical(e)).append(',');
      return b.append(']').toString();
    }
    if (v.isObject()) {
      TreeMap<String, String> m = new TreeMap<>();
      for (Map.Entry<String, JsonNode> e : iterable(v.fields()))
        m.put(e.getKey(), canonical(e.getValue()));
      return m.toString();
    }
    return v.toString();
  }

  private static Invalid invalidType(String expected, String given) {
    return new Invalid("Invalid type. Expected: " + expected + ", given: " + given);
  }

  private static <T> Iterable<T> iterable(Iterator<T> it) {
    return () -> it;
  }
}
