package dev.lattice.gateway.problem;

import java.util.List;
import java.util.Map;

/**
 * Refuses request bodies with fields the endpoint does not know. A body record collects them with
 * {@code @JsonAnySetter Map<String, Object> unknown}; without this, a misspelt field is silently
 * ignored, and where an absent field means "any" ({@code {"network": [...]}} for a subscription's
 * {@code networks}) the request would widen instead of failing.
 */
public final class UnknownFields {

  private UnknownFields() {}

  /**
   * @param unknown the fields collected by the body's {@code @JsonAnySetter} (null or empty: none)
   * @param what what the body is, for the message ("subscription")
   * @throws InvalidRequestException (400) naming each unknown field at its JSON path
   */
  public static void refuse(Map<String, Object> unknown, String what) {
    if (unknown != null && !unknown.isEmpty()) {
      List<FieldProblem> errors =
          unknown.keySet().stream()
              .sorted()
              .map(name -> new FieldProblem("$." + name, "is not a field of a " + what))
              .toList();
      throw new InvalidRequestException(
          "The " + what + " has " + unknown.size() + " unknown field(s)", errors);
    }
  }
}
