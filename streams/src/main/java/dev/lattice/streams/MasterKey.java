package dev.lattice.streams;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.util.SecretBytes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;

/**
 * The installation's master key: it wraps (envelope-encrypts) every member data key, so that {@code
 * lattice.member.keys}, its changelog and the topology's RocksDB store only ever hold wrapped keys.
 * Reading a member's data then needs both the wrapped key and the master key, which never goes
 * through Kafka.
 *
 * <p>Format: 32 random bytes (AES-256-GCM, Tink), written as standard base64 (44 characters), for
 * example {@code LATTICE_MASTER_KEY=$(openssl rand -base64 32)}; the same text is the content of
 * the key file ({@code <data-dir>/master.key}, created once, owner-only {@code 0600}). A member key
 * is wrapped as a Tink encrypted keyset with the member id as associated data, so a wrapped key
 * moved to another member does not open.
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows the key.
 */
public final class MasterKey {
  /** The environment variable holding the master key (base64 of 32 bytes). */
  public static final String ENVIRONMENT_VARIABLE = "LATTICE_MASTER_KEY";

  /** The key file's name in the data directory, used when the variable is not set. */
  public static final String FILE_NAME = "master.key";

  private static final int KEY_BYTES = 32;
  private static final String CONTEXT = "lattice.member-key.v1:";
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private final Aead aead;
  private final boolean created;
  private final String fingerprint;

  private MasterKey(byte[] raw, boolean created) {
    this.aead = aead(raw);
    this.created = created;
    this.fingerprint = fingerprintOf(raw);
  }

  /**
   * A fingerprint of this key that reveals nothing about it (the first 16 bytes of HMAC-SHA256 of a
   * fixed label under the key, hex): instances of a cluster compare theirs to find out that they
   * were given different master keys before any member key is wrapped.
   */
  public String fingerprint() {
    return fingerprint;
  }

  private static String fingerprintOf(byte[] raw) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(raw, "HmacSHA256"));
      byte[] digest =
          mac.doFinal("lattice.master-key.fingerprint.v1".getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest, 0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available: " + e.getMessage(), e);
    }
  }

  /**
   * The master key from its base64 text (what {@value #ENVIRONMENT_VARIABLE} and the key file
   * hold).
   *
   * @param where names the source in error messages (the variable or the file)
   * @throws InvalidMasterKeyException when the text is not base64 of exactly 32 bytes
   */
  public static MasterKey fromBase64(String text, String where) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(text == null ? "" : text.trim());
    } catch (IllegalArgumentException e) {
      throw new InvalidMasterKeyException(
          where + " is not base64; expected 32 random bytes in base64 (openssl rand -base64 32)",
          e);
    }
    if (raw.length != KEY_BYTES) {
      throw new InvalidMasterKeyException(
          where
              + " holds "
              + raw.length
              + " bytes; expected 32 random bytes in base64 (openssl rand -base64 32)");
    }
    try {
      return new MasterKey(raw, false);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  /** A fresh random master key (tests, or a first start). */
  public static MasterKey generate() {
    byte[] raw = new byte[KEY_BYTES];
    new SecureRandom().nextBytes(raw);
    return new MasterKey(raw, true);
  }

  /**
   * The master key: {@code environmentValue} when it is set (not blank), else the key file in
   * {@code dataDir}, created once with a fresh key, readable and writable by its owner only ({@code
   * 0600}) where the file system has POSIX permissions.
   *
   * <p>Whether a key was just created is {@link #created()}: a caller that finds wrapped member
   * keys already published must then refuse to start (they were wrapped under a key that is gone)
   * instead of going on with the new one.
   */
  public static MasterKey resolve(String environmentValue, Path dataDir) {
    if (environmentValue != null && !environmentValue.isBlank()) {
      return fromBase64(environmentValue, ENVIRONMENT_VARIABLE);
    }
    return loadOrCreate(dataDir.resolve(FILE_NAME));
  }

  /** The key in {@code file}, or a fresh one written there (owner-only) when it does not exist. */
  public static MasterKey loadOrCreate(Path file) {
    try {
      if (Files.exists(file)) {
        return fromBase64(
            Files.readString(file, StandardCharsets.US_ASCII), "master key file " + file);
      }
      byte[] raw = new byte[KEY_BYTES];
      new SecureRandom().nextBytes(raw);
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      boolean posix = parent.getFileSystem().supportedFileAttributeViews().contains("posix");
      try {
        if (posix) {
          Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } else {
          Files.createFile(file);
        }
      } catch (FileAlreadyExistsException e) {
        return loadOrCreate(file); // another process created it first: use theirs
      }
      Files.writeString(
          file,
          Base64.getEncoder().encodeToString(raw) + "\n",
          StandardCharsets.US_ASCII,
          StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING);
      if (posix) {
        Files.setPosixFilePermissions(file, OWNER_ONLY);
      }
      try {
        return new MasterKey(raw, true);
      } finally {
        Arrays.fill(raw, (byte) 0);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the master key file " + file, e);
    }
  }

  /** Whether this key was generated now (no key existed before). */
  public boolean created() {
    return created;
  }

  /** The member's data key wrapped under this master key, as published on the keys topic. */
  public byte[] wrap(MemberKey key, String memberId) {
    Objects.requireNonNull(key, "key");
    try {
      MemberKeys.ensureRegistered();
      KeysetHandle handle =
          TinkProtoKeysetFormat.parseKeyset(key.toBytes(), InsecureSecretKeyAccess.get());
      return TinkProtoKeysetFormat.serializeEncryptedKeyset(handle, aead, associatedData(memberId));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot wrap a member key: " + e.getMessage(), e);
    }
  }

  /**
   * Opens a wrapped member key.
   *
   * @throws MasterKeyMismatchException when it was not wrapped under this master key for this
   *     member (a wrong {@value #ENVIRONMENT_VARIABLE} or key file, or altered bytes)
   */
  public MemberKey unwrap(byte[] wrapped, String memberId) {
    Objects.requireNonNull(wrapped, "wrapped");
    try {
      MemberKeys.ensureRegistered();
      return MemberKey.of(
          TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, aead, associatedData(memberId)));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new MasterKeyMismatchException(
          "a member key on lattice.member.keys does not open with this master key: "
              + ENVIRONMENT_VARIABLE
              + " (or <data-dir>/"
              + FILE_NAME
              + ") is not the key it was wrapped under, or the record was altered");
    }
  }

  private static byte[] associatedData(String memberId) {
    Objects.requireNonNull(memberId, "memberId");
    return (CONTEXT + memberId).getBytes(StandardCharsets.UTF_8);
  }

  private static Aead aead(byte[] raw) {
    try {
      MemberKeys.ensureRegistered();
      AesGcmParameters parameters =
          AesGcmParameters.builder()
              .setKeySizeBytes(KEY_BYTES)
              .setIvSizeBytes(12)
              .setTagSizeBytes(16)
              .setVariant(AesGcmParameters.Variant.NO_PREFIX)
              .build();
      AesGcmKey key =
          AesGcmKey.builder()
              .setParameters(parameters)
              .setKeyBytes(SecretBytes.copyFrom(raw, InsecureSecretKeyAccess.get()))
              .build();
      KeysetHandle handle =
          KeysetHandle.newBuilder()
              .addEntry(KeysetHandle.importKey(key).withFixedId(1).makePrimary())
              .build();
      return handle.getPrimitive(RegistryConfiguration.get(), Aead.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the master key: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "MasterKey[redacted]";
  }
}
