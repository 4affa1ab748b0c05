package dev.lattice.policy.bundle;

import java.util.ArrayList;
import java.util.List;

/** Checks on bundle roots: two bundles activated together must not own overlapping paths. */
public final class BundleRoots {

  private BundleRoots() {}

  /** True when {@code path} equals {@code root} or lies below it (segment-wise; "" owns all). */
  public static boolean contains(String root, String path) {
    String r = BundleManifest.normalizeRoot(root);
    String p = BundleManifest.normalizeRoot(path);
    if (r.isEmpty()) return true;
    return p.equals(r) || p.startsWith(r + "/");
  }

  /** True when one root contains the other. */
  public static boolean overlap(String a, String b) {
    return contains(a, b) || contains(b, a);
  }

  /**
   * Throws when any two of the bundles claim overlapping roots (like OPA, which refuses to activate
   * such a set).
   *
   * @throws BundleException naming both bundles and the overlapping roots
   */
  public static void checkDisjoint(List<Bundle> bundles) {
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < bundles.size(); i++) {
      for (int j = i + 1; j < bundles.size(); j++) {
        Bundle a = bundles.get(i);
        Bundle b = bundles.get(j);
        for (String ra : a.manifest().roots()) {
          for (String rb : b.manifest().roots()) {
            if (overlap(ra, rb)) {
              problems.add(
                  "root '"
                      + ra
                      + "' of "
                      + a.source()
                      + " overlaps root '"
                      + rb
                      + "' of "
                      + b.source());
            }
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new BundleException("", "", "bundle roots overlap: " + String.join("; ", problems));
    }
  }
}
