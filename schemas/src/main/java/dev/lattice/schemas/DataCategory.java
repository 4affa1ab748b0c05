package dev.lattice.schemas;

import java.util.Locale;
import java.util.Optional;

/**
 * The categories of personal data, as written in the schema property {@code lattice.category}
 * (lower case). Policies redact, pseudonymise or generalise by category, never by field name.
 */
public enum DataCategory {
  PROFILE,
  CONTACT,
  LOCATION,
  ACTIVITY,
  CONTENT,
  PURCHASES,
  INTERESTS,
  IDENTIFIERS;

  /** The id used in schemas and in the decision input, e.g. {@code location}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The category with that id, if any. */
  public static Optional<DataCategory> fromId(String id) {
    for (DataCategory c : values()) {
      if (c.id().equals(id)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
