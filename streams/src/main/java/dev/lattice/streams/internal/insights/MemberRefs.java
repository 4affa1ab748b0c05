package dev.lattice.streams.internal.insights;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The insight stores never hold member ids: members are stored as a keyed hash (HMAC-SHA256, 128
 * bits), enough to count them distinctly and to find them again when their consent changes. Not
 * thread-safe (one per processor).
 */
final class MemberRefs {
  private final Mac mac;

  MemberRefs(byte[] key) {
    try {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  String of(String memberId) {
    byte[] h = mac.doFinal(memberId.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(h, 0, 16);
  }
}
