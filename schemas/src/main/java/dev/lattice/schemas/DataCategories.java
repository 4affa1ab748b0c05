package dev.lattice.schemas;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The data category of every leaf field of a schema, read from the {@value #CATEGORY_PROPERTY}
 * field property, for the decision input's {@code event.fields}.
 *
 * <p>Paths are dotted Avro field names from the record root ({@code personal.email}, {@code
 * personal.home.city}). Records inside unions, arrays and maps are descended into with the same
 * path (no index or key); arrays and maps of non-records are leaves. A field without its own
 * category inherits the category of the nearest enclosing field that has one ({@code
 * personal.home.*} → {@code location}). A leaf with no category maps to {@code null}.
 *
 * <p>Results are computed per call; cache them per schema if used per event. Thread-safe.
 */
public final class DataCategories {

  /** Field property naming a field's data category. */
  public static final String CATEGORY_PROPERTY = "lattice.category";

  /** Record property marking a record as personal data: each of its fields must have a category. */
  public static final String PERSONAL_PROPERTY = "lattice.personal";

  private DataCategories() {}

  /**
   * Every leaf path of the schema with its category ({@code null} values for uncategorised leaves),
   * in schema order. Unmodifiable.
   *
   * @throws IllegalArgumentException if a field names a category that is not a {@link DataCategory}
   */
  public static Map<String, DataCategory> of(Schema schema) {
    Map<String, DataCategory> out = new LinkedHashMap<>();
    walk(schema, "", null, false, out, null, new HashSet<>());
    return Collections.unmodifiableMap(out);
  }

  /** {@link #of(Schema)} for a generated class. */
  public static Map<String, DataCategory> of(Class<? extends SpecificRecord> type) {
    return of(SpecificData.get().getSchema(type));
  }

  /**
   * The leaves that are personal data: inside a record marked {@value #PERSONAL_PROPERTY} or
   * carrying a category. Values are category ids ({@code "contact"}) or {@code null}, exactly as
   * the decision contract's {@code event.fields} wants them. Unmodifiable.
   */
  public static Map<String, String> personalFields(Schema schema) {
    Map<String, DataCategory> categories = new LinkedHashMap<>();
    Set<String> personal = new HashSet<>();
    walk(schema, "", null, false, categories, personal, new HashSet<>());
    Map<String, String> out = new LinkedHashMap<>();
    categories.forEach(
        (path, category) -> {
          if (category != null || personal.contains(path)) {
            out.put(path, category == null ? null : category.id());
          }
        });
    return Collections.unmodifiableMap(out);
  }

  /**
   * Leaves of personal-data records that have no category: must be empty for every published schema
   * (checked by the module's tests).
   */
  public static Set<String> uncategorisedPersonalFields(Schema schema) {
    Map<String, DataCategory> categories = new LinkedHashMap<>();
    Set<String> personal = new HashSet<>();
    walk(schema, "", null, false, categories, personal, new HashSet<>());
    Set<String> missing = new java.util.TreeSet<>();
    for (String path : personal) {
      if (categories.get(path) == null) {
        missing.add(path);
      }
    }
    return missing;
  }

  private static void walk(
      Schema schema,
      String path,
      DataCategory inherited,
      boolean inPersonal,
      Map<String, DataCategory> out,
      Set<String> personal,
      Set<String> visiting) {
    switch (schema.getType()) {
      case RECORD -> {
        if (!visiting.add(schema.getFullName())) {
          return; // recursive type: its leaves were listed at the outer occurrence
        }
        boolean personalRecord =
            inPersonal || Boolean.TRUE.equals(schema.getObjectProp(PERSONAL_PROPERTY));
        for (Schema.Field field : schema.getFields()) {
          DataCategory own = category(schema, field);
          String fieldPath = path.isEmpty() ? field.name() : path + "." + field.name();
          walk(
              field.schema(),
              fieldPath,
              own != null ? own : inherited,
              personalRecord,
              out,
              personal,
              visiting);
        }
        visiting.remove(schema.getFullName());
      }
      case UNION -> {
        boolean descended = false;
        for (Schema branch : schema.getTypes()) {
          if (containsRecord(branch)) {
            walk(branch, path, inherited, inPersonal, out, personal, visiting);
            descended = true;
          }
        }
        if (!descended) {
          leaf(path, inherited, inPersonal, out, personal);
        }
      }
      case ARRAY -> {
        if (containsRecord(schema.getElementType())) {
          walk(schema.getElementType(), path, inherited, inPersonal, out, personal, visiting);
        } else {
          leaf(path, inherited, inPersonal, out, personal);
        }
      }
      case MAP -> {
        if (containsRecord(schema.getValueType())) {
          walk(schema.getValueType(), path, inherited, inPersonal, out, personal, visiting);
        } else {
          leaf(path, inherited, inPersonal, out, personal);
        }
      }
      default -> leaf(path, inherited, inPersonal, out, personal);
    }
  }

  private static boolean containsRecord(Schema schema) {
    return switch (schema.getType()) {
      case RECORD -> true;
      case UNION -> schema.getTypes().stream().anyMatch(DataCategories::containsRecord);
      case ARRAY -> containsRecord(schema.getElementType());
      case MAP -> containsRecord(schema.getValueType());
      default -> false;
    };
  }

  private static void leaf(
      String path,
      DataCategory category,
      boolean inPersonal,
      Map<String, DataCategory> out,
      Set<String> personal) {
    out.putIfAbsent(path, category);
    if (inPersonal && personal != null) {
      personal.add(path);
    }
  }

  private static DataCategory category(Schema record, Schema.Field field) {
    Object value = field.getObjectProp(CATEGORY_PROPERTY);
    if (value == null) {
      return null;
    }
    return DataCategory.fromId(value.toString())
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    record.getName()
                        + "."
                        + field.name()
                        + " has unknown "
                        + CATEGORY_PROPERTY
                        + " \""
                        + value
                        + "\"; expected one of "
                        + java.util.Arrays.stream(DataCategory.values())
                            .map(DataCategory::id)
                            .toList()));
  }
}
