package dev.lattice.policy;

import java.util.Objects;

/**
 * One Rego source module. {@code path} is the name used in error locations ({@code path:line:col}),
 * typically the file name inside a bundle.
 */
public record RegoModule(String path, String source) {
  public RegoModule {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(source, "source");
  }
}
