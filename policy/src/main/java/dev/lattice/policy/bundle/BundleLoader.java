package dev.lattice.policy.bundle;

import dev.lattice.policy.RegoModule;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads OPA bundles from a directory or a {@code .tar.gz}: the {@code .manifest}, every {@code
 * *.rego} file, and every {@code data.json} / {@code data.yaml} placed at its directory path (
 * {@code networks/ski-club/data.json} becomes {@code data.networks["ski-club"]}). Other files are
 * ignored. Stateless and thread-safe.
 *
 * <p>Errors are {@link BundleException}s naming the file at fault: invalid JSON/YAML, a manifest of
 * the wrong shape, a Rego package or data path outside the manifest's roots, two data files
 * defining the same value, an archive entry escaping the bundle.
 */
public final class BundleLoader {

  public static final String MANIFEST = ".manifest";
  public static final String SIGNATURES = ".signatures.json";

  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final YAMLMapper YAML = YAMLMapper.builder().build();
  private static final Pattern PACKAGE =
      Pattern.compile(
          "^\\s*package\\s+([A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)*)",
          Pattern.MULTILINE);
  private static final long MAX_FILE_BYTES = 64L * 1024 * 1024;

  private BundleLoader() {}

  /** Loads a bundle directory or a {@code .tar.gz} / {@code .tgz} file. */
  public static Bundle load(Path path) {
    String source = path.toString();
    if (Files.isDirectory(path)) return fromFiles(source, readDirectory(path));
    if (!Files.isRegularFile(path)) {
      throw new BundleException(source, "", "no such bundle directory or file");
    }
    try {
      return fromTarGz(source, Files.readAllBytes(path));
    } catch (IOException e) {
      throw new BundleException(source, "", "cannot read: " + e.getMessage(), e);
    }
  }

  /** Loads a bundle from {@code .tar.gz} bytes. */
  public static Bundle fromTarGz(String source, byte[] tarGz) {
    return fromFiles(source, readTarGz(source, tarGz));
  }

  /**
   * Loads a bundle from its files (relative path to bytes); the common path of the directory and
   * archive readers, also handy for bundles kept as resources.
   */
  public static Bundle fromFiles(String source, Map<String, byte[]> rawFiles) {
    Map<String, byte[]> files = new TreeMap<>();
    byte[] signatures = null;
    BundleManifest manifest = BundleManifest.empty();
    for (var e : rawFiles.entrySet()) {
      String name = normalize(source, e.getKey());
      if (name.equals(SIGNATURES)) {
        signatures = e.getValue();
      } else if (isBundleFile(name)) {
        files.put(name, e.getValue());
      }
    }
    if (files.containsKey(MANIFEST)) manifest = parseManifest(source, files.get(MANIFEST));

    List<RegoModule> modules = new ArrayList<>();
    Map<String, Object> data = new LinkedHashMap<>();
    for (var e : files.entrySet()) {
      String name = e.getKey();
      if (name.endsWith(".rego")) {
        String text = new String(e.getValue(), StandardCharsets.UTF_8);
        checkPackageInRoots(source, name, text, manifest);
        modules.add(new RegoModule(name, text));
      } else if (isDataFile(name)) {
        Object doc = parseData(source, name, e.getValue());
        placeData(source, name, doc, data, manifest);
      }
    }
    return new Bundle(source, manifest, modules, data, files, signatures);
  }

  static boolean isBundleFile(String name) {
    return name.equals(MANIFEST) || name.endsWith(".rego") || isDataFile(name);
  }

  private static boolean isDataFile(String name) {
    String base = name.substring(name.lastIndexOf('/') + 1);
    return base.equals("data.json") || base.equals("data.yaml") || base.equals("data.yml");
  }

  private static String normalize(String source, String raw) {
    String n = raw.replace('\\', '/');
    while (n.startsWith("./")) n = n.substring(2);
    while (n.startsWith("/")) n = n.substring(1);
    for (String seg : n.split("/")) {
      if (seg.equals("..")) throw new BundleException(source, raw, "path escapes the bundle");
    }
    return n;
  }

  static BundleManifest parseManifest(String source, byte[] bytes) {
    Object parsed;
    try {
      parsed = JSON.readValue(bytes, Object.class);
    } catch (JacksonException e) {
      throw new BundleException(source, MANIFEST, "invalid JSON: " + e.getOriginalMessage(), e);
    }
    if (!(parsed instanceof Map<?, ?> m)) {
      throw new BundleException(source, MANIFEST, "must be a JSON object");
    }
    Object revision = m.get("revision");
    if (revision != null && !(revision instanceof String)) {
      throw new BundleException(source, MANIFEST, "'revision' must be a string");
    }
    List<String> roots = null;
    Object rawRoots = m.get("roots");
    if (rawRoots != null) {
      if (!(rawRoots instanceof List<?> l) || !l.stream().allMatch(r -> r instanceof String)) {
        throw new BundleException(source, MANIFEST, "'roots' must be an array of strings");
      }
      roots = l.stream().map(String.class::cast).toList();
    }
    int regoVersion = 1;
    Object rv = m.get("rego_version");
    if (rv != null) {
      if (!(rv instanceof Number n)) {
        throw new BundleException(source, MANIFEST, "'rego_version' must be 0 or 1");
      }
      regoVersion = n.intValue();
      if (regoVersion != 1) {
        throw new BundleException(
            source,
            MANIFEST,
            "rego_version "
                + regoVersion
                + " is not supported; this engine speaks Rego v1 (rego_version 1)");
      }
    }
    Object metadata = m.get("metadata");
    if (metadata != null && !(metadata instanceof Map)) {
      throw new BundleException(source, MANIFEST, "'metadata' must be a JSON object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> md = (Map<String, Object>) metadata;
    return new BundleManifest((String) revision, roots, regoVersion, md);
  }

  private static Object parseData(String source, String name, byte[] bytes) {
    try {
      if (name.endsWith(".json")) return JSON.readValue(bytes, Object.class);
      if (bytes.length == 0) return Map.of();
      return YAML.readValue(bytes, Object.class);
    } catch (JacksonException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw new BundleException(
          source,
          name,
          "invalid "
              + (name.endsWith(".json") ? "JSON" : "YAML")
              + where
              + ": "
              + e.getOriginalMessage(),
          e);
    }
  }

  private static void checkPackageInRoots(
      String source, String name, String text, BundleManifest manifest) {
    Matcher m = PACKAGE.matcher(text);
    if (!m.find()) return; // the compiler reports the missing package with its position
    String pkgPath = m.group(1).replace('.', '/');
    if (!manifest.owns(pkgPath)) {
      throw new BundleException(
          source,
          name,
          "package " + m.group(1) + " lies outside the bundle roots " + manifest.roots());
    }
  }

  @SuppressWarnings("unchecked")
  private static void placeData(
      String source, String name, Object doc, Map<String, Object> data, BundleManifest manifest) {
    int slash = name.lastIndexOf('/');
    String dir = slash < 0 ? "" : name.substring(0, slash);
    List<String> segments = dir.isEmpty() ? List.of() : List.of(dir.split("/"));
    if (segments.isEmpty() && !(doc instanceof Map)) {
      throw new BundleException(
          source, name, "a data file at the bundle root must hold a JSON object");
    }
    if (doc instanceof Map<?, ?> obj) {
      for (Object key : obj.keySet()) {
        String p = dir.isEmpty() ? key.toString() : dir + "/" + key;
        if (!manifest.owns(p)) {
          throw new BundleException(
              source,
              name,
              "data path " + p + " lies outside the bundle roots " + manifest.roots());
        }
      }
    } else if (!manifest.owns(dir)) {
      throw new BundleException(
          source, name, "data path " + dir + " lies outside the bundle roots " + manifest.roots());
    }
    Map<String, Object> node = data;
    for (String seg : segments) {
      Object child = node.get(seg);
      if (child == null) {
        child = new LinkedHashMap<String, Object>();
        node.put(seg, child);
      } else if (!(child instanceof Map)) {
        throw new BundleException(
            source, name, "data path " + dir + " conflicts with a value set by another data file");
      }
      node = (Map<String, Object>) child;
    }
    if (segments.isEmpty() || doc instanceof Map) {
      merge(source, name, dir, node, (Map<String, Object>) doc);
    } else {
      // a non-object document replaces the (empty) object created for its directory
      Map<String, Object> parent = data;
      for (int i = 0; i < segments.size() - 1; i++)
        parent = (Map<String, Object>) parent.get(segments.get(i));
      String last = segments.get(segments.size() - 1);
      if (!((Map<String, Object>) parent.get(last)).isEmpty()) {
        throw new BundleException(
            source, name, "data path " + dir + " conflicts with a value set by another data file");
      }
      parent.put(last, doc);
    }
  }

  @SuppressWarnings("unchecked")
  private static void merge(
      String source, String name, String at, Map<String, Object> into, Map<String, Object> doc) {
    for (var e : doc.entrySet()) {
      String key = e.getKey();
      String p = at.isEmpty() ? key : at + "/" + key;
      Object existing = into.get(key);
      if (existing == null && !into.containsKey(key)) {
        into.put(key, e.getValue());
      } else if (existing instanceof Map && e.getValue() instanceof Map) {
        Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) existing);
        merge(source, name, p, copy, (Map<String, Object>) e.getValue());
        into.put(key, copy);
      } else {
        throw new BundleException(
            source, name, "data path " + p + " is already defined by another data file");
      }
    }
  }

  private static Map<String, byte[]> readDirectory(Path dir) {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (!Files.isRegularFile(p)) continue;
        String rel = dir.relativize(p).toString().replace('\\', '/');
        if (isHiddenDirectoryEntry(rel)) continue;
        String base = rel.substring(rel.lastIndexOf('/') + 1);
        if (isBundleFile(rel) || base.equals(SIGNATURES)) files.put(rel, Files.readAllBytes(p));
      }
    } catch (IOException e) {
      throw new BundleException(dir.toString(), "", "cannot read: " + e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw new BundleException(dir.toString(), "", "cannot read: " + e.getCause().getMessage(), e);
    }
    return files;
  }

  /** Files inside hidden directories ({@code .git/...}) are not part of a bundle. */
  private static boolean isHiddenDirectoryEntry(String rel) {
    String[] segs = rel.split("/");
    for (int i = 0; i < segs.length - 1; i++) if (segs[i].startsWith(".")) return true;
    return false;
  }

  private static Map<String, byte[]> readTarGz(String source, byte[] tarGz) {
    Map<String, byte[]> files = new TreeMap<>();
    try (InputStream gz = new GzipCompressorInputStream(new ByteArrayInputStream(tarGz));
        TarArchiveInputStream tar = new TarArchiveInputStream(gz)) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        if (!entry.isFile()) continue;
        if (entry.getSize() > MAX_FILE_BYTES) {
          throw new BundleException(
              source, entry.getName(), "file larger than " + MAX_FILE_BYTES + " bytes");
        }
        files.put(entry.getName(), tar.readAllBytes());
      }
    } catch (IOException e) {
      throw new BundleException(source, "", "not a readable .tar.gz bundle: " + e.getMessage(), e);
    }
    return files;
  }
}
