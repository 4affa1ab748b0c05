package dev.lattice.streams;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * One member's data key: a Tink AEAD keyset (AES-256-GCM) in Tink's binary keyset format, the form
 * in which it travels in the compacted {@code lattice.member.keys} topic.
 *
 * <p>Immutable and thread-safe. Erasing a member is deleting this key (a tombstone on the keys
 * topic): everything sealed with it becomes unreadable everywhere (crypto-shredding).
 */
public final class MemberKey {
  private final byte[] keyset;
  private final Aead aead;

  private MemberKey(byte[] keyset, Aead aead) {
    this.keyset = keyset;
    this.aead = aead;
  }

  /**
   * Reads a key from its serialized keyset.
   *
   * @throws InvalidMemberKeyException when the bytes are not a Tink AEAD keyset
   */
  public static MemberKey fromBytes(byte[] keyset) {
    if (keyset == null || keyset.length == 0) {
      throw new InvalidMemberKeyException(
          "member key is empty; expected a Tink binary AEAD keyset");
    }
    try {
      MemberKeys.ensureRegistered();
      KeysetHandle handle =
          TinkProtoKeysetFormat.parseKeyset(keyset, InsecureSecretKeyAccess.get());
      return new MemberKey(
          keyset.clone(), handle.getPrimitive(RegistryConfiguration.get(), Aead.class));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new InvalidMemberKeyException(
          "member key is not a readable Tink AEAD keyset: " + e.getMessage(), e);
    }
  }

  static MemberKey of(KeysetHandle handle) throws GeneralSecurityException {
    byte[] bytes = TinkProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get());
    return new MemberKey(bytes, handle.getPrimitive(RegistryConfiguration.get(), Aead.class));
  }

  /** The serialized keyset (a copy), as written to the keys topic. */
  public byte[] toBytes() {
    return keyset.clone();
  }

  Aead aead() {
    return aead;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MemberKey other && Arrays.equals(keyset, other.keyset);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(keyset);
  }

  @Override
  public String toString() {
    return "MemberKey[redacted]";
  }
}
