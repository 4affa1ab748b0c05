package dev.lattice.policy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Why a decision denied (or, rarely, annotated) a flow: a stable dotted lower-snake-case {@code
 * code} such as {@code consent.purpose_not_granted} and a human {@code message}. Codes are part of
 * the decision contract (docs/decision-contract.md); messages may change.
 */
public record Reason(String code, String message) {

  public Reason {
    Objects.requireNonNull(code, "code");
    message = message == null ? "" : message;
  }

  /** The JSON-like form used in the audit log and by the gateway: {@code {code, message}}. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("code", code);
    m.put("message", message);
    return m;
  }
}
