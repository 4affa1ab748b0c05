package dev.lattice.policy;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One rule that contributed to a decision, reported when an explanation is requested.
 *
 * @param rule the rule's full path, for example {@code data.lattice.member_data.deny}
 * @param location {@code file:line:col} of the rule body that fired, or empty when unknown
 * @param value the value the rule produced (JSON-like), or {@code null}
 */
public record FiredRule(String rule, String location, Object value) {

  public FiredRule {
    location = location == null ? "" : location;
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rule", rule);
    m.put("location", location);
    m.put("value", value);
    return m;
  }
}
