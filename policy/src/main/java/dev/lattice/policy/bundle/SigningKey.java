package dev.lattice.policy.bundle;

import java.util.Objects;

/**
 * A key that bundles are signed with ({@code lattice policy build --signing-key}).
 *
 * @param keyId written as the JWT {@code kid} header and the {@code keyid} claim
 * @param algorithm {@code RS256}, {@code ES256}, {@code HS256} (and the other sizes)
 * @param key a PKCS#8 PEM private key ({@code -----BEGIN PRIVATE KEY-----}) for RSA/EC, or the
 *     shared secret (at least 32 bytes for HS256) for HMAC
 * @param scope optional {@code scope} claim, or empty
 */
public record SigningKey(String keyId, String algorithm, String key, String scope) {
  public SigningKey {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(key, "key");
    new VerificationKey(keyId, algorithm, "-", scope); // validates the algorithm name
    scope = scope == null ? "" : scope;
  }

  public SigningKey(String keyId, String algorithm, String key) {
    this(keyId, algorithm, key, "");
  }
}
