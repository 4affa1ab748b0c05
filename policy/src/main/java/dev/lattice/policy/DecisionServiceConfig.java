package dev.lattice.policy;

import dev.lattice.policy.bundle.VerificationKey;
import java.util.List;

/**
 * Settings of a {@link DecisionService}.
 *
 * @param verificationKeys keys bundle signatures are checked with; when non-empty every activated
 *     bundle must be signed by one of them (unsigned or tampered bundles are refused)
 * @param runBundleTests whether a bundle's own {@code test_} rules must pass before it is activated
 *     (default true)
 */
public record DecisionServiceConfig(
    List<VerificationKey> verificationKeys, boolean runBundleTests) {

  public DecisionServiceConfig {
    verificationKeys = verificationKeys == null ? List.of() : List.copyOf(verificationKeys);
  }

  /** No signature verification; bundle tests must pass. */
  public static DecisionServiceConfig defaults() {
    return new DecisionServiceConfig(List.of(), true);
  }

  public DecisionServiceConfig withVerificationKey(VerificationKey key) {
    var keys = new java.util.ArrayList<>(verificationKeys);
    keys.add(key);
    return new DecisionServiceConfig(keys, runBundleTests);
  }
}
