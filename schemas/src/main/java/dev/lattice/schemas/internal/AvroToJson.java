package dev.lattice.schemas.internal;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Avro values to the JSON shape {@link JsonToAvro} reads. Stateless, thread-safe. */
public final class AvroToJson {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final GenericData model;

  public AvroToJson(GenericData model) {
    this.model = model;
  }

  public JsonNode convert(Object value, Schema schema) {
    if (schema.getType() == Schema.Type.UNION) {
      return convert(value, schema.getTypes().get(model.resolveUnion(schema, value)));
    }
    if (value == null) {
      return NODES.nullNode();
    }
    LogicalType lt = schema.getLogicalType();
    if (lt != null && "timestamp-millis".equals(lt.getName())) {
      Instant instant = value instanceof Instant i ? i : Instant.ofEpochMilli((Long) value);
      return NODES.stringNode(instant.toString());
    }
    return switch (schema.getType()) {
      case RECORD -> {
        IndexedRecord record = (IndexedRecord) value;
        ObjectNode node = NODES.objectNode();
        for (Schema.Field field : schema.getFields()) {
          node.set(field.name(), convert(record.get(field.pos()), field.schema()));
        }
        yield node;
      }
      case ARRAY -> {
        ArrayNode node = NODES.arrayNode();
        for (Object item : (Collection<?>) value) {
          node.add(convert(item, schema.getElementType()));
        }
        yield node;
      }
      case MAP -> {
        ObjectNode node = NODES.objectNode();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
          node.set(e.getKey().toString(), convert(e.getValue(), schema.getValueType()));
        }
        yield node;
      }
      case STRING, ENUM -> NODES.stringNode(value.toString());
      case BYTES -> {
        ByteBuffer buffer = ((ByteBuffer) value).duplicate();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        yield NODES.stringNode(Base64.getEncoder().encodeToString(bytes));
      }
      case FIXED ->
          NODES.stringNode(Base64.getEncoder().encodeToString(((GenericFixed) value).bytes()));
      case INT -> NODES.numberNode((Integer) value);
      case LONG -> NODES.numberNode((Long) value);
      case FLOAT -> NODES.numberNode((Float) value);
      case DOUBLE -> NODES.numberNode((Double) value);
      case BOOLEAN -> NODES.booleanNode((Boolean) value);
      case NULL -> NODES.nullNode();
      case UNION -> throw new IllegalStateException("handled above");
    };
  }
}
