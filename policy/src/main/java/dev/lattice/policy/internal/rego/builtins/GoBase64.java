package dev.lattice.policy.internal.rego.builtins;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Go's {@code base64.StdEncoding} / {@code URLEncoding} {@code DecodeString}, which OPA's {@code
 * base64.*} built-ins use: padding is required, {@code \r} and {@code \n} are skipped anywhere,
 * nothing may follow the padding, and an error names the offending input byte ({@code illegal
 * base64 data at input byte N}). The JDK's decoder differs: it accepts missing padding and rejects
 * line breaks.
 */
final class GoBase64 {
  private GoBase64() {}

  private static final String STD =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  private static final String URL =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  /** Thrown with Go's message. */
  static final class Corrupt extends RuntimeException {
    Corrupt(long offset) {
      super("illegal base64 data at input byte " + offset, null, false, false);
    }
  }

  static byte[] decode(String s, boolean url) {
    byte[] src = s.getBytes(StandardCharsets.UTF_8);
    int[] map = new int[256];
    java.util.Arrays.fill(map, -1);
    String alphabet = url ? URL : STD;
    for (int i = 0; i < alphabet.length(); i++) map[alphabet.charAt(i)] = i;
    ByteArrayOutputStream out = new ByteArrayOutputStream(src.length * 3 / 4);
    int si = 0;
    while (si < src.length) si = quantum(src, si, map, out);
    return out.toByteArray();
  }

  private static boolean newline(byte b) {
    return b == '\n' || b == '\r';
  }

  /** Decodes one 4-character quantum from {@code si}; returns the next index. */
  private static int quantum(byte[] src, int si, int[] map, ByteArrayOutputStream out) {
    int[] buf = new int[4];
    int len = 4;
    Corrupt trailing = null;
    for (int j = 0; j < 4; j++) {
      if (si == src.length) {
        if (j == 0) return si;
        throw new Corrupt(si - j); // padding is required
      }
      int in = src[si] & 0xff;
      si++;
      if (map[in] >= 0) {
        buf[j] = map[in];
        continue;
      }
      if (newline((byte) in)) {
        j--;
        continue;
      }
      if (in != '=') throw new Corrupt(si - 1);
      // padding: the end of the data
      if (j < 2) throw new Corrupt(si - 1);
      if (j == 2) {
        while (si < src.length && newline(src[si])) si++;
        if (si == src.length) throw new Corrupt(src.length);
        if (src[si] != '=') throw new Corrupt(si - 1);
        si++;
      }
      while (si < src.length && newline(src[si])) si++;
      if (si < src.length) trailing = new Corrupt(si);
      len = j;
      break;
    }
    int val = buf[0] << 18 | buf[1] << 12 | buf[2] << 6 | buf[3];
    out.write((val >> 16) & 0xff);
    if (len >= 3) out.write((val >> 8) & 0xff);
    if (len == 4) out.write(val & 0xff);
    if (trailing != null) throw trailing;
    return si;
  }
}
