package dev.lattice.policy.internal.rego.builtins;

import static dev.lattice.policy.internal.rego.builtins.Args.*;
import static dev.lattice.policy.internal.rego.builtins.Builtins.add;

import dev.lattice.policy.internal.rego.value.Json;
import dev.lattice.policy.internal.rego.value.Value;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** JSON, base64, hex, URL query, crypto digests, units, net and uuid. */
final class Encoding {
  private Encoding() {}

  static void register() {
    add("json.marshal", 1, (a, c) -> Value.str(Json.write(a[0])));
    add("json.marshal_with_options", 2, (a, c) -> JsonMarshal.withOptions(a));
    add(
        "json.unmarshal",
        1,
        (a, c) -> {
          try {
            return Json.parse(str(a, 0));
          } catch (IllegalArgumentException e) {
            throw BuiltinException.error(e.getMessage());
          }
        });
    add(
        "json.is_valid",
        1,
        (a, c) -> {
          if (!(a[0] instanceof Value.Str s)) return Value.FALSE;
          try {
            Json.parse(s.value);
            return Value.TRUE;
          } catch (IllegalArgumentException e) {
            return Value.FALSE;
          }
        });
    add(
        "base64.encode",
        1,
        (a, c) -> Value.str(Base64.getEncoder().encodeToString(utf8(str(a, 0)))));
    add("base64.decode", 1, (a, c) -> Value.str(decodeUtf8(b64(str(a, 0), false))));
    add(
        "base64.is_valid",
        1,
        (a, c) -> {
          if (!(a[0] instanceof Value.Str s)) return Value.FALSE;
          try {
            GoBase64.decode(s.value, false);
            return Value.TRUE;
          } catch (GoBase64.Corrupt e) {
            return Value.FALSE;
          }
        });
    add(
        "base64url.encode",
        1,
        (a, c) -> Value.str(Base64.getUrlEncoder().encodeToString(utf8(str(a, 0)))));
    add(
        "base64url.encode_no_pad",
        1,
        (a, c) ->
            Value.str(Base64.getUrlEncoder().withoutPadding().encodeToString(utf8(str(a, 0)))));
    add(
        "base64url.decode",
        1,
        (a, c) -> {
          String s = str(a, 0);
          // OPA pads a base64url string without '=' (RFC 7515, appendix C)
          if (!s.endsWith("=")) {
            switch (s.getBytes(StandardCharsets.UTF_8).length % 4) {
              case 0 -> {}
              case 2 -> s += "==";
              case 3 -> s += "=";
              default -> throw BuiltinException.error("illegal base64url string: " + s);
            }
          }
          return Value.str(decodeUtf8(b64(s, true)));
        });
    add("hex.encode", 1, (a, c) -> Value.str(HexFormat.of().formatHex(utf8(str(a, 0)))));
    add(
        "hex.decode",
        1,
        (a, c) -> {
          return Value.str(decodeUtf8(hexDecode(utf8(str(a, 0)))));
        });
    add("urlquery.encode", 1, (a, c) -> Value.str(GoQuery.escape(str(a, 0))));
    add(
        "urlquery.decode",
        1,
        (a, c) -> {
          return Value.str(GoQuery.unescape(str(a, 0)));
        });
    add(
        "urlquery.encode_object",
        1,
        (a, c) -> {
          Value.Obj o = obj(a, 0);
          StringBuilder b = new StringBuilder();
          for (Map.Entry<Value, Value> e : o.map().entrySet()) {
            String k = e.getKey() instanceof Value.Str s ? s.value : Json.write(e.getKey());
            List<Value> vs =
                e.getValue() instanceof Value.Arr arr
                    ? arr.list()
                    : e.getValue() instanceof Value.SetV set
                        ? set.sortedList()
                        : List.of(e.getValue());
            for (Value v : vs) {
              if (!(v instanceof Value.Str s))
                throw BuiltinException.type(
                    "operand 1 values must be string, array[string], or set[string]");
              if (b.length() > 0) b.append('&');
              b.append(GoQuery.escape(k)).append('=').append(GoQuery.escape(s.value));
            }
          }
          return Value.str(b.toString());
        });
    add(
        "urlquery.decode_object",
        1,
        (a, c) -> {
          TreeMap<Value, List<Value>> m = new TreeMap<>();
          // Go's url.ParseQuery: '&' separates, a ';' is an error, the first error wins
          for (String part : str(a, 0).split("&", -1)) {
            if (part.contains(";"))
              throw BuiltinException.error("invalid semicolon separator in query");
            if (part.isEmpty()) continue;
            int i = part.indexOf('=');
            String k = GoQuery.unescape(i < 0 ? part : part.substring(0, i));
            String v = i < 0 ? "" : GoQuery.unescape(part.substring(i + 1));
            m.computeIfAbsent(Value.str(k), x -> new ArrayList<>()).add(Value.str(v));
          }
          TreeMap<Value, Value> out = new TreeMap<>();
          m.forEach((k, v) -> out.put(k, Value.Arr.of(v)));
          return new Value.Obj(out);
        });
    add("crypto.sha256", 1, (a, c) -> Value.str(digest("SHA-256", str(a, 0))));
    add("crypto.sha1", 1, (a, c) -> Value.str(digest("SHA-1", str(a, 0))));
    add("crypto.md5", 1, (a, c) -> Value.str(digest("MD5", str(a, 0))));
    add("crypto.hmac.sha256", 2, (a, c) -> Value.str(hmac("HmacSHA256", str(a, 0), str(a, 1))));
    add("crypto.hmac.sha1", 2, (a, c) -> Value.str(hmac("HmacSHA1", str(a, 0), str(a, 1))));
    add("crypto.hmac.md5", 2, (a, c) -> Value.str(hmac("HmacMD5", str(a, 0), str(a, 1))));
    add("crypto.hmac.sha512", 2, (a, c) -> Value.str(hmac("HmacSHA512", str(a, 0), str(a, 1))));
    add(
        "crypto.hmac.equal",
        2,
        (a, c) -> Value.bool(MessageDigest.isEqual(utf8(str(a, 0)), utf8(str(a, 1)))));
    add("units.parse", 1, (a, c) -> Value.Num.of(units(str(a, 0), false)));
    add(
        "units.parse_bytes",
        1,
        (a, c) -> Value.Num.of(units(str(a, 0), true).setScale(0, java.math.RoundingMode.DOWN)));
    add(
        "uuid.rfc4122",
        1,
        (a, c) -> {
          // random (version 4), the same for the same argument within one evaluation
          String key = "uuid.rfc4122\u0000" + str(a, 0);
          return c.memo().computeIfAbsent(key, k -> Value.str(UUID.randomUUID().toString()));
        });
    add(
        "uuid.parse",
        1,
        (a, c) -> {
          byte[] u = parseUuid(str(a, 0));
          return u == null
              ? null
              : dev.lattice.policy.internal.rego.value.Convert.fromJava(describeUuid(u));
        });
  }

  /** google/uuid's accepted forms: plain, {braced}, urn:uuid:..., or 32 hex digits. */
  static byte[] parseUuid(String s) {
    String hex;
    if (s.length() == 36) hex = dashed(s);
    else if (s.length() == 38 && s.startsWith("{") && s.endsWith("}"))
      hex = dashed(s.substring(1, 37));
    else if (s.length() == 45 && s.regionMatches(true, 0, "urn:uuid:", 0, 9))
      hex = dashed(s.substring(9));
    else if (s.length() == 32) hex = s;
    else return null;
    if (hex == null || !hex.matches("[0-9a-fA-F]{32}")) return null;
    return HexFormat.of().parseHex(hex);
  }

  private static String dashed(String s) {
    if (s.charAt(8) != '-' || s.charAt(13) != '-' || s.charAt(18) != '-' || s.charAt(23) != '-')
      return null;
    return s.replace("-", "");
  }

  private static java.util.Map<String, Object> describeUuid(byte[] u) {
    java.util.Map<String, Object> m = new java.util.TreeMap<>();
    int version = (u[6] & 0xff) >> 4;
    int v8 = u[8] & 0xff;
    String variant =
        (v8 & 0xc0) == 0x80
            ? "RFC4122"
            : (v8 & 0xe0) == 0xc0 ? "Microsoft" : (v8 & 0xe0) == 0xe0 ? "Future" : "Reserved";
    m.put("version", (long) version);
    m.put("variant", variant);
    if (version == 1 || version == 2) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(u);
      long time =
          (b.getInt(0) & 0xffffffffL)
              | ((long) (b.getShort(4) & 0xffff) << 32)
              | ((long) (b.getShort(6) & 0x0fff) << 48);
      long since1582 = time - 122192928000000000L;
      m.put("time", (since1582 / 10_000_000L) * 1_000_000_000L + (since1582 % 10_000_000L) * 100);
      m.put("clocksequence", (long) (b.getShort(8) & 0x3fff));
      int first = u[10] & 0xff;
      m.put(
          "macvariables",
          (first & 3) == 3
              ? "local:multicast"
              : (first & 1) == 1
                  ? "global:multicast"
                  : (first & 2) == 2 ? "local:unicast" : "global:unicast");
      StringBuilder node = new StringBuilder();
      for (int i = 10; i < 16; i++) {
        if (i > 10) node.append('-');
        node.append(String.format("%02x", u[i] & 0xff));
      }
      m.put("nodeid", node.toString());
      if (version == 2) {
        m.put("id", b.getInt(0) & 0xffffffffL);
        int d = u[9] & 0xff;
        m.put("domain", d == 0 ? "Person" : d == 1 ? "Group" : d == 2 ? "Org" : "Domain" + d);
      }
    }
    return m;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] b64(String s, boolean url) {
    try {
      return GoBase64.decode(s, url);
    } catch (GoBase64.Corrupt e) {
      throw BuiltinException.error(e.getMessage());
    }
  }

  private static String decodeUtf8(byte[] b) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE)
          .decode(java.nio.ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      throw BuiltinException.error("invalid UTF-8");
    }
  }

  private static String digest(String alg, String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(alg).digest(utf8(s)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hmac(String alg, String msg, String key) {
    try {
      Mac mac = Mac.getInstance(alg);
      mac.init(new SecretKeySpec(utf8(key).length == 0 ? new byte[1] : utf8(key), alg));
      if (utf8(key).length == 0) {
        mac = Mac.getInstance(alg);
        mac.init(new SecretKeySpec(new byte[] {0}, alg));
      }
      return HexFormat.of().formatHex(mac.doFinal(utf8(msg)));
    } catch (Exception e) {
      throw BuiltinException.error(e.getMessage());
    }
  }

  /** Go's {@code hex.DecodeString}, with its errors in its order (bad byte before odd length). */
  static byte[] hexDecode(byte[] src) {
    byte[] out = new byte[src.length / 2];
    int j = 1;
    for (; j < src.length; j += 2) {
      int hi = Character.digit(src[j - 1] & 0xff, 16), lo = Character.digit(src[j] & 0xff, 16);
      if (hi < 0) throw invalidHexByte(src[j - 1]);
      if (lo < 0) throw invalidHexByte(src[j]);
      out[j / 2] = (byte) ((hi << 4) | lo);
    }
    if (src.length % 2 == 1) {
      if (Character.digit(src[j - 1] & 0xff, 16) < 0) throw invalidHexByte(src[j - 1]);
      throw BuiltinException.error("encoding/hex: odd length hex string");
    }
    return out;
  }

  private static BuiltinException invalidHexByte(byte b) {
    int cp = b & 0xff;
    String u = String.format("U+%04X", cp);
    if (cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp < 0xa0)) u += " '" + (char) cp + "'";
    return BuiltinException.error("encoding/hex: invalid byte: " + u);
  }

  /** OPA's {@code units.parse} / {@code units.parse_bytes} (messages prefixed as OPA's are). */
  private static BigDecimal units(String raw, boolean bytes) {
    String name = ""; // the engine prefixes the built-in name
    String s = (bytes ? raw.toLowerCase(java.util.Locale.ROOT) : raw).replace("\"", "");
    if (s.contains(" "))
      throw BuiltinException.error(name + "spaces not allowed in resource strings");
    String[] numUnit = splitNumAndUnit(s);
    if (numUnit == null) throw BuiltinException.error(name + "exponent too large");
    String num = numUnit[0], unit = numUnit[1];
    if (num.isEmpty())
      throw BuiltinException.error(
          name + (bytes ? "no byte amount provided" : "no amount provided"));
    BigDecimal mult;
    if (bytes) {
      mult =
          switch (unit) {
            case "" -> BigDecimal.ONE;
            case "kb", "k" -> BigDecimal.TEN.pow(3);
            case "kib", "ki" -> BigDecimal.valueOf(2).pow(10);
            case "mb", "m" -> BigDecimal.TEN.pow(6);
            case "mib", "mi" -> BigDecimal.valueOf(2).pow(20);
            case "gb", "g" -> BigDecimal.TEN.pow(9);
            case "gib", "gi" -> BigDecimal.valueOf(2).pow(30);
            case "tb", "t" -> BigDecimal.TEN.pow(12);
            case "tib", "ti" -> BigDecimal.valueOf(2).pow(40);
            case "pb", "p" -> BigDecimal.TEN.pow(15);
            case "pib", "pi" -> BigDecimal.valueOf(2).pow(50);
            case "eb", "e" -> BigDecimal.TEN.pow(18);
            case "eib", "ei" -> BigDecimal.valueOf(2).pow(60);
            default -> throw BuiltinException.error(name + "byte unit " + unit + " not recognized");
          };
    } else {
      // only the letters after the first are lower-cased: 'm' (milli) differs from 'M' (mega)
      if (unit.length() > 1)
        unit = unit.charAt(0) + unit.substring(1).toLowerCase(java.util.Locale.ROOT);
      mult =
          switch (unit) {
            case "m" -> new BigDecimal("0.001");
            case "" -> BigDecimal.ONE;
            case "k", "K" -> BigDecimal.TEN.pow(3);
            case "ki", "Ki" -> BigDecimal.valueOf(2).pow(10);
            case "M" -> BigDecimal.TEN.pow(6);
            case "mi", "Mi" -> BigDecimal.valueOf(2).pow(20);
            case "g", "G" -> BigDecimal.TEN.pow(9);
            case "gi", "Gi" -> BigDecimal.valueOf(2).pow(30);
            case "t", "T" -> BigDecimal.TEN.pow(12);
            case "ti", "Ti" -> BigDecimal.valueOf(2).pow(40);
            case "p", "P" -> BigDecimal.TEN.pow(15);
            case "pi", "Pi" -> BigDecimal.valueOf(2).pow(50);
            case "e", "E" -> BigDecimal.TEN.pow(18);
            case "ei", "Ei" -> BigDecimal.valueOf(2).pow(60);
            default -> throw BuiltinException.error(name + "unit " + unit + " not recognized");
          };
    }
    BigDecimal n;
    try {
      n = new BigDecimal(num);
    } catch (NumberFormatException e) {
      throw BuiltinException.error(
          name
              + (bytes
                  ? "could not parse byte amount to a number"
                  : "could not parse amount to a number"));
    }
    BigDecimal r = n.multiply(mult);
    if (bytes) return r.setScale(0, java.math.RoundingMode.DOWN);
    if (r.signum() == 0 || r.stripTrailingZeros().scale() <= 0)
      return r.setScale(0, java.math.RoundingMode.UNNECESSARY);
    return r.setScale(10, java.math.RoundingMode.HALF_UP).stripTrailingZeros();
  }

  /**
   * Splits "10.5e3Mi" into number and unit as OPA does: the number runs while digits, '.', '+', '-'
   * or an exponent 'e' followed by a digit or sign. Null when an exponent has over 6 digits.
   */
  private static String[] splitNumAndUnit(String s) {
    int cut = -1;
    for (int i = 0; i < s.length(); i++) {
      char r = s.charAt(i);
      boolean num = Character.isDigit(r) || r == '.';
      if (!num && r != 'e' && r != 'E' && r != '+' && r != '-') {
        cut = i;
        break;
      }
      if (r == 'e' || r == 'E') {
        if (i == s.length() - 1
            || (!Character.isDigit(s.charAt(i + 1))
                && s.charAt(i + 1) != '+'
                && s.charAt(i + 1) != '-')) {
          cut = i;
          break;
        }
        if (s.charAt(i + 1) == '+' || s.charAt(i + 1) == '-') i++;
        int end = i + 1;
        while (end < s.length() && Character.isDigit(s.charAt(end))) end++;
        if (end - (i + 1) > 6) return null;
      }
    }
    if (cut == -1) return new String[] {s, ""};
    if (cut == 0) return new String[] {"", s};
    return new String[] {s.substring(0, cut), s.substring(cut)};
  }
}
