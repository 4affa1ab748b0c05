package dev.lattice.streams.internal.obligations;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed, per-destination pseudonyms: {@code p-} + base64url(HMAC-SHA256(k_dest, value))[0..22]
 * where {@code k_dest = HMAC-SHA256(secret, "lattice.pseudonym.v1:" + kind + ":" + id)}. The same
 * member gets the same pseudonym at one destination (so it can count and cap) and unlinkable
 * pseudonyms at two destinations. Thread-safe.
 */
public final class Pseudonymiser {
  private static final String ALGORITHM = "HmacSHA256";
  private final byte[] secret;
  // An initialised Mac per derived key: cloning one is far cheaper than Mac.getInstance + init on
  // every id (a provider lookup and the key schedule), which were several % of the enforcing
  // thread's time. Clones are used by one thread each, so this stays thread-safe.
  private final Map<String, Mac> destinationMacs = new ConcurrentHashMap<>();

  public Pseudonymiser(byte[] secret) {
    if (secret == null || secret.length < 32) {
      throw new IllegalArgumentException(
          "pseudonymisation secret must be at least 32 bytes (setting lattice.streams.pseudonym-secret)");
    }
    this.secret = secret.clone();
  }

  public String pseudonym(String destinationKind, String destinationId, String value) {
    Mac key =
        destinationMacs.computeIfAbsent(
            destinationKind + ":" + destinationId,
            d -> mac(hmac(secret, "lattice.pseudonym.v1:" + d)));
    byte[] digest = hmac(key, value);
    return "p-" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22);
  }

  /**
   * A keyed id: {@code prefix} + base64url(HMAC-SHA256(k_label, parts joined by NUL))[0..22]. Not
   * derivable from its parts without the secret, stable for the same parts (so a replay after a
   * crash writes the same id), and different labels never collide.
   */
  public String keyedId(String prefix, String label, String... parts) {
    Mac key =
        destinationMacs.computeIfAbsent(
            "\u0000id:" + label, d -> mac(hmac(secret, "lattice.id.v1:" + label)));
    byte[] digest = hmac(key, String.join("\u0000", parts));
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22);
  }

  private static byte[] hmac(byte[] key, String value) {
    return mac(key).doFinal(value.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] hmac(Mac prototype, String value) {
    Mac mac;
    try {
      mac = (Mac) prototype.clone();
    } catch (CloneNotSupportedException e) {
      // The JDK's own HmacSHA256 (SunJCE) is cloneable; a JVM whose provider is not fails loudly.
      throw new IllegalStateException("HmacSHA256 of this JVM's provider cannot be cloned", e);
    }
    return mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
  }

  private static Mac mac(byte[] key) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(key, ALGORITHM));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
    }
  }
}
