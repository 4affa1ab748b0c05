package dev.lattice.policy;

import java.nio.file.Path;
import java.util.Map;

/**
 * Decides whether an event may flow to a destination, by evaluating {@code data.lattice.decision}
 * of the active policy bundle (docs/decision-contract.md).
 *
 * <p>Thread-safety: every method may be called from any number of threads. The service holds
 * exactly one active bundle; {@link #activate} swaps it atomically. An evaluation that started on
 * the old bundle finishes on it; evaluations that start after {@code activate} returns use the new
 * one.
 *
 * <p>Fail closed: {@code decide} never throws for a bad input or a policy error; it returns a deny
 * with reason {@code policy.error} (evaluation error) or {@code policy.undefined} (no decision, or
 * no boolean {@code allow}).
 */
public interface DecisionService {

  /**
   * A service whose first active bundle is the default Lattice bundle shipped in this module.
   *
   * @throws PolicyActivationException when the default bundle is refused (for example because a
   *     verification key is configured and the default bundle is unsigned)
   */
  static DecisionService create(DecisionServiceConfig config) {
    return new dev.lattice.policy.internal.decision.BundleDecisionService(
        config, dev.lattice.policy.bundle.DefaultBundle.load());
  }

  /**
   * A service whose first active bundle is loaded from {@code bundle} (a directory or {@code
   * .tar.gz}).
   *
   * @throws PolicyActivationException when that bundle is refused
   */
  static DecisionService create(DecisionServiceConfig config, Path bundle) {
    dev.lattice.policy.bundle.Bundle loaded;
    try {
      loaded = dev.lattice.policy.bundle.BundleLoader.load(bundle);
    } catch (dev.lattice.policy.bundle.BundleException e) {
      throw new PolicyActivationException(
          PolicyActivationException.Stage.LOAD, "", java.util.List.of(e.getMessage()), e);
    }
    return new dev.lattice.policy.internal.decision.BundleDecisionService(config, loaded);
  }

  /**
   * A service whose first active bundle is given as {@code .tar.gz} bytes (for example a candidate
   * bundle to simulate decisions with before publishing it).
   *
   * @throws PolicyActivationException when that bundle is refused
   */
  static DecisionService create(DecisionServiceConfig config, byte[] bundleTarGz) {
    dev.lattice.policy.bundle.Bundle loaded;
    try {
      loaded = dev.lattice.policy.bundle.BundleLoader.fromTarGz("bundle.tar.gz", bundleTarGz);
    } catch (dev.lattice.policy.bundle.BundleException e) {
      throw new PolicyActivationException(
          PolicyActivationException.Stage.LOAD, "", java.util.List.of(e.getMessage()), e);
    }
    return new dev.lattice.policy.internal.decision.BundleDecisionService(config, loaded);
  }

  /** Decides without an explanation. */
  default Decision decide(Map<String, Object> input) {
    return decide(input, false);
  }

  /**
   * Decides; when {@code explain} is true the decision lists the rules that fired.
   *
   * @param input the JSON-like input document (maps, lists, strings, numbers, booleans, null)
   */
  Decision decide(Map<String, Object> input, boolean explain);

  default Decision decide(DecisionInput input) {
    return decide(input.toMap(), false);
  }

  /**
   * A document that several inputs share (the event, the member's consent, the context of the
   * destinations of one event), converted once into the engine's form: put the result into each
   * input map in place of {@code document}, and the decisions are those of the document itself. The
   * document must not change afterwards, and the result is for the decisions of one thread (it
   * converts members when they are first read). Default: the document itself.
   */
  default Object prepare(Map<String, Object> document) {
    return document;
  }

  default Decision decide(DecisionInput input, boolean explain) {
    return decide(input.toMap(), explain);
  }

  /** The revision of the bundle that decides now. */
  String activeRevision();

  /**
   * Loads a bundle (a directory or a {@code .tar.gz} file), verifies its signature when keys are
   * configured, compiles it and runs its own tests, then makes it the active bundle.
   *
   * @throws PolicyActivationException when any step fails; the previous bundle stays active
   */
  ActivationResult activate(Path bundle);

  /**
   * Same as {@link #activate(Path)} for a bundle given as {@code .tar.gz} bytes (for example from
   * the {@code lattice.policy.bundles} topic).
   *
   * @throws PolicyActivationException when any step fails; the previous bundle stays active
   */
  ActivationResult activate(byte[] bundleTarGz);

  /**
   * Sets a base document outside the bundle's roots, e.g. {@code putData("networks/ski-club",
   * rules)} makes {@code data.networks["ski-club"]} available to the policy. Takes effect for
   * evaluations that start after the call; the active bundle stays active.
   *
   * @param path slash-separated path below {@code data}
   * @param document JSON-like value
   * @throws IllegalArgumentException when the path lies inside the active bundle's roots
   */
  void putData(String path, Object document);

  /** Removes a document set with {@link #putData}; no-op when absent. */
  void removeData(String path);
}
