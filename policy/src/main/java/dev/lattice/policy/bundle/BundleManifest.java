package dev.lattice.policy.bundle;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code .manifest} of an OPA bundle.
 *
 * @param revision opaque revision string, recorded with every decision (may be empty)
 * @param roots path prefixes (slash-separated, below {@code data}) that the bundle owns; {@code
 *     [""]} (the default) owns everything
 * @param regoVersion 1 (Rego v1; the only version this engine speaks)
 * @param metadata free-form metadata
 */
public record BundleManifest(
    String revision, List<String> roots, int regoVersion, Map<String, Object> metadata) {

  public BundleManifest {
    revision = revision == null ? "" : revision;
    roots =
        roots == null
            ? List.of("")
            : List.copyOf(roots.stream().map(BundleManifest::normalizeRoot).toList());
    metadata =
        metadata == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  /** The manifest of a bundle that has none: no revision, owns everything. */
  public static BundleManifest empty() {
    return new BundleManifest("", List.of(""), 1, Map.of());
  }

  public BundleManifest withRevision(String newRevision) {
    return new BundleManifest(newRevision, roots, regoVersion, metadata);
  }

  static String normalizeRoot(String root) {
    String r = root == null ? "" : root.trim();
    while (r.startsWith("/")) r = r.substring(1);
    while (r.endsWith("/")) r = r.substring(0, r.length() - 1);
    return r;
  }

  /** True when {@code path} (slash-separated, below data) lies inside one of the roots. */
  public boolean owns(String path) {
    for (String root : roots) {
      if (BundleRoots.contains(root, path)) return true;
    }
    return false;
  }

  /** The JSON-like form written to {@code .manifest}. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("revision", revision);
    m.put("roots", roots);
    m.put("rego_version", regoVersion);
    if (!metadata.isEmpty()) m.put("metadata", metadata);
    return m;
  }
}
