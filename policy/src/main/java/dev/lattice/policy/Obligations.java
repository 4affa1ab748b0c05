package dev.lattice.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the topology must do to an event before writing it to the destination. Paths are paths into
 * the event document as given in {@code input.event} (for example {@code payload.email}, {@code
 * member_id}).
 *
 * @param redact fields to remove
 * @param pseudonymize identifier fields to replace by a destination-specific pseudonym
 * @param generalize field path to generalisation level (for location: {@code city}, {@code region},
 *     {@code country})
 * @param coarsenTime timestamp path (for example {@code occurred_at}) to the granularity it is
 *     truncated to before the record is written: {@code hour} or {@code day} (UTC)
 */
public record Obligations(
    List<String> redact,
    List<String> pseudonymize,
    Map<String, String> generalize,
    Map<String, String> coarsenTime) {

  /** No obligations. */
  public static final Obligations NONE = new Obligations(List.of(), List.of(), Map.of(), Map.of());

  /** Obligations without time coarsening. */
  public Obligations(
      List<String> redact, List<String> pseudonymize, Map<String, String> generalize) {
    this(redact, pseudonymize, generalize, Map.of());
  }

  public Obligations {
    redact = redact == null ? List.of() : List.copyOf(redact);
    pseudonymize = pseudonymize == null ? List.of() : List.copyOf(pseudonymize);
    generalize =
        generalize == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(generalize));
    coarsenTime =
        coarsenTime == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(coarsenTime));
  }

  public boolean isEmpty() {
    return redact.isEmpty()
        && pseudonymize.isEmpty()
        && generalize.isEmpty()
        && coarsenTime.isEmpty();
  }

  /**
   * The JSON-like form: {@code {redact: [...], pseudonymize: [...], generalize: {...}}}, plus
   * {@code coarsen_time: {...}} when there is any.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("redact", redact);
    m.put("pseudonymize", pseudonymize);
    m.put("generalize", generalize);
    if (!coarsenTime.isEmpty()) {
      m.put("coarsen_time", coarsenTime);
    }
    return m;
  }
}
