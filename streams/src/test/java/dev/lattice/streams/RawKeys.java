package dev.lattice.streams;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AesGcmKey;
import java.security.GeneralSecurityException;

/** The raw AES key bytes inside a member key, to check that no store or topic holds them. */
public final class RawKeys {
  private RawKeys() {}

  public static byte[] aesKeyBytes(MemberKey key) {
    try {
      MemberKeys.ensureRegistered();
      KeysetHandle handle =
          TinkProtoKeysetFormat.parseKeyset(key.toBytes(), InsecureSecretKeyAccess.get());
      return ((AesGcmKey) handle.getPrimary().getKey())
          .getKeyBytes()
          .toByteArray(InsecureSecretKeyAccess.get());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether {@code needle} occurs in {@code haystack}. */
  public static boolean contains(byte[] haystack, byte[] needle) {
    if (haystack == null) {
      return false;
    }
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
