package dev.lattice.benchmarks.bench;

import dev.lattice.policy.ActivationResult;
import dev.lattice.policy.Decision;
import dev.lattice.policy.DecisionService;
import dev.lattice.policy.Obligations;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The bench's allow-all baseline policy: every candidate is allowed with no obligations, without
 * evaluating anything. The enforcing topology run with it does all the routing, fan-out, audit and
 * delivery writes of enforcement, so the gap between it and the real policy is the cost of
 * deciding. Network documents are accepted and ignored; bundles cannot be activated. Thread-safe.
 */
final class AllowAllDecisions implements DecisionService {
  static final String REVISION = "bench-allow-all";
  private static final Decision ALLOW =
      new Decision(true, List.of(), Obligations.NONE, REVISION, 0, List.of());

  @Override
  public Decision decide(Map<String, Object> input, boolean explain) {
    return ALLOW;
  }

  @Override
  public String activeRevision() {
    return REVISION;
  }

  @Override
  public ActivationResult activate(Path bundle) {
    throw new UnsupportedOperationException("the allow-all bench policy takes no bundle");
  }

  @Override
  public ActivationResult activate(byte[] bundleTarGz) {
    throw new UnsupportedOperationException("the allow-all bench policy takes no bundle");
  }

  @Override
  public void putData(String path, Object document) {}

  @Override
  public void removeData(String path) {}
}
