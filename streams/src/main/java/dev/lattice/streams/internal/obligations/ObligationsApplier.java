package dev.lattice.streams.internal.obligations;

import dev.lattice.policy.Obligations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Applies a decision's obligations to a copy of an event's personal record (paths {@code
 * payload.<field>[.<sub>]}) and to its subject ({@code member_id}). Redaction clears a field (null,
 * or an empty list/map); pseudonymisation replaces identifiers by the destination's keyed
 * pseudonym; generalisation coarsens an address to {@code city}, {@code region} or {@code country}
 * (a free-text location that cannot be coarsened is removed instead). Anything else is refused with
 * {@link UnenforceableObligationException}, so the event is not delivered. Thread-safe.
 */
public final class ObligationsApplier {
  public static final String PAYLOAD = "payload";
  public static final String MEMBER_ID = "member_id";

  /**
   * Pseudonymisation paths naming the event's own identifiers: re-keyed by the topology on the
   * event itself (header and public fields), not in the personal record.
   */
  public static final java.util.Set<String> EVENT_IDS =
      java.util.Set.of("id", "correlation_id", "payload.content_id", "payload.purchase_id");

  /** Timestamp paths of the event itself (its header): coarsened by the topology on the event. */
  public static final java.util.Set<String> EVENT_TIMES = java.util.Set.of("occurred_at");

  /** Address fields from finest to coarsest. */
  private static final List<String> ADDRESS_LEVELS =
      List.of("street", "postal_code", "city", "region", "country");

  private final Pseudonymiser pseudonymiser;

  public ObligationsApplier(Pseudonymiser pseudonymiser) {
    this.pseudonymiser = pseudonymiser;
  }

  /** The result: the transformed personal record (may be null) and the transformed member id. */
  public record Applied(SpecificRecordBase personal, String memberId) {}

  public Applied apply(
      Obligations obligations,
      String destinationKind,
      String destinationId,
      SpecificRecordBase personal,
      String memberId) {
    SpecificRecordBase copy =
        personal == null ? null : SpecificData.get().deepCopy(personal.getSchema(), personal);
    String member = memberId;
    for (String path : obligations.redact()) {
      if (MEMBER_ID.equals(path)) {
        member = null;
      } else {
        redact(copy, path);
      }
    }
    for (Map.Entry<String, String> e : obligations.generalize().entrySet()) {
      generalize(copy, e.getKey(), e.getValue());
    }
    for (Map.Entry<String, String> e : obligations.coarsenTime().entrySet()) {
      if (EVENT_TIMES.contains(e.getKey())) {
        coarsen(null, e.getKey(), e.getValue()); // validates the level; applied on the header
      } else {
        coarsenTime(copy, e.getKey(), e.getValue());
      }
    }
    for (String path : obligations.pseudonymize()) {
      if (MEMBER_ID.equals(path)) {
        member =
            member == null ? null : pseudonymiser.pseudonym(destinationKind, destinationId, member);
      } else if (EVENT_IDS.contains(path)) {
        continue; // re-keyed on the event by the topology
      } else {
        pseudonymize(copy, path, destinationKind, destinationId);
      }
    }
    return new Applied(copy, member);
  }

  /**
   * An instant truncated (UTC) to {@code level}: {@code hour} or {@code day}; null stays null.
   *
   * @throws UnenforceableObligationException for any other level
   */
  public static java.time.Instant coarsen(java.time.Instant at, String path, String level) {
    java.time.temporal.ChronoUnit unit =
        switch (level) {
          case "hour" -> java.time.temporal.ChronoUnit.HOURS;
          case "day" -> java.time.temporal.ChronoUnit.DAYS;
          default ->
              throw new UnenforceableObligationException(
                  "coarsen_time level '" + level + "' for '" + path + "' is not hour or day");
        };
    return at == null ? null : at.truncatedTo(unit);
  }

  private static void coarsenTime(SpecificRecordBase personal, String path, String level) {
    if (personal == null) {
      redact(null, path); // checks the path is under payload
      coarsen(null, path, level);
      return;
    }
    Slot slot = locate(personal, personal.getSchema(), path);
    if (slot.parent() == null) {
      coarsen(null, path, level);
      return;
    }
    Object value = slot.parent().get(slot.field().pos());
    if (value != null && !(value instanceof java.time.Instant)) {
      throw new UnenforceableObligationException(
          "coarsen_time path '" + path + "' names a field that is not a timestamp");
    }
    slot.parent().put(slot.field().pos(), coarsen((java.time.Instant) value, path, level));
  }

  private record Slot(IndexedRecord parent, Schema.Field field) {}

  /** The record and field a payload path names; null parent when an enclosing record is absent. */
  private static Slot locate(IndexedRecord root, Schema rootSchema, String path) {
    if (!path.startsWith(PAYLOAD + ".")) {
      throw new UnenforceableObligationException(
          "obligation path '" + path + "' is not under payload");
    }
    String[] parts = path.substring(PAYLOAD.length() + 1).split("\\.");
    IndexedRecord parent = root;
    Schema schema = rootSchema;
    for (int i = 0; i < parts.length; i++) {
      if (schema == null) {
        throw new UnenforceableObligationException(
            "obligation path '" + path + "' names no field of the event");
      }
      Schema.Field f = schema.getField(parts[i]);
      if (f == null) {
        throw new UnenforceableObligationException(
            "obligation path '" + path + "' names no field of the event");
      }
      if (i == parts.length - 1) {
        return new Slot(parent, f);
      }
      schema = recordSchema(f.schema());
      parent = parent == null ? null : (IndexedRecord) parent.get(f.pos());
    }
    throw new UnenforceableObligationException("empty obligation path");
  }

  private static Schema recordSchema(Schema s) {
    if (s.getType() == Schema.Type.RECORD) {
      return s;
    }
    if (s.getType() == Schema.Type.UNION) {
      for (Schema t : s.getTypes()) {
        if (t.getType() == Schema.Type.RECORD) {
          return t;
        }
      }
    }
    return null;
  }

  private static Schema nonNull(Schema s) {
    if (s.getType() == Schema.Type.UNION) {
      for (Schema t : s.getTypes()) {
        if (t.getType() != Schema.Type.NULL) {
          return t;
        }
      }
    }
    return s;
  }

  private static Schema schemaOf(SpecificRecordBase personal) {
    return personal == null ? null : personal.getSchema();
  }

  static void redact(SpecificRecordBase personal, String path) {
    if (personal == null) {
      if (!path.startsWith(PAYLOAD + ".")) {
        throw new UnenforceableObligationException(
            "obligation path '" + path + "' is not under payload");
      }
      return;
    }
    Slot slot = locate(personal, schemaOf(personal), path);
    if (slot.parent() == null) {
      return;
    }
    clear(slot.parent(), slot.field());
  }

  private static void clear(IndexedRecord parent, Schema.Field f) {
    Schema s = f.schema();
    if (s.getType() == Schema.Type.UNION
        && s.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL)) {
      parent.put(f.pos(), null);
    } else if (s.getType() == Schema.Type.ARRAY) {
      parent.put(f.pos(), new ArrayList<>());
    } else if (s.getType() == Schema.Type.MAP) {
      parent.put(f.pos(), new LinkedHashMap<>());
    } else if (f.hasDefaultValue()) {
      parent.put(f.pos(), SpecificData.get().getDefaultValue(f));
    } else {
      throw new UnenforceableObligationException(
          "field '" + f.name() + "' can be neither removed nor reset to a default");
    }
  }

  private void pseudonymize(SpecificRecordBase personal, String path, String kind, String id) {
    if (personal == null) {
      return;
    }
    Slot slot = locate(personal, schemaOf(personal), path);
    if (slot.parent() == null) {
      return;
    }
    Object v = slot.parent().get(slot.field().pos());
    if (v == null) {
      return;
    }
    Object replaced =
        switch (v) {
          case CharSequence s -> pseudonymiser.pseudonym(kind, id, s.toString());
          case Map<?, ?> m -> {
            Map<String, String> out = new LinkedHashMap<>();
            m.forEach(
                (k, val) ->
                    out.put(
                        k.toString(),
                        val == null ? null : pseudonymiser.pseudonym(kind, id, val.toString())));
            yield out;
          }
          case List<?> l ->
              l.stream().map(x -> pseudonymiser.pseudonym(kind, id, String.valueOf(x))).toList();
          default ->
              throw new UnenforceableObligationException(
                  "field at '" + path + "' is not an identifier that can be pseudonymised");
        };
    Schema target = nonNull(slot.field().schema());
    boolean textual =
        target.getType() == Schema.Type.STRING
            || (target.getType() == Schema.Type.MAP
                && target.getValueType().getType() == Schema.Type.STRING)
            || (target.getType() == Schema.Type.ARRAY
                && target.getElementType().getType() == Schema.Type.STRING);
    if (!textual) {
      throw new UnenforceableObligationException(
          "field at '" + path + "' is not textual; cannot pseudonymise");
    }
    slot.parent()
        .put(slot.field().pos(), replaced instanceof List<?> l ? new ArrayList<>(l) : replaced);
  }

  static void generalize(SpecificRecordBase personal, String path, String level) {
    int keepFrom = ADDRESS_LEVELS.indexOf(level);
    if (keepFrom < 0) {
      throw new UnenforceableObligationException(
          "unknown generalisation level '"
              + level
              + "' for '"
              + path
              + "'; known: city, region, country");
    }
    if (personal == null) {
      return;
    }
    Slot slot = locate(personal, schemaOf(personal), path);
    if (slot.parent() == null) {
      return;
    }
    IndexedRecord address;
    Schema addressSchema = recordSchema(slot.field().schema());
    if (addressSchema != null && isAddress(addressSchema)) {
      address = (IndexedRecord) slot.parent().get(slot.field().pos());
    } else if (isAddress(slot.parent().getSchema())) {
      address = slot.parent();
    } else {
      // A free-text location cannot be coarsened reliably: remove it (stricter than asked).
      clear(slot.parent(), slot.field());
      return;
    }
    if (address == null) {
      return;
    }
    for (int i = 0; i < keepFrom; i++) {
      Schema.Field f = address.getSchema().getField(ADDRESS_LEVELS.get(i));
      if (f != null) {
        clear(address, f);
      }
    }
  }

  private static boolean isAddress(Schema s) {
    return s.getField("city") != null && s.getField("country") != null;
  }
}
