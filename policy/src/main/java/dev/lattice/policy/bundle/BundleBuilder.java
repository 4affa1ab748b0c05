package dev.lattice.policy.bundle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Builds a {@code .tar.gz} bundle from a bundle (or plain policy) directory: the manifest (with its
 * revision set), every Rego and data file, and optionally a {@code .signatures.json}. The archive
 * is deterministic: same files and revision give the same bytes.
 */
public final class BundleBuilder {

  private BundleBuilder() {}

  /**
   * Builds the archive bytes.
   *
   * @param bundle a loaded bundle (validated by the loader)
   * @param revision the revision to write; null or empty keeps the manifest's, and when that is
   *     empty too uses {@code sha256-<12 hex>} of the files
   * @param signingKey null for an unsigned bundle
   */
  public static byte[] build(Bundle bundle, String revision, SigningKey signingKey) {
    String rev = revision;
    if (rev == null || rev.isEmpty()) rev = bundle.revision();
    if (rev == null || rev.isEmpty()) rev = contentRevision(bundle.files());
    BundleManifest manifest = bundle.manifest().withRevision(rev);
    Map<String, byte[]> files = new TreeMap<>(bundle.files());
    files.put(BundleLoader.MANIFEST, BundleLoader.JSON.writeValueAsBytes(manifest.toMap()));
    if (signingKey != null)
      files.put(BundleLoader.SIGNATURES, BundleSignatures.sign(files, signingKey));
    return tarGz(files);
  }

  /**
   * Loads {@code dir}, builds the archive and writes it to {@code out}; returns the built bundle.
   */
  public static Bundle build(Path dir, Path out, String revision, SigningKey signingKey) {
    Bundle bundle = BundleLoader.load(dir);
    byte[] archive = build(bundle, revision, signingKey);
    try {
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null) Files.createDirectories(parent);
      Files.write(out, archive);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write bundle to " + out + ": " + e.getMessage(), e);
    }
    return BundleLoader.fromTarGz(out.toString(), archive);
  }

  static String contentRevision(Map<String, byte[]> files) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (var e : new TreeMap<>(files).entrySet()) {
        if (e.getKey().equals(BundleLoader.MANIFEST)) continue;
        md.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(e.getValue());
        md.update((byte) 0);
      }
      return "sha256-" + HexFormat.of().formatHex(md.digest()).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A deterministic gzip'd tar of the files (sorted, fixed timestamps and modes). */
  public static byte[] tarGz(Map<String, byte[]> files) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(bytes);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (var e : new TreeMap<>(files).entrySet()) {
        TarArchiveEntry entry = new TarArchiveEntry("/" + e.getKey());
        entry.setSize(e.getValue().length);
        entry.setMode(0644);
        entry.setModTime(0);
        tar.putArchiveEntry(entry);
        tar.write(e.getValue());
        tar.closeArchiveEntry();
      }
      tar.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
