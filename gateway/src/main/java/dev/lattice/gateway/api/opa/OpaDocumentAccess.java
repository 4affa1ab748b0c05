package dev.lattice.gateway.api.opa;

import dev.lattice.gateway.problem.ForbiddenException;
import dev.lattice.gateway.security.LatticePrincipal;
import dev.lattice.policy.Rego;
import dev.lattice.policy.RuleInfo;
import dev.lattice.policy.bundle.Bundle;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Which documents of OPA's data API a caller may query. ADMIN and COMPLIANCE read everything. Other
 * callers (SERVICE keys) query decisions only: a rule of the active bundle defined in the package
 * of one of its manifest roots (such as {@code lattice/decision}), or a part of one; never base
 * data ({@code networks}, the bundle's data files, the {@code data} root), never a rule of a
 * package below a root (helpers such as {@code lattice/flow/src} hand out base data: another
 * network's rules), never a test rule (a rule named {@code test_*}, in a {@code *_test} package or
 * a {@code *_test.rego} file) and never a function. A bundle without roots offers the rules of its
 * top-level packages.
 *
 * <p>The set of decision documents is computed once per active revision. Thread-safe.
 */
final class OpaDocumentAccess {

  private record Documents(String revision, Set<String> paths) {}

  private final Supplier<String> activeRevision;
  private final Supplier<Bundle> activeBundle;
  private volatile Documents documents;

  OpaDocumentAccess(Supplier<String> activeRevision, Supplier<Bundle> activeBundle) {
    this.activeRevision = activeRevision;
    this.activeBundle = activeBundle;
  }

  /**
   * @param path the queried document, slash-separated below {@code data} ({@code ""} = the root)
   * @throws ForbiddenException (403) naming the documents the caller may query
   */
  void requireReadable(LatticePrincipal caller, String path) {
    if (caller.crossTenant()) {
      return;
    }
    Set<String> allowed = decisionDocuments();
    if (allowed.stream().noneMatch(d -> path.equals(d) || path.startsWith(d + "/"))) {
      throw new ForbiddenException(
          "This key may query decision documents only ("
              + allowed.stream().map(d -> "/v1/data/" + d).collect(Collectors.joining(", "))
              + "); '/v1/data/"
              + path
              + "' is base data, a test rule or unknown: ADMIN and COMPLIANCE may read it");
    }
  }

  Set<String> decisionDocuments() {
    String revision = activeRevision.get();
    Documents current = documents;
    if (current != null && current.revision().equals(revision)) {
      return current.paths();
    }
    Bundle bundle = activeBundle.get();
    List<String> roots = bundle.manifest().roots();
    Set<String> paths = new TreeSet<>();
    for (RuleInfo rule : Rego.compile(bundle.modules(), bundle.data()).rules()) {
      if (isTest(rule) || rule.function() || !rule.path().startsWith("data.")) {
        continue;
      }
      String slashed = rule.path().substring("data.".length()).replace('.', '/');
      String pkg = String.join("/", rule.packagePath());
      boolean inARootPackage =
          roots.stream().filter(r -> !r.isEmpty()).anyMatch(pkg::equals)
              || ((roots.isEmpty() || roots.contains("")) && rule.packagePath().size() == 1);
      if (inARootPackage) {
        paths.add(slashed);
      }
    }
    Set<String> result = java.util.Collections.unmodifiableSet(paths);
    documents = new Documents(revision, result);
    return result;
  }

  private static boolean isTest(RuleInfo rule) {
    return rule.name().startsWith("test_")
        || (!rule.packagePath().isEmpty() && rule.packagePath().getLast().endsWith("_test"))
        || (rule.location() != null
            && rule.location().file() != null
            && rule.location().file().endsWith("_test.rego"));
  }
}
