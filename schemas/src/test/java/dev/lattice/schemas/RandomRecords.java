package dev.lattice.schemas;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Conversion;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;

/** Random, schema-valid values for any Avro schema, in the representation of a data model. */
final class RandomRecords {

  private final GenericData model;
  private final Random random;

  RandomRecords(GenericData model, long seed) {
    this.model = model;
    this.random = new Random(seed);
  }

  Object valueOf(Schema schema) {
    return value(schema, 0);
  }

  private Object value(Schema schema, int depth) {
    LogicalType lt = schema.getLogicalType();
    if (lt != null && "timestamp-millis".equals(lt.getName())) {
      long millis = random.nextLong(-2_000_000_000_000L, 4_000_000_000_000L);
      Conversion<?> conversion = model.getConversionFor(lt);
      return conversion == null ? (Object) millis : Instant.ofEpochMilli(millis);
    }
    return switch (schema.getType()) {
      case RECORD -> {
        IndexedRecord r = (IndexedRecord) model.newRecord(null, schema);
        for (Schema.Field f : schema.getFields()) {
          r.put(f.pos(), value(f.schema(), depth + 1));
        }
        yield r;
      }
      case UNION -> {
        List<Schema> types = schema.getTypes();
        yield value(types.get(random.nextInt(types.size())), depth);
      }
      case ARRAY -> {
        int n = depth > 4 ? 0 : random.nextInt(4);
        List<Object> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          list.add(value(schema.getElementType(), depth + 1));
        }
        yield list;
      }
      case MAP -> {
        int n = depth > 4 ? 0 : random.nextInt(4);
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
          map.put(string(), value(schema.getValueType(), depth + 1));
        }
        yield map;
      }
      case ENUM -> {
        List<String> symbols = schema.getEnumSymbols();
        yield model.createEnum(symbols.get(random.nextInt(symbols.size())), schema);
      }
      case STRING -> string();
      case BYTES -> {
        byte[] b = new byte[random.nextInt(20)];
        random.nextBytes(b);
        yield ByteBuffer.wrap(b);
      }
      case INT -> random.nextInt();
      case LONG -> random.nextLong();
      case FLOAT -> random.nextFloat();
      case DOUBLE -> random.nextDouble() * 1e6;
      case BOOLEAN -> random.nextBoolean();
      case NULL -> null;
      case FIXED -> {
        byte[] b = new byte[schema.getFixedSize()];
        random.nextBytes(b);
        yield model.createFixed(null, b, schema);
      }
    };
  }

  private String string() {
    String alphabet = "abcdefghijklmnopqrstuvwxyzäöü€ 0123456789-_";
    int n = random.nextInt(12);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}
