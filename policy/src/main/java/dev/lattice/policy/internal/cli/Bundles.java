package dev.lattice.policy.internal.cli;

import dev.lattice.policy.RegoModule;
import dev.lattice.policy.bundle.Bundle;
import dev.lattice.policy.bundle.BundleException;
import dev.lattice.policy.bundle.BundleLoader;
import dev.lattice.policy.bundle.BundleManifest;
import dev.lattice.policy.bundle.BundleRoots;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Loads several bundles for the CLI and combines them (roots must not overlap). */
final class Bundles {
  private Bundles() {}

  static Bundle loadAll(List<Path> paths) {
    List<Bundle> bundles = new ArrayList<>();
    for (Path p : paths) bundles.add(BundleLoader.load(p));
    if (bundles.size() == 1) return bundles.get(0);
    BundleRoots.checkDisjoint(bundles);
    List<RegoModule> modules = new ArrayList<>();
    Map<String, Object> data = new LinkedHashMap<>();
    List<String> revisions = new ArrayList<>();
    for (Bundle b : bundles) {
      modules.addAll(b.modules());
      for (var e : b.data().entrySet()) {
        if (data.containsKey(e.getKey())) {
          throw new BundleException(
              b.source(), "", "data key '" + e.getKey() + "' is also defined by another bundle");
        }
        data.put(e.getKey(), e.getValue());
      }
      revisions.add(b.revision());
    }
    return new Bundle(
        String.join(",", paths.stream().map(Path::toString).toList()),
        new BundleManifest(String.join(",", revisions), List.of(""), 1, Map.of()),
        modules,
        data,
        Map.of(),
        null);
  }
}
