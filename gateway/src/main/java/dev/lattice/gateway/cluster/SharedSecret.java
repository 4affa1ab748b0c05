package dev.lattice.gateway.cluster;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A secret every instance of a cluster must share, as the shared-secrets check sees it: its
 * setting, how to set it, and a fingerprint that reveals nothing about the value.
 *
 * @param setting the property ({@code lattice.security.api-key-pepper}, ...)
 * @param environmentVariable the environment variable that sets it
 * @param fingerprint the value's fingerprint, {@link #UNSET} when there is none
 * @param generatedIn the file this instance generated the value into because none was configured;
 *     {@code null} when it was configured (or is unset)
 */
public record SharedSecret(
    String setting, String environmentVariable, String fingerprint, Path generatedIn) {

  /** The fingerprint of a secret that is not set (allowed only for the cluster secret). */
  public static final String UNSET = "unset";

  public SharedSecret {
    Objects.requireNonNull(setting, "setting");
    Objects.requireNonNull(environmentVariable, "environmentVariable");
    Objects.requireNonNull(fingerprint, "fingerprint");
  }

  /**
   * The secret {@code value} (null or empty: unset) under {@code setting}.
   *
   * @param generatedIn where this instance generated the value, or null when it was configured
   */
  public static SharedSecret of(
      String setting, String environmentVariable, byte[] value, Path generatedIn) {
    return new SharedSecret(setting, environmentVariable, fingerprint(setting, value), generatedIn);
  }

  /**
   * The first 16 bytes of HMAC-SHA256 of a label naming the setting, under the value, in hex: equal
   * values give equal fingerprints, and a fingerprint does not help guessing a value of 32 random
   * characters (the length every shared secret must have).
   */
  static String fingerprint(String setting, byte[] value) {
    if (value == null || value.length == 0) {
      return UNSET;
    }
    return HexFormat.of()
        .formatHex(hmacSha256(value, "lattice.shared-secret.fingerprint.v1|" + setting), 0, 16);
  }

  /** HMAC-SHA256 of {@code label} (UTF-8) under {@code key}. */
  static byte[] hmacSha256(byte[] key, String label) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available: " + e.getMessage(), e);
    }
  }
}
