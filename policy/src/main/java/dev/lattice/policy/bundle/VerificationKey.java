package dev.lattice.policy.bundle;

import java.util.Objects;
import java.util.Set;

/**
 * A key that bundle signatures are verified with, as in OPA's {@code keys} configuration. When a
 * key is configured, an unsigned bundle, a bundle signed with another key, or a bundle whose files
 * do not match the signed hashes is refused.
 *
 * @param keyId the {@code kid} the signature's JWT header names (OPA: {@code keyid}); a signature
 *     without {@code kid} is checked against the only configured key
 * @param algorithm {@code RS256}, {@code ES256} or {@code HS256} (also RS384/RS512, ES384/ES512,
 *     HS384/HS512, PS256/PS384/PS512)
 * @param key a PEM public key (RSA / EC) or the shared secret (HMAC), as text
 * @param scope the expected {@code scope} claim, or empty to accept any
 */
public record VerificationKey(String keyId, String algorithm, String key, String scope) {

  private static final Set<String> ALGORITHMS =
      Set.of(
          "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "HS256",
          "HS384", "HS512");

  public VerificationKey {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(key, "key");
    if (algorithm == null || !ALGORITHMS.contains(algorithm)) {
      throw new IllegalArgumentException(
          "unsupported bundle signing algorithm '" + algorithm + "'; accepted: " + ALGORITHMS);
    }
    scope = scope == null ? "" : scope;
  }

  public VerificationKey(String keyId, String algorithm, String key) {
    this(keyId, algorithm, key, "");
  }

  public boolean isHmac() {
    return algorithm.startsWith("HS");
  }
}
