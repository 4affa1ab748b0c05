package dev.lattice.schemas.internal;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaIncompatibilityType;

/**
 * Avro's reader/writer compatibility check, with each problem named by record and field path
 * ({@code MemberDataEvent.personal.email}) instead of a JSON pointer into the schema.
 */
public final class CompatibilityCheck {

  private CompatibilityCheck() {}

  /** Problems of reading data written with {@code writer} using {@code reader}; empty if none. */
  public static List<String> problems(Schema reader, Schema writer) {
    return problems(reader, writer, reader.getName());
  }

  private static List<String> problems(Schema reader, Schema writer, String prefix) {
    var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
    if (result.getCompatibility() == SchemaCompatibilityType.COMPATIBLE) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (Incompatibility inc : result.getIncompatibilities()) {
      String path = fieldPath(reader, inc.getLocation(), prefix);
      // A changed record inside a nullable union is reported by Avro as a missing union branch;
      // look inside the same-named reader branch to name the field that actually changed.
      if (inc.getType() == SchemaIncompatibilityType.MISSING_UNION_BRANCH) {
        List<String> inner =
            insideUnion(
                inc.getReaderFragment(),
                inc.getWriterFragment(),
                prefix,
                reader,
                inc.getLocation());
        if (!inner.isEmpty()) {
          out.addAll(inner);
          continue;
        }
      }
      out.add(path + ": " + inc.getType() + " (" + inc.getMessage() + ")");
    }
    return out;
  }

  private static List<String> insideUnion(
      Schema readerFragment, Schema writerFragment, String prefix, Schema reader, String location) {
    if (readerFragment.getType() != Schema.Type.UNION) {
      return List.of();
    }
    // The location may point at the union or at one of its branches; name the field either way.
    String unionLocation =
        location.matches(".*/fields/\\d+$") ? location : location.replaceFirst("/\\d+$", "");
    String path = fieldPath(reader, unionLocation, prefix);
    List<Schema> writerRecords =
        writerFragment.getType() == Schema.Type.UNION
            ? writerFragment.getTypes()
            : List.of(writerFragment);
    List<String> out = new ArrayList<>();
    for (Schema w : writerRecords) {
      if (w.getType() != Schema.Type.RECORD) {
        continue;
      }
      for (Schema r : readerFragment.getTypes()) {
        if (r.getType() == Schema.Type.RECORD && r.getFullName().equals(w.getFullName())) {
          out.addAll(problems(r, w, path));
        }
      }
    }
    return out;
  }

  /** Turns a location such as {@code /fields/3/type/1/fields/0} into {@code Record.a.b}. */
  static String fieldPath(Schema root, String location, String prefix) {
    try {
      Schema s = root;
      StringBuilder path = new StringBuilder(prefix);
      String[] parts = location.split("/");
      for (int i = 1; i < parts.length; i++) {
        String p = parts[i];
        switch (p) {
          case "fields" -> {
            Schema.Field f = s.getFields().get(Integer.parseInt(parts[++i]));
            path.append('.').append(f.name());
            s = f.schema();
          }
          case "items" -> s = s.getElementType();
          case "values" -> s = s.getValueType();
          case "type", "name", "symbols", "size" -> {}
          default -> {
            if (s.getType() == Schema.Type.UNION) {
              s = s.getTypes().get(Integer.parseInt(p));
            }
          }
        }
      }
      return path.toString();
    } catch (RuntimeException e) {
      return prefix + " at " + location;
    }
  }
}
