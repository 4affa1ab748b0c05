package dev.lattice.gateway.e2e;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.AesGcmKey;
import dev.lattice.streams.MemberKey;
import java.security.GeneralSecurityException;

/** The raw AES bytes of a member key, to look for them on every topic. */
final class RawKeyBytes {
  private RawKeyBytes() {}

  static byte[] of(MemberKey key) {
    try {
      AeadConfig.register();
      return ((AesGcmKey)
              TinkProtoKeysetFormat.parseKeyset(key.toBytes(), InsecureSecretKeyAccess.get())
                  .getPrimary()
                  .getKey())
          .getKeyBytes()
          .toByteArray(InsecureSecretKeyAccess.get());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
