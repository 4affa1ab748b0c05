package dev.lattice.gateway.api;

import dev.lattice.gateway.problem.FieldProblem;
import dev.lattice.gateway.problem.InvalidRequestException;
import java.util.List;

/**
 * Checks of query parameters: a value out of range is a 400 naming the parameter, never silently
 * clamped (a caller asking for 5,000 decisions would otherwise get 1,000 and not know).
 */
public final class Parameters {

  private Parameters() {}

  /**
   * @throws InvalidRequestException (400 at {@code name}) when {@code value} is outside {@code
   *     [min, max]}
   */
  public static void requireRange(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new InvalidRequestException(
          name + " is out of range",
          List.of(new FieldProblem(name, "must be " + min + " to " + max + ", was " + value)));
    }
  }
}
