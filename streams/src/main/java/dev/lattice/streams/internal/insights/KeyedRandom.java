package dev.lattice.streams.internal.insights;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.random.RandomGenerator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A deterministic stream of random bits from a keyed PRF: block {@code i} is {@code
 * HMAC-SHA256(key, label ‖ 0x00 ‖ i)}. The same key and label always give the same stream, so the
 * noise of an insight derived from its id is the same on every attempt (a retried transaction or a
 * re-evaluated window publishes the same value); without the key the stream is unpredictable.
 *
 * <p>Not thread-safe: one instance per draw.
 */
public final class KeyedRandom implements RandomGenerator {
  private static final String HMAC = "HmacSHA256";
  private final Mac mac;
  private final byte[] label;
  private long block;
  private ByteBuffer buffer = ByteBuffer.allocate(0);

  public KeyedRandom(byte[] key, String label) {
    if (key == null || key.length < 32) {
      throw new IllegalArgumentException("insight noise key must be at least 32 bytes");
    }
    try {
      mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(key, HMAC));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
    this.label = label.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A key for insight noise derived from an installation secret, separated from the secret's other
   * uses by a fixed label.
   */
  public static byte[] deriveKey(byte[] installationSecret, String purpose) {
    try {
      Mac m = Mac.getInstance(HMAC);
      m.init(new SecretKeySpec(installationSecret, HMAC));
      return m.doFinal(("lattice/" + purpose).getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  @Override
  public long nextLong() {
    if (buffer.remaining() < Long.BYTES) {
      mac.update(label);
      mac.update((byte) 0);
      mac.update(ByteBuffer.allocate(Long.BYTES).putLong(block++).array());
      buffer = ByteBuffer.wrap(mac.doFinal());
    }
    return buffer.getLong();
  }
}
