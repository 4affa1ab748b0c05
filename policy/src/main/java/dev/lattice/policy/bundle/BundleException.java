package dev.lattice.policy.bundle;

/**
 * A bundle could not be read: a bad archive, manifest or data file, a Rego file outside the
 * bundle's roots, or overlapping roots. The message starts with the bundle source and the file at
 * fault ({@code policies.tar.gz:networks/data.json: ...}).
 */
public class BundleException extends RuntimeException {

  private final String file;

  public BundleException(String source, String file, String problem, Throwable cause) {
    super(prefix(source, file) + problem, cause);
    this.file = file == null ? "" : file;
  }

  public BundleException(String source, String file, String problem) {
    this(source, file, problem, null);
  }

  private static String prefix(String source, String file) {
    StringBuilder sb = new StringBuilder();
    if (source != null && !source.isEmpty()) sb.append(source).append(':');
    if (file != null && !file.isEmpty()) sb.append(file).append(':');
    if (!sb.isEmpty()) sb.append(' ');
    return sb.toString();
  }

  /** The path inside the bundle of the file at fault, or empty when the bundle as a whole is. */
  public String file() {
    return file;
  }
}
