package dev.lattice.policy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Why a decision denied (or, rarely, annotated) a flow: a stable dotted lower-snake-case {@code
 * code} such as {@code consent.purpose_not_granted}, a human {@code message} and an optional {@code
 * detail}. Codes are part of the decision contract (docs/decision-contract.md); messages may
 * change.
 *
 * <p>The message never holds a member's personal values (the sku or date of a purchase, a consent
 * date, a count of what the member received): audit records outlive an erasure. Such values go in
 * {@code detail} ({@code name → value}), which the topology seals with the member's data key so
 * that erasure shreds them.
 *
 * @param detail the personal values behind the reason; never null, may be empty
 */
public record Reason(String code, String message, Map<String, String> detail) {

  public Reason {
    Objects.requireNonNull(code, "code");
    message = message == null ? "" : message;
    detail =
        detail == null || detail.isEmpty()
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(detail));
  }

  /** A reason without personal detail. */
  public Reason(String code, String message) {
    this(code, message, Map.of());
  }

  /**
   * The JSON-like form used in the audit log and by the gateway: {@code {code, message}}, plus
   * {@code detail} when there is one.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("code", code);
    m.put("message", message);
    if (!detail.isEmpty()) {
      m.put("detail", detail);
    }
    return m;
  }
}
