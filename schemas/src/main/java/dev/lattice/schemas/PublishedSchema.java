package dev.lattice.schemas;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * A Lattice schema with every version ever published, oldest first.
 *
 * @param name simple name, e.g. {@code MemberDataEvent}
 * @param type the generated class of the current version
 * @param versions every published version, oldest first, never empty
 */
public record PublishedSchema(
    String name, Class<? extends SpecificRecord> type, List<SchemaVersion> versions) {

  public PublishedSchema {
    versions = List.copyOf(versions);
    if (versions.isEmpty()) {
      throw new IllegalArgumentException("schema " + name + " has no published version");
    }
  }

  /** The full name, e.g. {@code dev.lattice.schemas.avro.MemberDataEvent}. */
  public String fullName() {
    return latest().schema().getFullName();
  }

  /** The most recent published version (the one the generated class is built from). */
  public SchemaVersion latest() {
    return versions.get(versions.size() - 1);
  }

  /** The schema of the current generated class. */
  public Schema currentSchema() {
    return latest().schema();
  }
}
