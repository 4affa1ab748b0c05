package dev.lattice.streams.internal.obligations;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HashMap;
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
  // Each thread's own initialised copies: doFinal leaves a Mac ready for the next value under the
  // same key, so a thread reuses its copy instead of cloning the prototype for every id.
  private final ThreadLocal<Map<String, Mac>> threadMacs = ThreadLocal.withInitial(HashMap::new);

  public Pseudonymiser(byte[] secret) {
    if (secret == null || secret.length < 32) {
      throw new IllegalArgumentException(
          "pseudonymisation secret must be at least 32 bytes (setting lattice.streams.pseudonym-secret)");
    }
    this.secret = secret.clone();
  }

  public String pseudonym(String destinationKind, String destinationId, String value) {
    String name = destinationKind + ":" + destinationId;
    byte[] digest = hmac(macOf(name, "lattice.pseudonym.v1:" + name), value);
    return "p-" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22);
  }

  /**
   * A keyed id: {@code prefix} + base64url(HMAC-SHA256(k_label, parts joined by NUL))[0..22]. Not
   * derivable from its parts without the secret, stable for the same parts (so a replay after a
   * crash writes the same id), and different labels never collide.
   */
  public String keyedId(String prefix, String label, String... parts) {
    byte[] digest =
        hmac(macOf("\u0000id:" + label, "lattice.id.v1:" + label), String.join("\u0000", parts));
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22);
  }

  /**
   * This thread's Mac under the key derived from {@code derivation} ({@code name} names it): a copy
   * of the shared prototype, made once per thread.
   */
  private Mac macOf(String name, String derivation) {
    Map<String, Mac> own = threadMacs.get();
    Mac mac = own.get(name);
    if (mac == null) {
      mac = copy(destinationMacs.computeIfAbsent(name, n -> mac(hmac(secret, derivation))));
      own.put(name, mac);
    }
    return mac;
  }

  private static byte[] hmac(byte[] key, String value) {
    return mac(key).doFinal(value.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] hmac(Mac mac, String value) {
    return mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
  }

  private static Mac copy(Mac prototype) {
    try {
      return (Mac) prototype.clone();
    } catch (CloneNotSupportedException e) {
      // The JDK's own HmacSHA256 (SunJCE) is cloneable; a JVM whose provider is not fails loudly.
      throw new IllegalStateException("HmacSHA256 of this JVM's provider cannot be cloned", e);
    }
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
