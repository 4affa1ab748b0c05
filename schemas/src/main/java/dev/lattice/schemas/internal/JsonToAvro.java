package dev.lattice.schemas.internal;

import dev.lattice.schemas.FieldError;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.Conversion;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;
import tools.jackson.databind.JsonNode;

/**
 * Converts a JSON tree into Avro values of a data model, collecting every error with its path.
 *
 * <p>JSON shape: records are objects keyed by Avro field names; a field absent or null takes its
 * default (or null for a nullable field); unknown fields are errors; unions of null and one type
 * are written as that type or null; {@code timestamp-millis} is an ISO-8601 instant ({@code
 * 2026-11-23T10:00:00Z}, an offset is accepted) or epoch milliseconds; {@code bytes} is base64;
 * enums are their symbol. Not thread-safe; one instance per document.
 */
public final class JsonToAvro {

  private static final int MAX_ECHO = 40;

  private final GenericData model;
  private List<FieldError> errors = new ArrayList<>();

  public JsonToAvro(GenericData model) {
    this.model = model;
  }

  public List<FieldError> errors() {
    return errors;
  }

  /** The converted value, or {@code null} where an error was recorded. */
  public Object convert(JsonNode node, Schema schema, String path) {
    boolean absent = node == null || node.isMissingNode() || node.isNull();
    LogicalType lt = schema.getLogicalType();
    switch (schema.getType()) {
      case NULL -> {
        if (!absent) {
          error(path, "expected null", node);
        }
        return null;
      }
      case UNION -> {
        return union(node, absent, schema, path);
      }
      default -> {
        if (absent) {
          error(path, "expected " + describe(schema), node);
          return null;
        }
      }
    }
    return switch (schema.getType()) {
      case RECORD -> record(node, schema, path);
      case ARRAY -> {
        if (!node.isArray()) {
          yield error(path, "expected " + describe(schema), node);
        }
        List<Object> list = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
          list.add(convert(node.get(i), schema.getElementType(), path + "[" + i + "]"));
        }
        yield list;
      }
      case MAP -> {
        if (!node.isObject()) {
          yield error(path, "expected " + describe(schema), node);
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
          map.put(e.getKey(), convert(e.getValue(), schema.getValueType(), join(path, e.getKey())));
        }
        yield map;
      }
      case ENUM -> {
        if (node.isString() && schema.getEnumSymbols().contains(node.stringValue())) {
          yield model.createEnum(node.stringValue(), schema);
        }
        yield error(path, "expected " + describe(schema), node);
      }
      case STRING -> node.isString() ? node.stringValue() : error(path, "expected string", node);
      case BOOLEAN ->
          node.isBoolean() ? node.booleanValue() : error(path, "expected boolean", node);
      case INT ->
          node.isIntegralNumber() && node.canConvertToInt()
              ? node.intValue()
              : error(path, "expected int", node);
      case LONG ->
          lt != null && "timestamp-millis".equals(lt.getName())
              ? timestamp(node, schema, lt, path)
              : node.isIntegralNumber() && node.canConvertToLong()
                  ? node.longValue()
                  : error(path, "expected long", node);
      case FLOAT ->
          node.isNumber() ? (float) node.doubleValue() : error(path, "expected float", node);
      case DOUBLE -> node.isNumber() ? node.doubleValue() : error(path, "expected double", node);
      case BYTES -> {
        byte[] bytes = base64(node);
        yield bytes == null ? error(path, "expected base64 bytes", node) : ByteBuffer.wrap(bytes);
      }
      case FIXED -> {
        byte[] bytes = base64(node);
        yield bytes == null || bytes.length != schema.getFixedSize()
            ? error(path, "expected " + describe(schema), node)
            : model.createFixed(null, bytes, schema);
      }
      case NULL, UNION -> throw new IllegalStateException("handled above");
    };
  }

  private Object record(JsonNode node, Schema schema, String path) {
    if (!node.isObject()) {
      return error(path, "expected " + describe(schema), node);
    }
    IndexedRecord record = (IndexedRecord) model.newRecord(null, schema);
    Set<String> known = new HashSet<>();
    for (Schema.Field field : schema.getFields()) {
      known.add(field.name());
      JsonNode value = node.get(field.name());
      String fieldPath = join(path, field.name());
      if ((value == null || value.isNull()) && field.hasDefaultValue()) {
        record.put(field.pos(), model.deepCopy(field.schema(), model.getDefaultValue(field)));
      } else if (value == null && !acceptsNull(field.schema())) {
        errors.add(
            new FieldError(
                fieldPath, "required field missing, expected " + describe(field.schema())));
      } else {
        Object converted = convert(value, field.schema(), fieldPath);
        // null here is an error already recorded, unless the field takes null: a primitive field
        // (an int, a boolean) cannot hold it
        if (converted != null || acceptsNull(field.schema())) {
          record.put(field.pos(), converted);
        }
      }
    }
    for (String name : node.propertyNames()) {
      if (!known.contains(name)) {
        errors.add(
            new FieldError(
                join(path, name),
                "unknown field of "
                    + schema.getName()
                    + "; expected one of "
                    + fieldNames(schema)));
      }
    }
    return record;
  }

  private Object union(JsonNode node, boolean absent, Schema schema, String path) {
    List<Schema> nonNull =
        schema.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).toList();
    if (absent) {
      if (nonNull.size() < schema.getTypes().size()) {
        return null;
      }
      return error(path, "expected " + describe(schema), node);
    }
    if (nonNull.size() == 1) {
      return convert(node, nonNull.get(0), path);
    }
    List<FieldError> outer = errors;
    try {
      for (Schema branch : nonNull) {
        errors = new ArrayList<>();
        Object value = convert(node, branch, path);
        if (errors.isEmpty()) {
          return value;
        }
      }
    } finally {
      errors = outer;
    }
    return error(path, "expected " + describe(schema), node);
  }

  private Object timestamp(JsonNode node, Schema schema, LogicalType lt, String path) {
    Long millis = null;
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      millis = node.longValue();
    } else if (node.isString()) {
      millis = parseInstant(node.stringValue());
    }
    if (millis == null) {
      return error(
          path,
          "expected timestamp-millis (ISO-8601 instant such as 2026-11-23T10:00:00Z, or epoch"
              + " milliseconds)",
          node);
    }
    Conversion<?> conversion = model.getConversionFor(lt);
    return conversion == null ? (Object) millis : Instant.ofEpochMilli(millis);
  }

  private static Long parseInstant(String text) {
    try {
      return Instant.parse(text).toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      try {
        return OffsetDateTime.parse(text).toInstant().toEpochMilli();
      } catch (DateTimeParseException | ArithmeticException e2) {
        return null;
      }
    }
  }

  private static byte[] base64(JsonNode node) {
    if (!node.isString()) {
      return null;
    }
    try {
      return Base64.getDecoder().decode(node.stringValue());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean acceptsNull(Schema schema) {
    return schema.getType() == Schema.Type.NULL
        || (schema.getType() == Schema.Type.UNION
            && schema.getTypes().stream().anyMatch(s -> s.getType() == Schema.Type.NULL));
  }

  private Object error(String path, String expectation, JsonNode got) {
    errors.add(new FieldError(path.isEmpty() ? "$" : path, expectation + ", got " + echo(got)));
    return null;
  }

  private static String join(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  private static String fieldNames(Schema record) {
    return record.getFields().stream()
        .map(Schema.Field::name)
        .collect(Collectors.joining(", ", "[", "]"));
  }

  /** A short, human description of what a schema accepts in JSON. */
  public static String describe(Schema schema) {
    LogicalType lt = schema.getLogicalType();
    if (lt != null) {
      return lt.getName();
    }
    return switch (schema.getType()) {
      case RECORD -> "object (" + schema.getName() + ")";
      case ARRAY -> "array of " + describe(schema.getElementType());
      case MAP -> "object of " + describe(schema.getValueType());
      case ENUM -> "one of " + schema.getEnumSymbols();
      case FIXED -> "base64 of " + schema.getFixedSize() + " bytes";
      case BYTES -> "base64 bytes";
      case UNION ->
          schema.getTypes().stream().map(JsonToAvro::describe).collect(Collectors.joining(" or "));
      default -> schema.getType().getName();
    };
  }

  private static String echo(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    if (node.isNull()) {
      return "null";
    }
    if (node.isString()) {
      String s = node.stringValue();
      return "\"" + (s.length() > MAX_ECHO ? s.substring(0, MAX_ECHO) + "…" : s) + "\"";
    }
    if (node.isObject()) {
      return "an object";
    }
    if (node.isArray()) {
      return "an array";
    }
    String s = node.toString();
    return s.length() > MAX_ECHO ? s.substring(0, MAX_ECHO) + "…" : s;
  }
}
