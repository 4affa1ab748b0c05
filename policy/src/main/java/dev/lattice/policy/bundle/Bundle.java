package dev.lattice.policy.bundle;

import dev.lattice.policy.RegoModule;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A loaded OPA bundle: manifest, Rego modules (tests included) and the data document assembled from
 * its {@code data.json}/{@code data.yaml} files. Immutable.
 *
 * @param source where it was loaded from (a path or a name), used in messages
 * @param manifest the {@code .manifest} (or {@link BundleManifest#empty()})
 * @param modules every {@code *.rego} file, path relative to the bundle root
 * @param data the data document (files placed at their directory path)
 * @param files the raw bytes of every file that signatures cover, by relative path
 * @param signatures the raw {@code .signatures.json}, or null when the bundle is unsigned
 */
public record Bundle(
    String source,
    BundleManifest manifest,
    List<RegoModule> modules,
    Map<String, Object> data,
    Map<String, byte[]> files,
    byte[] signatures) {

  public Bundle {
    modules = List.copyOf(modules);
    data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
    files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
  }

  public String revision() {
    return manifest.revision();
  }

  public boolean signed() {
    return signatures != null;
  }

  /** Modules whose file name ends in {@code _test.rego}. */
  public List<RegoModule> testModules() {
    return modules.stream().filter(m -> m.path().endsWith("_test.rego")).toList();
  }
}
