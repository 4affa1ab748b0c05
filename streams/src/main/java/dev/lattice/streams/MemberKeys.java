package dev.lattice.streams;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.security.GeneralSecurityException;

/**
 * Creates member keys. The gateway calls {@link #generate()} the first time it seals data of a
 * member and publishes the key to {@code lattice.member.keys} (key = member id); it erases a member
 * by publishing a tombstone for that member id. Thread-safe.
 */
public final class MemberKeys {
  private static volatile boolean registered;

  private MemberKeys() {}

  /** A fresh AES-256-GCM key for one member. */
  public static MemberKey generate() {
    try {
      ensureRegistered();
      return MemberKey.of(KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "cannot generate an AES-256-GCM member key: " + e.getMessage(), e);
    }
  }

  /**
   * The id of a member key: {@code mk-} + base64url(SHA-256 of a label and the keyset)[0..22].
   * Derived from the key, so whoever publishes the key again (the topology keeping a member's first
   * key) publishes the same id. Reveals nothing usable about the key (a 256-bit random secret).
   */
  public static String keyId(MemberKey key) {
    try {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      sha.update("lattice.member-key-id.v1:".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      byte[] digest = sha.digest(key.toBytes());
      return "mk-"
          + java.util.Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(digest)
              .substring(0, 22);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable in this JVM", e);
    }
  }

  static void ensureRegistered() {
    if (!registered) {
      synchronized (MemberKeys.class) {
        if (!registered) {
          try {
            AeadConfig.register();
          } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot register Tink AEAD: " + e.getMessage(), e);
          }
          registered = true;
        }
      }
    }
  }
}
