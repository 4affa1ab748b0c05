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
 * @param shareDecisions whether the member-independent part of decisions is memoised across
 *     decisions (default true): rules whose value provably depends only on the policy's data and on
 *     input paths other than the per-decision ones ({@code consent}, {@code context}, {@code
 *     event.member_id}, ...) are evaluated once per distinct value of those paths. Decisions are
 *     identical either way; false evaluates every rule for every decision (for comparison)
 */
public record DecisionServiceConfig(
    List<VerificationKey> verificationKeys, boolean runBundleTests, boolean shareDecisions) {

  public DecisionServiceConfig {
    verificationKeys = verificationKeys == null ? List.of() : List.copyOf(verificationKeys);
  }

  /** With shared decisions on. */
  public DecisionServiceConfig(List<VerificationKey> verificationKeys, boolean runBundleTests) {
    this(verificationKeys, runBundleTests, true);
  }

  /** The same settings, every rule evaluated for every decision (no shared-part memo). */
  public DecisionServiceConfig withoutSharedDecisions() {
    return new DecisionServiceConfig(verificationKeys, runBundleTests, false);
  }

  /** No signature verification; bundle tests must pass. */
  public static DecisionServiceConfig defaults() {
    return new DecisionServiceConfig(List.of(), true);
  }

  public DecisionServiceConfig withVerificationKey(VerificationKey key) {
    var keys = new java.util.ArrayList<>(verificationKeys);
    keys.add(key);
    return new DecisionServiceConfig(keys, runBundleTests, shareDecisions);
  }
}
