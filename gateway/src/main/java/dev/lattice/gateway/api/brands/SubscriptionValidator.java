package dev.lattice.gateway.api.brands;

import dev.lattice.gateway.problem.FieldProblem;
import dev.lattice.gateway.problem.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Checks a brand subscription before it is stored: every network it names exists, and neither list
 * has more than the configured number of entries ({@code lattice.limits.max-subscription-entries},
 * default 100). Every problem is reported, each at its JSON path ({@code $.networks[2]}).
 *
 * <p>Stateless and thread-safe; which networks exist is asked of {@code knownNetwork} on each call.
 */
public final class SubscriptionValidator {

  private final Predicate<String> knownNetwork;
  private final int maxEntries;

  public SubscriptionValidator(Predicate<String> knownNetwork, int maxEntries) {
    this.knownNetwork = knownNetwork;
    this.maxEntries = maxEntries;
  }

  /**
   * @throws InvalidRequestException (400) listing every problem
   */
  public void validate(List<String> networks, List<String> categories) {
    List<FieldProblem> errors = new ArrayList<>();
    if (networks != null) {
      if (networks.size() > maxEntries) {
        errors.add(tooMany("$.networks", networks.size()));
      } else {
        for (int i = 0; i < networks.size(); i++) {
          String network = networks.get(i);
          if (network == null || network.isBlank()) {
            errors.add(new FieldProblem("$.networks[" + i + "]", "must be a network id"));
          } else if (!knownNetwork.test(network)) {
            errors.add(
                new FieldProblem("$.networks[" + i + "]", "unknown network '" + network + "'"));
          }
        }
      }
    }
    if (categories != null) {
      if (categories.size() > maxEntries) {
        errors.add(tooMany("$.categories", categories.size()));
      } else {
        for (int i = 0; i < categories.size(); i++) {
          String category = categories.get(i);
          if (category == null || category.isBlank() || category.length() > 100) {
            errors.add(new FieldProblem("$.categories[" + i + "]", "must be 1-100 characters"));
          }
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new InvalidRequestException(
          "The subscription has " + errors.size() + " error(s)", errors);
    }
  }

  private FieldProblem tooMany(String path, int size) {
    return new FieldProblem(
        path,
        "has "
            + size
            + " entries; at most "
            + maxEntries
            + " (setting lattice.limits.max-subscription-entries)");
  }
}
