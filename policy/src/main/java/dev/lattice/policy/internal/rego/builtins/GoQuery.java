package dev.lattice.policy.internal.rego.builtins;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Go's {@code net/url.QueryEscape} and {@code QueryUnescape}, which OPA's {@code urlquery.*}
 * built-ins use. They differ from the JDK's {@code URLEncoder}/{@code URLDecoder}: Go escapes
 * {@code *} and keeps {@code ~}, and reports a bad escape as {@code invalid URL escape "%zz"}.
 */
final class GoQuery {
  private GoQuery() {}

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  static String escape(String s) {
    byte[] in = s.getBytes(StandardCharsets.UTF_8);
    StringBuilder b = new StringBuilder(in.length + 8);
    for (byte x : in) {
      int c = x & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        b.append((char) c);
      else if (c == '-' || c == '_' || c == '.' || c == '~') b.append((char) c);
      else if (c == ' ') b.append('+');
      else b.append('%').append(HEX[c >> 4]).append(HEX[c & 15]);
    }
    return b.toString();
  }

  static String unescape(String s) {
    byte[] in = s.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
    for (int i = 0; i < in.length; i++) {
      byte c = in[i];
      if (c == '%') {
        if (i + 2 >= in.length || !isHex(in[i + 1]) || !isHex(in[i + 2])) {
          String bad = new String(in, i, Math.min(3, in.length - i), StandardCharsets.UTF_8);
          throw BuiltinException.error("invalid URL escape \"" + bad + "\"");
        }
        out.write(Character.digit(in[i + 1], 16) << 4 | Character.digit(in[i + 2], 16));
        i += 2;
      } else if (c == '+') out.write(' ');
      else out.write(c);
    }
    return new String(out.toByteArray(), StandardCharsets.UTF_8);
  }

  private static boolean isHex(byte b) {
    return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
  }
}
