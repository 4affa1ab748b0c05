package dev.lattice.streams;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Objects;

/**
 * Seals and unseals a member's personal data with the member's {@link MemberKey} (Tink AEAD,
 * AES-256-GCM). The member id is bound as associated data, so a ciphertext moved onto another
 * member's event does not open. Stateless and thread-safe.
 */
public final class PayloadCipher {
  private static final String CONTEXT = "lattice.personal.v1:";

  private PayloadCipher() {}

  /** Encrypts {@code plaintext} (the serialized personal record) for {@code memberId}. */
  public static byte[] seal(MemberKey key, String memberId, byte[] plaintext) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(plaintext, "plaintext");
    try {
      return key.aead().encrypt(plaintext, associatedData(memberId));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot seal personal data: " + e.getMessage(), e);
    }
  }

  /**
   * Decrypts what {@link #seal} produced.
   *
   * @throws PayloadUnsealException when the ciphertext was not sealed with this key for this member
   *     or was altered
   */
  public static byte[] unseal(MemberKey key, String memberId, byte[] ciphertext) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(ciphertext, "ciphertext");
    try {
      return key.aead().decrypt(ciphertext, associatedData(memberId));
    } catch (GeneralSecurityException e) {
      throw new PayloadUnsealException(
          "sealed personal data does not open with the member's key (wrong member, wrong key or altered"
              + " bytes)",
          e);
    }
  }

  private static byte[] associatedData(String memberId) {
    Objects.requireNonNull(memberId, "memberId");
    return (CONTEXT + memberId).getBytes(StandardCharsets.UTF_8);
  }
}
