package dev.lattice.gateway.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * Files holding secrets (API key hashes, the key pepper, the pseudonym secret, the demo's admin
 * key): created readable and writable by their owner only ({@code 0600}) on file systems with POSIX
 * permissions, written atomically (a sibling temp file created {@code 0600}, then renamed). An
 * existing file with wider permissions is narrowed when it is rewritten or read as a secret.
 */
public final class OwnerOnlyFiles {

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private OwnerOnlyFiles() {}

  /** Writes {@code content} to {@code file} atomically, owner-only. */
  public static void write(Path file, byte[] content) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    if (posix(parent)) {
      Files.createFile(tmp, attribute());
    }
    Files.write(
        tmp,
        content,
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE);
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    narrow(file);
  }

  /** Writes {@code text} as UTF-8, see {@link #write(Path, byte[])}. */
  public static void writeString(Path file, String text) throws IOException {
    write(file, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The random secret kept base64-encoded in {@code file}, created with {@code bytes} random bytes
   * on first use.
   *
   * @throws IllegalStateException when the file exists but is not base64 (naming the file)
   */
  public static byte[] readOrCreateSecret(Path file, int bytes) {
    try {
      if (Files.exists(file)) {
        narrow(file);
        try {
          return Base64.getDecoder().decode(Files.readString(file).trim());
        } catch (IllegalArgumentException e) {
          throw new IllegalStateException(file + " is not base64; restore it from a backup", e);
        }
      }
      byte[] secret = new byte[bytes];
      new SecureRandom().nextBytes(secret);
      try {
        write(file, (Base64.getEncoder().encodeToString(secret) + "\n").getBytes());
      } catch (FileAlreadyExistsException e) {
        return readOrCreateSecret(file, bytes);
      }
      return secret;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read or create the secret " + file, e);
    }
  }

  /** Sets {@code 0600} on {@code file} where the file system has POSIX permissions. */
  public static void narrow(Path file) throws IOException {
    if (posix(file.toAbsolutePath().getParent())) {
      Files.setPosixFilePermissions(file, OWNER_ONLY);
    }
  }

  private static boolean posix(Path dir) {
    return dir != null
        && Files.exists(dir)
        && dir.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private static FileAttribute<Set<PosixFilePermission>> attribute() {
    return PosixFilePermissions.asFileAttribute(OWNER_ONLY);
  }
}
