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
