package dev.lattice.policy;

import java.util.List;

/**
 * A bundle that was activated: from now on every new decision uses it.
 *
 * @param revision the new active revision (from the bundle's {@code .manifest})
 * @param previousRevision the revision it replaced, or empty when none was active
 * @param testsPassed how many of the bundle's own Rego tests ran and passed before activation
 * @param roots the bundle's roots
 */
public record ActivationResult(
    String revision, String previousRevision, int testsPassed, List<String> roots) {

  public ActivationResult {
    previousRevision = previousRevision == null ? "" : previousRevision;
    roots = roots == null ? List.of() : List.copyOf(roots);
  }
}
