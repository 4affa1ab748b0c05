package dev.lattice.policy;

import java.util.List;
import java.util.Map;

/**
 * OPA's result set: one binding map per solution of the query, from query variable name to value.
 * Values are JSON-like Java: {@code null}, {@link Boolean}, {@link java.math.BigDecimal} or {@link
 * Long} numbers, {@link String}, {@link List} (arrays, and sets as sorted lists) and {@link Map}
 * (objects, read-only; non-string keys rendered as their JSON text). An empty list means undefined.
 */
public record QueryResult(List<Map<String, Object>> bindings, List<TraceEvent> trace) {
  public QueryResult {
    bindings = List.copyOf(bindings);
    trace = List.copyOf(trace);
  }

  /** True when the query has at least one solution. */
  public boolean defined() {
    return !bindings.isEmpty();
  }
}
