package dev.lattice.streams.internal.enforce;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;

/**
 * Turns Avro records into the JSON-like documents of the decision input, and lists the leaf paths
 * of personal data with their category (schema property {@code lattice.category}).
 */
public final class PersonalData {
  public static final String CATEGORY = "lattice.category";

  private PersonalData() {}

  /** A record as a JSON-like map with snake_case field names (as in the schema). */
  public static Map<String, Object> toDocument(IndexedRecord record) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (record == null) {
      return m;
    }
    for (Schema.Field f : record.getSchema().getFields()) {
      m.put(f.name(), toJson(record.get(f.pos())));
    }
    return m;
  }

  static Object toJson(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof IndexedRecord r) {
      return toDocument(r);
    }
    if (v instanceof CharSequence s) {
      return s.toString();
    }
    if (v instanceof Instant i) {
      return i.toString();
    }
    if (v instanceof LocalDate d) {
      return d.toString();
    }
    if (v instanceof ByteBuffer b) {
      ByteBuffer dup = b.duplicate();
      byte[] bytes = new byte[dup.remaining()];
      dup.get(bytes);
      return Base64.getEncoder().encodeToString(bytes);
    }
    if (v instanceof GenericEnumSymbol<?> e) {
      return e.toString();
    }
    if (v instanceof Enum<?> e) {
      return e.name();
    }
    if (v instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, val) -> out.put(k.toString(), toJson(val)));
      return out;
    }
    if (v instanceof Collection<?> c) {
      List<Object> out = new ArrayList<>(c.size());
      c.forEach(x -> out.add(toJson(x)));
      return out;
    }
    return v;
  }

  /**
   * Every leaf path ({@code prefix.field[.sub]}) of the present personal data with its category, or
   * {@code null} when the schema gives none (the policy fails closed on those). A nested record's
   * fields inherit the category of the field that holds it when they carry none themselves.
   */
  public static Map<String, String> categories(String prefix, IndexedRecord record) {
    Map<String, String> out = new LinkedHashMap<>();
    walk(prefix, record, null, out);
    return out;
  }

  private static void walk(
      String prefix, IndexedRecord record, String inherited, Map<String, String> out) {
    for (Schema.Field f : record.getSchema().getFields()) {
      Object v = record.get(f.pos());
      if (v == null
          || (v instanceof Collection<?> c && c.isEmpty())
          || (v instanceof Map<?, ?> m && m.isEmpty())) {
        continue;
      }
      String category = f.getProp(CATEGORY);
      if (category == null) {
        category = inherited;
      }
      String path = prefix + "." + f.name();
      if (v instanceof IndexedRecord nested) {
        walk(path, nested, category, out);
      } else {
        out.put(path, category);
      }
    }
  }
}
