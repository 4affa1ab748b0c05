package dev.lattice.policy.internal.rego.builtins;

import static dev.lattice.policy.internal.rego.builtins.Args.*;
import static dev.lattice.policy.internal.rego.builtins.Builtins.add;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import dev.lattice.policy.internal.rego.value.Json;
import dev.lattice.policy.internal.rego.value.Value;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code io.jwt.*}: decoding, verification (HS, RS, PS, ES, EdDSA; keys as PEM certificates, PEM
 * public keys, JWKs or JWK sets, parsed with Nimbus JOSE+JWT), {@code decode_verify} with OPA's
 * constraints ({@code cert}/{@code secret}, {@code alg}, {@code iss}, {@code aud}, {@code time})
 * and signing from JWKs. The signature algorithms are the JDK's.
 */
final class Tokens {
  private Tokens() {}

  private static final Set<String> ALGS =
      Set.of(
          "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
          "ES384", "ES512", "EdDSA");

  /** A compact JWS split in its three parts, with the header decoded. */
  record Jws(String header, String payload, String signature, Value.Obj decodedHeader) {
    byte[] signingInput() {
      return (header + "." + payload).getBytes(StandardCharsets.US_ASCII);
    }
  }

  static void register() {
    add(
        "io.jwt.decode",
        1,
        (a, c) -> {
          Jws t = split(str(a, 0));
          if (t.decodedHeader().get("enc") != null)
            throw BuiltinException.error("JWT is a JWE object, which is not supported");
          for (String inner = nested(t); inner != null; inner = nested(t)) {
            c.step(1);
            t = split(inner);
          }
          Value payload = payloadOf(t);
          byte[] sig = b64url(t.signature(), "JWT signature had invalid encoding");
          return Value.Arr.of(
              List.of(t.decodedHeader(), payload, Value.str(HexFormat.of().formatHex(sig))));
        });
    for (String alg : ALGS) {
      String name = "io.jwt.verify_" + alg.toLowerCase(java.util.Locale.ROOT);
      add(name, 2, (a, c) -> Value.bool(verify(split(str(a, 0)), alg, str(a, 1), true)));
    }
    add("io.jwt.decode_verify", 2, (a, c) -> decodeVerify(str(a, 0), obj(a, 1), c));
    add("io.jwt.encode_sign_raw", 3, (a, c) -> sign(str(a, 0), str(a, 1), parseJwk(str(a, 2))));
    add(
        "io.jwt.encode_sign",
        3,
        (a, c) ->
            sign(Json.write(obj(a, 0)), Json.write(obj(a, 1)), parseJwk(Json.write(obj(a, 2)))));
  }

  // ------------------------------------------------------------------ decoding

  static Jws split(String token) {
    if (!token.contains(".")) throw BuiltinException.error("encoded JWT had no period separators");
    String[] parts = token.split("\\.", -1);
    if (parts.length == 5)
      throw BuiltinException.error("JWT is a JWE object, which is not supported");
    if (parts.length != 3)
      throw BuiltinException.error("encoded JWT must have 3 sections, found " + parts.length);
    byte[] h = b64url(parts[0], "JWT header had invalid encoding");
    Value header;
    try {
      header = Json.parse(new String(h, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw BuiltinException.error("JWT header had invalid encoding: " + e.getMessage());
    }
    if (!(header instanceof Value.Obj ho))
      throw BuiltinException.error("JWT header had invalid encoding: not a JSON object");
    return new Jws(parts[0], parts[1], parts[2], ho);
  }

  /**
   * The token a nested JWT ({@code "cty": "JWT"}) carries as its payload (a JSON string or the bare
   * compact token), or null when {@code t} is not nested.
   */
  private static String nested(Jws t) {
    if (!(t.decodedHeader().get("cty") instanceof Value.Str cty)
        || !cty.value.equalsIgnoreCase("JWT")) return null;
    String inner =
        new String(b64url(t.payload(), "JWT payload had invalid encoding"), StandardCharsets.UTF_8);
    if (inner.startsWith("\"")) {
      try {
        if (Json.parse(inner) instanceof Value.Str str) return str.value;
      } catch (IllegalArgumentException e) {
        throw BuiltinException.error("JWT payload had invalid encoding: " + e.getMessage());
      }
    }
    return inner;
  }

  private static Value payloadOf(Jws t) {
    byte[] p = b64url(t.payload(), "JWT payload had invalid encoding");
    Value payload;
    try {
      payload = Json.parse(new String(p, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw BuiltinException.error("JWT payload had invalid encoding: " + e.getMessage());
    }
    if (!(payload instanceof Value.Obj))
      throw BuiltinException.error("JWT payload had invalid encoding: not a JSON object");
    return payload;
  }

  private static byte[] b64url(String s, String what) {
    String t = s;
    while (t.length() % 4 != 0) t += "=";
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      boolean ok =
          ch >= 'A' && ch <= 'Z'
              || ch >= 'a' && ch <= 'z'
              || ch >= '0' && ch <= '9'
              || ch == '-'
              || ch == '_';
      // Go's message, as OPA reports it
      if (!ok) throw BuiltinException.error(what + ": illegal base64 data at input byte " + i);
    }
    try {
      return Base64.getUrlDecoder().decode(t);
    } catch (IllegalArgumentException e) {
      throw BuiltinException.error(
          what + ": illegal base64 data at input byte " + Math.max(0, s.length() - 1));
    }
  }

  private static String b64url(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  // ------------------------------------------------------------------ verification

  /**
   * Verifies with every key the material yields (the one whose {@code kid} matches the token's,
   * when there is one). {@code certOrSecret} is the HMAC secret for HS algorithms.
   */
  static boolean verify(Jws t, String alg, String certOrSecret, boolean strictKeys) {
    byte[] sig = b64url(t.signature(), "JWT signature had invalid encoding");
    if (alg.startsWith("HS")) {
      byte[] mac = hmac(alg, certOrSecret.getBytes(StandardCharsets.UTF_8), t.signingInput());
      return MessageDigest.isEqual(mac, sig);
    }
    List<Map.Entry<String, PublicKey>> keys = publicKeys(certOrSecret);
    Value kid = t.decodedHeader().get("kid");
    if (kid instanceof Value.Str k) {
      for (Map.Entry<String, PublicKey> e : keys) {
        if (k.value.equals(e.getKey()))
          return verifySignature(alg, e.getValue(), t.signingInput(), sig);
      }
    }
    for (Map.Entry<String, PublicKey> e : keys) {
      if (verifySignature(alg, e.getValue(), t.signingInput(), sig)) return true;
    }
    return false;
  }

  private static byte[] hmac(String alg, byte[] secret, byte[] input) {
    String jca = "Hmac" + "SHA" + alg.substring(2);
    try {
      Mac mac = Mac.getInstance(jca);
      mac.init(new SecretKeySpec(secret.length == 0 ? new byte[1] : secret, jca));
      if (secret.length == 0) {
        // HMAC with an empty key is defined (keys are zero-padded); the JDK refuses an empty spec
        mac = Mac.getInstance(jca);
        mac.init(new SecretKeySpec(new byte[] {0}, jca));
      }
      return mac.doFinal(input);
    } catch (java.security.GeneralSecurityException e) {
      throw BuiltinException.error(e.getMessage());
    }
  }

  private static boolean verifySignature(String alg, PublicKey key, byte[] input, byte[] sig) {
    try {
      Signature s = signature(alg);
      s.initVerify(key);
      s.update(input);
      return s.verify(sig);
    } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
      return false; // a key of another type, or a malformed signature: not verified
    }
  }

  private static Signature signature(String alg) throws java.security.GeneralSecurityException {
    String bits = alg.substring(2);
    return switch (alg.substring(0, 2)) {
      case "RS" -> Signature.getInstance("SHA" + bits + "withRSA");
      case "PS" -> {
        Signature s = Signature.getInstance("RSASSA-PSS");
        int len = Integer.parseInt(bits) / 8;
        s.setParameter(
            new PSSParameterSpec(
                "SHA-" + bits, "MGF1", new MGF1ParameterSpec("SHA-" + bits), len, 1));
        yield s;
      }
      case "ES" -> Signature.getInstance("SHA" + bits + "withECDSAinP1363Format");
      case "Ed" -> Signature.getInstance("Ed25519");
      default -> throw BuiltinException.error("unsupported algorithm " + alg);
    };
  }

  /** Public keys from a PEM certificate or key, a JWK or a JWK set, each with its kid (or null). */
  static List<Map.Entry<String, PublicKey>> publicKeys(String material) {
    List<Map.Entry<String, PublicKey>> out = new ArrayList<>();
    String m = material.strip();
    if (m.startsWith("-----BEGIN")) {
      // OPA reads one PEM block (Go's pem.Decode) and refuses anything after it.
      int endLine = m.indexOf("-----END ");
      int endDashes = endLine < 0 ? -1 : m.indexOf("-----", endLine + 9);
      if (endDashes >= 0) {
        int lineEnd = m.indexOf('\n', endDashes + 5);
        if (lineEnd >= 0 && !m.substring(lineEnd + 1).isEmpty())
          throw BuiltinException.error("extra data after a PEM certificate block");
      }
      if (m.startsWith("-----BEGIN CERTIFICATE")) {
        try {
          CertificateFactory f = CertificateFactory.getInstance("X.509");
          for (var cert :
              f.generateCertificates(
                  new ByteArrayInputStream(m.getBytes(StandardCharsets.US_ASCII))))
            out.add(new java.util.AbstractMap.SimpleEntry<>(null, cert.getPublicKey()));
          return out;
        } catch (java.security.GeneralSecurityException e) {
          throw BuiltinException.error("failed to parse a PEM certificate: " + e.getMessage());
        }
      }
      byte[] der = pem(m, "PUBLIC KEY");
      out.add(new java.util.AbstractMap.SimpleEntry<>(null, publicKey(der)));
      return out;
    }
    try {
      List<JWK> jwks = m.contains("\"keys\"") ? JWKSet.parse(m).getKeys() : List.of(JWK.parse(m));
      for (JWK k : jwks) {
        PublicKey pk = toPublic(k);
        if (pk != null) out.add(new java.util.AbstractMap.SimpleEntry<>(k.getKeyID(), pk));
      }
      return out;
    } catch (java.text.ParseException | com.nimbusds.jose.JOSEException e) {
      throw BuiltinException.error("failed to parse a JWK key (set): " + e.getMessage());
    }
  }

  private static PublicKey toPublic(JWK k) throws com.nimbusds.jose.JOSEException {
    if (k instanceof RSAKey r) return r.toRSAPublicKey();
    if (k instanceof ECKey e) return e.toECPublicKey();
    if (k instanceof OctetKeyPair o) return ed25519Public(o.getDecodedX());
    return null;
  }

  static byte[] pem(String text, String expected) {
    int begin = text.indexOf("-----BEGIN ");
    int headerEnd = text.indexOf("-----", begin + 11);
    int end = text.indexOf("-----END", headerEnd + 5);
    if (begin < 0 || headerEnd < 0 || end < 0)
      throw BuiltinException.error("failed to extract a Key from the PEM certificate");
    String body = text.substring(headerEnd + 5, end).replaceAll("\\s", "");
    try {
      return Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw BuiltinException.error("failed to extract a Key from the PEM certificate");
    }
  }

  static PublicKey publicKey(byte[] der) {
    for (String type : List.of("RSA", "EC", "Ed25519")) {
      try {
        return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der));
      } catch (java.security.GeneralSecurityException e) {
        // try the next key type
      }
    }
    throw BuiltinException.error("failed to extract a Key from the PEM certificate");
  }

  private static PublicKey ed25519Public(byte[] x) {
    byte[] prefix = HexFormat.of().parseHex("302a300506032b6570032100");
    byte[] der = new byte[prefix.length + x.length];
    System.arraycopy(prefix, 0, der, 0, prefix.length);
    System.arraycopy(x, 0, der, prefix.length, x.length);
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    } catch (java.security.GeneralSecurityException e) {
      throw BuiltinException.error("invalid Ed25519 key: " + e.getMessage());
    }
  }

  private static PrivateKey ed25519Private(byte[] d) {
    byte[] prefix = HexFormat.of().parseHex("302e020100300506032b657004220420");
    byte[] der = new byte[prefix.length + d.length];
    System.arraycopy(prefix, 0, der, 0, prefix.length);
    System.arraycopy(d, 0, der, prefix.length, d.length);
    try {
      return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (java.security.GeneralSecurityException e) {
      throw BuiltinException.error("invalid Ed25519 key: " + e.getMessage());
    }
  }

  // ------------------------------------------------------------------ decode_verify

  private static final Value.Arr INVALID =
      Value.Arr.of(List.of(Value.FALSE, Value.EMPTY_OBJECT, Value.EMPTY_OBJECT));

  private static Value decodeVerify(String token, Value.Obj constraints, BuiltinContext c) {
    String cert = null, secret = null, alg = null, iss = null, aud = null;
    BigDecimal time = null;
    for (Map.Entry<Value, Value> e : constraints.map().entrySet()) {
      String key = e.getKey() instanceof Value.Str s ? s.value : Json.term(e.getKey());
      Value v = e.getValue();
      switch (key) {
        case "cert" -> cert = constraintString(key, v);
        case "secret" -> secret = constraintString(key, v);
        case "alg" -> alg = constraintString(key, v);
        case "iss" -> iss = constraintString(key, v);
        case "aud" -> aud = constraintString(key, v);
        case "time" -> {
          if (!(v instanceof Value.Num n))
            throw BuiltinException.error("token time constraint: must be a number");
          time = n.toBig();
        }
        default -> throw BuiltinException.error("unknown token validation constraint: " + key);
      }
    }
    if ((cert == null) == (secret == null))
      throw BuiltinException.error("exactly one of 'cert' or 'secret' must be specified");
    Jws t = split(token);
    while (true) {
      Value headerAlg = t.decodedHeader().get("alg");
      if (!(headerAlg instanceof Value.Str ha) || !ALGS.contains(ha.value)) return INVALID;
      if (alg != null && !alg.equals(ha.value)) return INVALID;
      // no critical header extension is understood (RFC 7515 4.1.11)
      if (t.decodedHeader().get("crit") != null) return INVALID;
      boolean hmac = ha.value.startsWith("HS");
      if (hmac != (secret != null)) return INVALID;
      if (!verify(t, ha.value, hmac ? secret : cert, false)) return INVALID;
      String inner = nested(t);
      if (inner == null) break;
      c.step(1);
      t = split(inner);
    }
    Value payloadValue = payloadOf(t);
    Value.Obj payload = (Value.Obj) payloadValue;
    BigDecimal now = time != null ? time : BigDecimal.valueOf(c.nowNanos());
    Value exp = payload.get("exp");
    if (exp != null) {
      if (!(exp instanceof Value.Num n)) throw BuiltinException.error("exp value must be a number");
      if (now.compareTo(n.toBig().multiply(BigDecimal.valueOf(1_000_000_000L))) >= 0)
        return INVALID;
    }
    Value nbf = payload.get("nbf");
    if (nbf != null) {
      if (!(nbf instanceof Value.Num n)) throw BuiltinException.error("nbf value must be a number");
      if (now.compareTo(n.toBig().multiply(BigDecimal.valueOf(1_000_000_000L))) < 0) return INVALID;
    }
    if (iss != null) {
      if (!(payload.get("iss") instanceof Value.Str pi) || !pi.value.equals(iss)) return INVALID;
    }
    Value pAud = payload.get("aud");
    if (aud == null) {
      if (pAud != null) return INVALID;
    } else {
      boolean ok =
          switch (pAud) {
            case Value.Str s -> s.value.equals(aud);
            case Value.Arr arr -> arr.list().contains(Value.str(aud));
            case null, default -> false;
          };
      if (!ok) return INVALID;
    }
    return Value.Arr.of(List.of(Value.TRUE, t.decodedHeader(), payload));
  }

  private static String constraintString(String key, Value v) {
    if (v instanceof Value.Str s) return s.value;
    throw BuiltinException.error("token " + key + " constraint: must be a string");
  }

  // ------------------------------------------------------------------ signing

  private static JWK parseJwk(String text) {
    try {
      return JWK.parse(text);
    } catch (java.text.ParseException e) {
      throw BuiltinException.error("failed to parse the JWK: " + e.getMessage());
    }
  }

  private static boolean isJson(String text) {
    try {
      Json.parse(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static Value sign(String header, String payload, JWK key) {
    Value h;
    try {
      h = Json.parse(header);
    } catch (IllegalArgumentException e) {
      // OPA's messages (its JWS library's)
      throw BuiltinException.error(
          "missing or invalid 'alg' header: cannot parse JSON: "
              + (header.isBlank() ? "cannot parse empty string" : e.getMessage()));
    }
    if (!(h instanceof Value.Obj ho))
      throw BuiltinException.error("missing or invalid 'alg' header: not a JSON object");
    if (!(ho.get("alg") instanceof Value.Str alg))
      throw BuiltinException.error("unsupported signature algorithm");
    if (!ALGS.contains(alg.value))
      throw BuiltinException.error("unknown JWS algorithm: " + alg.value);
    // As OPA: a token typed JWT (or untyped) must carry a JSON payload.
    boolean jwtTyped =
        ho.get("typ") == null
            || ho.get("typ") instanceof Value.Str typ
                && (typ.value.isEmpty() || typ.value.equals("JWT"));
    if (jwtTyped && !isJson(payload))
      throw BuiltinException.error("type is JWT but payload is not JSON");
    String input =
        b64url(header.getBytes(StandardCharsets.UTF_8))
            + "."
            + b64url(payload.getBytes(StandardCharsets.UTF_8));
    byte[] data = input.getBytes(StandardCharsets.US_ASCII);
    byte[] sig;
    try {
      if (alg.value.startsWith("HS")) {
        if (!(key instanceof OctetSequenceKey oct))
          throw BuiltinException.error("the key for " + alg.value + " must be an 'oct' JWK");
        sig = hmac(alg.value, oct.toByteArray(), data);
      } else {
        Key pk =
            switch (key) {
              case RSAKey r -> r.toRSAPrivateKey();
              case ECKey e -> e.toECPrivateKey();
              case OctetKeyPair o when o.getDecodedD() != null -> ed25519Private(o.getDecodedD());
              default -> null;
            };
        if (!(pk instanceof PrivateKey priv))
          throw BuiltinException.error("the JWK holds no private key for " + alg.value);
        Signature s = signature(alg.value);
        s.initSign(priv);
        s.update(data);
        sig = s.sign();
      }
    } catch (com.nimbusds.jose.JOSEException | java.security.GeneralSecurityException e) {
      throw BuiltinException.error("signing failed: " + e.getMessage());
    }
    return Value.str(input + "." + b64url(sig));
  }
}
