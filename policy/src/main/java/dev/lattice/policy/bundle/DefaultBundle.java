package dev.lattice.policy.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The default Lattice bundle shipped in the policy jar ({@code lattice/bundle/}, package {@code
 * lattice}, rule {@code data.lattice.decision}). Its files are listed in {@code
 * lattice/bundle.index} so they can be read from any class path (directories, jars, nested jars).
 */
public final class DefaultBundle {

  /** Class-path directory of the bundle. */
  public static final String RESOURCE_DIR = "lattice/bundle/";

  /** Class-path file listing the bundle's files, one relative path per line. */
  public static final String INDEX = "lattice/bundle.index";

  private DefaultBundle() {}

  /** Loads the default bundle. */
  public static Bundle load() {
    return BundleLoader.fromFiles("classpath:" + RESOURCE_DIR, files());
  }

  /** The bundle's files by relative path. */
  public static Map<String, byte[]> files() {
    ClassLoader cl = DefaultBundle.class.getClassLoader();
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (String name : read(cl, INDEX).split("\n")) {
      String n = name.trim();
      if (n.isEmpty() || n.startsWith("#")) continue;
      files.put(n, readBytes(cl, RESOURCE_DIR + n));
    }
    return files;
  }

  private static String read(ClassLoader cl, String resource) {
    return new String(readBytes(cl, resource), StandardCharsets.UTF_8);
  }

  private static byte[] readBytes(ClassLoader cl, String resource) {
    try (InputStream in = cl.getResourceAsStream(resource)) {
      if (in == null)
        throw new IllegalStateException(
            "missing class-path resource " + resource + " (policy jar incomplete?)");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read class-path resource " + resource, e);
    }
  }
}
