package dev.lattice.policy.internal.rego.builtins;

import static dev.lattice.policy.internal.rego.builtins.Args.*;
import static dev.lattice.policy.internal.rego.builtins.Builtins.add;

import dev.lattice.policy.internal.rego.value.Convert;
import dev.lattice.policy.internal.rego.value.Value;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * {@code crypto.x509.*} and {@code crypto.parse_private_keys}: certificates parsed and chains
 * verified by the JDK (PKIX, no revocation checks), rendered with the field names of Go's {@code
 * x509.Certificate} as OPA returns them; private keys from PEM (PKCS#1, PKCS#8, SEC 1).
 */
final class X509 {
  private X509() {}

  private static final Map<String, Integer> EXT_KEY_USAGES =
      Map.ofEntries(
          Map.entry("KeyUsageAny", 0),
          Map.entry("KeyUsageServerAuth", 1),
          Map.entry("KeyUsageClientAuth", 2),
          Map.entry("KeyUsageCodeSigning", 3),
          Map.entry("KeyUsageEmailProtection", 4),
          Map.entry("KeyUsageIPSECEndSystem", 5),
          Map.entry("KeyUsageIPSECTunnel", 6),
          Map.entry("KeyUsageIPSECUser", 7),
          Map.entry("KeyUsageTimeStamping", 8),
          Map.entry("KeyUsageOCSPSigning", 9),
          Map.entry("KeyUsageMicrosoftServerGatedCrypto", 10),
          Map.entry("KeyUsageNetscapeServerGatedCrypto", 11),
          Map.entry("KeyUsageMicrosoftCommercialCodeSigning", 12),
          Map.entry("KeyUsageMicrosoftKernelCodeSigning", 13));

  private static final Map<String, Integer> EKU_OIDS =
      Map.ofEntries(
          Map.entry("2.5.29.37.0", 0),
          Map.entry("1.3.6.1.5.5.7.3.1", 1),
          Map.entry("1.3.6.1.5.5.7.3.2", 2),
          Map.entry("1.3.6.1.5.5.7.3.3", 3),
          Map.entry("1.3.6.1.5.5.7.3.4", 4),
          Map.entry("1.3.6.1.5.5.7.3.5", 5),
          Map.entry("1.3.6.1.5.5.7.3.6", 6),
          Map.entry("1.3.6.1.5.5.7.3.7", 7),
          Map.entry("1.3.6.1.5.5.7.3.8", 8),
          Map.entry("1.3.6.1.5.5.7.3.9", 9));

  static void register() {
    add("crypto.x509.parse_certificates", 1, (a, c) -> Convert.fromJava(render(certs(str(a, 0)))));
    add(
        "crypto.x509.parse_and_verify_certificates",
        1,
        (a, c) -> verified(str(a, 0), null, null, List.of(1)));
    add(
        "crypto.x509.parse_and_verify_certificates_with_options",
        2,
        (a, c) -> {
          String dns = null;
          Long time = null;
          List<Integer> usages = List.of(1);
          for (Map.Entry<Value, Value> e : obj(a, 1).map().entrySet()) {
            if (!(e.getKey() instanceof Value.Str k)) continue;
            Value v = e.getValue();
            switch (k.value) {
              case "DNSName" -> {
                if (!(v instanceof Value.Str s))
                  throw BuiltinException.error("'DNSName' should be a string");
                dns = s.value;
              }
              case "CurrentTime" -> {
                if (!(v instanceof Value.Num n))
                  throw BuiltinException.error("'CurrentTime' should be a number");
                if (!n.isSmall())
                  throw BuiltinException.error("'CurrentTime' should be a valid int64 number");
                time = n.small;
              }
              case "MaxConstraintComparisons" -> {
                if (!(v instanceof Value.Num))
                  throw BuiltinException.error("'MaxConstraintComparisons' should be a number");
              }
              case "KeyUsages" -> {
                List<Value> list =
                    switch (v) {
                      case Value.Arr arr -> arr.list();
                      case Value.SetV set -> set.sortedList();
                      default ->
                          throw BuiltinException.error("'KeyUsages' should be an Array or Set");
                    };
                List<Integer> wanted = new ArrayList<>();
                List<String> invalid = new ArrayList<>();
                for (Value u : list) {
                  if (!(u instanceof Value.Str s)) continue;
                  Integer code = EXT_KEY_USAGES.get(s.value);
                  if (code == null) invalid.add(s.value);
                  else wanted.add(code);
                }
                if (!invalid.isEmpty())
                  throw BuiltinException.error(
                      "invalid entries for 'KeyUsages' found: [" + String.join(" ", invalid) + "]");
                usages = wanted;
              }
              default -> throw BuiltinException.error("invalid key option");
            }
          }
          return verified(str(a, 0), dns, time, usages);
        });
    add(
        "crypto.x509.parse_rsa_private_key",
        1,
        (a, c) -> {
          List<PrivateKey> keys = privateKeys(pemOrBase64(str(a, 0)));
          if (keys.isEmpty()) return Value.NULL;
          if (!(keys.get(0) instanceof RSAPrivateCrtKey k))
            throw BuiltinException.error("the PEM data holds no RSA private key");
          Map<String, Object> jwk = new LinkedHashMap<>();
          jwk.put("kty", "RSA");
          jwk.put("n", b64url(k.getModulus()));
          jwk.put("e", b64url(k.getPublicExponent()));
          jwk.put("d", b64url(k.getPrivateExponent()));
          jwk.put("p", b64url(k.getPrimeP()));
          jwk.put("q", b64url(k.getPrimeQ()));
          jwk.put("dp", b64url(k.getPrimeExponentP()));
          jwk.put("dq", b64url(k.getPrimeExponentQ()));
          jwk.put("qi", b64url(k.getCrtCoefficient()));
          return Convert.fromJava(jwk);
        });
    add(
        "crypto.parse_private_keys",
        1,
        (a, c) -> {
          String s = str(a, 0);
          if (s.isEmpty()) return Value.NULL;
          List<Object> out = new ArrayList<>();
          for (PrivateKey k : privateKeys(s)) out.add(goKey(k));
          return Convert.fromJava(out);
        });
    add(
        "crypto.x509.parse_keypair",
        2,
        (a, c) -> {
          List<X509Certificate> chain = certs(str(a, 0));
          List<PrivateKey> keys = privateKeys(pemOrBase64(str(a, 1)));
          if (chain.isEmpty() || keys.isEmpty())
            throw BuiltinException.error("tls: failed to find any PEM data in the input");
          Map<String, Object> pair = new LinkedHashMap<>();
          List<Object> raw = new ArrayList<>();
          for (X509Certificate cert : chain) raw.add(b64(encoded(cert)));
          pair.put("Certificate", raw);
          pair.put("PrivateKey", goKey(keys.get(0)));
          pair.put("SupportedSignatureAlgorithms", null);
          pair.put("OCSPStaple", null);
          pair.put("SignedCertificateTimestamps", null);
          pair.put("Leaf", render(List.of(chain.get(0))).get(0));
          return Convert.fromJava(pair);
        });
  }

  // ------------------------------------------------------------------ certificates

  static List<X509Certificate> certs(String input) {
    byte[] data;
    if (input.startsWith("-----BEGIN")) data = input.getBytes(StandardCharsets.US_ASCII);
    else {
      // Go's decoder, as OPA's: padding required ("foobar" is illegal base64 data at input byte 4).
      try {
        data = GoBase64.decode(input, false);
      } catch (GoBase64.Corrupt e) {
        throw BuiltinException.error(e.getMessage());
      }
    }
    try {
      CertificateFactory f = CertificateFactory.getInstance("X.509");
      Collection<? extends java.security.cert.Certificate> cs =
          f.generateCertificates(new ByteArrayInputStream(data));
      List<X509Certificate> out = new ArrayList<>();
      for (var cert : cs) out.add((X509Certificate) cert);
      if (out.isEmpty()) throw BuiltinException.error("x509: malformed certificate");
      return out;
    } catch (java.security.cert.CertificateException e) {
      throw BuiltinException.error("x509: malformed certificate: " + e.getMessage());
    }
  }

  /** OPA's chain order: the first certificate is the root, the last the leaf. */
  private static Value verified(String input, String dns, Long timeNs, List<Integer> usages) {
    Value invalid = Value.Arr.of(List.of(Value.FALSE, Value.Arr.of(List.of())));
    List<X509Certificate> chain;
    try {
      chain = certs(input);
    } catch (BuiltinException e) {
      return invalid;
    }
    if (chain.size() < 2)
      throw BuiltinException.error(
          "operand 1 must supply at least two certificates to be able to verify");
    X509Certificate root = chain.get(0), leaf = chain.get(chain.size() - 1);
    List<X509Certificate> path = new ArrayList<>();
    for (int i = chain.size() - 1; i >= 1; i--) path.add(chain.get(i));
    try {
      CertificateFactory f = CertificateFactory.getInstance("X.509");
      PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
      params.setRevocationEnabled(false);
      if (timeNs != null) params.setDate(Date.from(Instant.ofEpochSecond(0, timeNs)));
      CertPathValidator.getInstance("PKIX").validate(f.generateCertPath(path), params);
    } catch (java.security.GeneralSecurityException e) {
      return invalid;
    }
    if (dns != null && !matchesDns(leaf, dns)) return invalid;
    if (!extKeyUsageAllowed(leaf, usages)) return invalid;
    List<X509Certificate> verifiedChain = new ArrayList<>(path);
    verifiedChain.add(root);
    return Value.Arr.of(List.of(Value.TRUE, Convert.fromJava(render(verifiedChain))));
  }

  private static boolean matchesDns(X509Certificate leaf, String host) {
    for (String name : sans(leaf, 2)) {
      String n = name.toLowerCase(java.util.Locale.ROOT),
          h = host.toLowerCase(java.util.Locale.ROOT);
      if (n.equals(h)) return true;
      if (n.startsWith("*.")
          && h.indexOf('.') > 0
          && h.substring(h.indexOf('.')).equals(n.substring(1))) return true;
    }
    return false;
  }

  private static boolean extKeyUsageAllowed(X509Certificate leaf, List<Integer> wanted) {
    List<Integer> has = extKeyUsages(leaf);
    if (has.isEmpty() || has.contains(0) || wanted.contains(0)) return true;
    for (int w : wanted) if (has.contains(w)) return true;
    return false;
  }

  private static List<Integer> extKeyUsages(X509Certificate c) {
    List<Integer> out = new ArrayList<>();
    try {
      List<String> oids = c.getExtendedKeyUsage();
      if (oids != null)
        for (String oid : oids) if (EKU_OIDS.containsKey(oid)) out.add(EKU_OIDS.get(oid));
    } catch (java.security.cert.CertificateParsingException e) {
      // no usable extended key usage
    }
    return out;
  }

  private static List<String> sans(X509Certificate c, int type) {
    List<String> out = new ArrayList<>();
    try {
      Collection<List<?>> names = c.getSubjectAlternativeNames();
      if (names != null)
        for (List<?> n : names) if ((Integer) n.get(0) == type) out.add(String.valueOf(n.get(1)));
    } catch (java.security.cert.CertificateParsingException e) {
      // no usable subject alternative names
    }
    return out;
  }

  private static byte[] encoded(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw BuiltinException.error(e.getMessage());
    }
  }

  /** A certificate with Go's {@code x509.Certificate} JSON field names (plus URIStrings). */
  static List<Map<String, Object>> render(List<X509Certificate> certs) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (X509Certificate c : certs) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("Raw", b64(encoded(c)));
      try {
        m.put("RawTBSCertificate", b64(c.getTBSCertificate()));
      } catch (java.security.cert.CertificateEncodingException e) {
        m.put("RawTBSCertificate", null);
      }
      m.put("RawSubjectPublicKeyInfo", b64(c.getPublicKey().getEncoded()));
      m.put("RawSubject", b64(c.getSubjectX500Principal().getEncoded()));
      m.put("RawIssuer", b64(c.getIssuerX500Principal().getEncoded()));
      m.put("Signature", b64(c.getSignature()));
      m.put("SignatureAlgorithm", signatureAlgorithm(c.getSigAlgName()));
      m.put("PublicKeyAlgorithm", publicKeyAlgorithm(c.getPublicKey()));
      m.put("PublicKey", goPublicKey(c.getPublicKey()));
      m.put("Version", (long) c.getVersion());
      m.put("SerialNumber", c.getSerialNumber());
      m.put("Issuer", name(c.getIssuerX500Principal()));
      m.put("Subject", name(c.getSubjectX500Principal()));
      m.put("NotBefore", c.getNotBefore().toInstant().toString());
      m.put("NotAfter", c.getNotAfter().toInstant().toString());
      m.put("KeyUsage", keyUsage(c.getKeyUsage()));
      List<Integer> eku = extKeyUsages(c);
      m.put("ExtKeyUsage", eku.isEmpty() ? null : new ArrayList<Object>(eku));
      // the JDK reports -1 for "not a CA" and for "no basic constraints" alike
      m.put("BasicConstraintsValid", c.getBasicConstraints() != -1);
      m.put("IsCA", c.getBasicConstraints() != -1);
      m.put(
          "MaxPathLen",
          (long)
              (c.getBasicConstraints() == Integer.MAX_VALUE
                  ? -1
                  : Math.max(c.getBasicConstraints(), -1)));
      m.put("DNSNames", orNull(sans(c, 2)));
      m.put("EmailAddresses", orNull(sans(c, 1)));
      m.put("IPAddresses", orNull(sans(c, 7)));
      List<String> uris = sans(c, 6);
      m.put("URIs", orNull(uris));
      m.put("URIStrings", orNull(uris));
      out.add(m);
    }
    return out;
  }

  private static Object orNull(List<String> l) {
    return l.isEmpty() ? null : new ArrayList<Object>(l);
  }

  private static long keyUsage(boolean[] ku) {
    if (ku == null) return 0;
    long bits = 0;
    for (int i = 0; i < ku.length && i < 9; i++) if (ku[i]) bits |= 1L << i;
    return bits;
  }

  static long signatureAlgorithm(String jca) {
    return switch (jca.toUpperCase(java.util.Locale.ROOT)) {
      case "MD5WITHRSA" -> 2;
      case "SHA1WITHRSA" -> 3;
      case "SHA256WITHRSA" -> 4;
      case "SHA384WITHRSA" -> 5;
      case "SHA512WITHRSA" -> 6;
      case "SHA1WITHECDSA" -> 9;
      case "SHA256WITHECDSA" -> 10;
      case "SHA384WITHECDSA" -> 11;
      case "SHA512WITHECDSA" -> 12;
      case "RSASSA-PSS" -> 13;
      case "ED25519" -> 16;
      default -> 0;
    };
  }

  static long publicKeyAlgorithm(PublicKey k) {
    return switch (k.getAlgorithm()) {
      case "RSA" -> 1;
      case "DSA" -> 2;
      case "EC" -> 3;
      case "Ed25519", "EdDSA" -> 4;
      default -> 0;
    };
  }

  static Object goPublicKey(PublicKey k) {
    if (k instanceof RSAPublicKey r) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("N", r.getModulus());
      m.put("E", r.getPublicExponent());
      return m;
    }
    if (k instanceof ECPublicKey e) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("Curve", curve(e.getParams()));
      m.put("X", e.getW().getAffineX());
      m.put("Y", e.getW().getAffineY());
      return m;
    }
    return b64(k.getEncoded());
  }

  private static Map<String, Object> curve(java.security.spec.ECParameterSpec p) {
    Map<String, Object> m = new LinkedHashMap<>();
    int bits = p.getCurve().getField().getFieldSize();
    m.put("P", ((java.security.spec.ECFieldFp) p.getCurve().getField()).getP());
    m.put("N", p.getOrder());
    m.put("B", p.getCurve().getB());
    m.put("Gx", p.getGenerator().getAffineX());
    m.put("Gy", p.getGenerator().getAffineY());
    m.put("BitSize", (long) bits);
    m.put(
        "Name",
        bits == 256 ? "P-256" : bits == 384 ? "P-384" : bits == 521 ? "P-521" : "P-" + bits);
    return m;
  }

  /** Go's {@code pkix.Name}. */
  static Map<String, Object> name(X500Principal p) {
    Map<String, List<Object>> attrs = new LinkedHashMap<>();
    List<Object> names = new ArrayList<>();
    String rfc =
        p.getName(
            X500Principal.RFC2253,
            Map.of("2.5.4.5", "SERIALNUMBER", "2.5.4.17", "POSTALCODE", "2.5.4.9", "STREET"));
    javax.naming.ldap.LdapName ldap;
    try {
      ldap = new javax.naming.ldap.LdapName(rfc);
    } catch (javax.naming.InvalidNameException e) {
      throw BuiltinException.error("x509: malformed name: " + e.getMessage());
    }
    for (javax.naming.ldap.Rdn rdn : ldap.getRdns()) {
      String type = rdn.getType().toUpperCase(java.util.Locale.ROOT);
      String value = String.valueOf(rdn.getValue());
      attrs.computeIfAbsent(type, t -> new ArrayList<>()).add(value);
      Map<String, Object> n = new LinkedHashMap<>();
      n.put("Type", oid(type));
      n.put("Value", value);
      names.add(n);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("Country", attrs.get("C"));
    m.put("Organization", attrs.get("O"));
    m.put("OrganizationalUnit", attrs.get("OU"));
    m.put("Locality", attrs.get("L"));
    m.put("Province", attrs.get("ST"));
    m.put("StreetAddress", attrs.get("STREET"));
    m.put("PostalCode", attrs.get("POSTALCODE"));
    m.put(
        "SerialNumber", attrs.containsKey("SERIALNUMBER") ? attrs.get("SERIALNUMBER").get(0) : "");
    m.put("CommonName", attrs.containsKey("CN") ? attrs.get("CN").get(0) : "");
    m.put("Names", names.isEmpty() ? null : names);
    m.put("ExtraNames", null);
    return m;
  }

  private static List<Object> oid(String type) {
    String dotted =
        switch (type) {
          case "CN" -> "2.5.4.3";
          case "C" -> "2.5.4.6";
          case "O" -> "2.5.4.10";
          case "OU" -> "2.5.4.11";
          case "L" -> "2.5.4.7";
          case "ST" -> "2.5.4.8";
          case "STREET" -> "2.5.4.9";
          case "POSTALCODE" -> "2.5.4.17";
          case "SERIALNUMBER" -> "2.5.4.5";
          default -> type.matches("[0-9.]+") ? type : "0";
        };
    List<Object> out = new ArrayList<>();
    for (String part : dotted.split("\\.")) out.add(Long.parseLong(part));
    return out;
  }

  // ------------------------------------------------------------------ private keys

  private static String pemOrBase64(String s) {
    if (s.isEmpty()) throw BuiltinException.error("input PEM data was empty");
    if (s.startsWith("-----BEGIN")) return s;
    return new String(goBase64(s), StandardCharsets.UTF_8);
  }

  /**
   * Standard padded base64 decoded as Go's {@code base64.StdEncoding} does, with its error: {@code
   * illegal base64 data at input byte N}.
   */
  static byte[] goBase64(String s) {
    int pad = 0;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      boolean ok =
          pad == 0
                  && (ch >= 'A' && ch <= 'Z'
                      || ch >= 'a' && ch <= 'z'
                      || ch >= '0' && ch <= '9'
                      || ch == '+'
                      || ch == '/')
              || ch == '=' && i >= s.length() - 2 && pad < 2;
      if (!ok) throw BuiltinException.error("illegal base64 data at input byte " + i);
      if (ch == '=') pad++;
    }
    if (s.length() % 4 != 0)
      throw BuiltinException.error(
          "illegal base64 data at input byte " + (s.length() - s.length() % 4));
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw BuiltinException.error("illegal base64 data at input byte " + (s.length() - 1));
    }
  }

  static List<PrivateKey> privateKeys(String pem) {
    List<PrivateKey> out = new ArrayList<>();
    int from = 0;
    while (true) {
      int begin = pem.indexOf("-----BEGIN ", from);
      if (begin < 0) break;
      int typeEnd = pem.indexOf("-----", begin + 11);
      if (typeEnd < 0) break;
      String type = pem.substring(begin + 11, typeEnd);
      int end = pem.indexOf("-----END " + type + "-----", typeEnd);
      if (end < 0) throw BuiltinException.error("failed to decode PEM block containing " + type);
      byte[] der =
          Base64.getMimeDecoder().decode(pem.substring(typeEnd + 5, end).replaceAll("\\s", ""));
      from = end + 14 + type.length();
      switch (type) {
        case "PRIVATE KEY" -> out.add(pkcs8(der));
        case "RSA PRIVATE KEY" -> out.add(pkcs8(wrap(der, RSA_ALGORITHM)));
        case "EC PRIVATE KEY" -> out.add(pkcs8(wrap(der, ecAlgorithm(der))));
        default -> {
          // other blocks (certificates, public keys) hold no private key
        }
      }
    }
    return out;
  }

  private static PrivateKey pkcs8(byte[] der) {
    for (String type : List.of("RSA", "EC", "Ed25519")) {
      try {
        return KeyFactory.getInstance(type).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (java.security.GeneralSecurityException e) {
        // try the next key type
      }
    }
    throw BuiltinException.error("failed to parse the private key");
  }

  // AlgorithmIdentifier rsaEncryption with NULL parameters
  private static final byte[] RSA_ALGORITHM =
      java.util.HexFormat.of().parseHex("300d06092a864886f70d0101010500");

  /** The AlgorithmIdentifier of a SEC 1 key: id-ecPublicKey with the curve named inside it. */
  private static byte[] ecAlgorithm(byte[] sec1) {
    // the named curve is the OID under the [0] tag (0xa0) of the ECPrivateKey sequence
    for (int i = 0; i + 2 < sec1.length; i++) {
      if ((sec1[i] & 0xff) == 0xa0 && (sec1[i + 2] & 0xff) == 0x06) {
        int len = sec1[i + 3] & 0xff;
        byte[] curve = java.util.Arrays.copyOfRange(sec1, i + 2, i + 4 + len);
        byte[] ecOid = java.util.HexFormat.of().parseHex("06072a8648ce3d0201");
        return der(0x30, concat(ecOid, curve));
      }
    }
    throw BuiltinException.error("failed to parse the EC private key: no named curve");
  }

  private static byte[] wrap(byte[] key, byte[] algorithm) {
    byte[] version = {0x02, 0x01, 0x00};
    return der(0x30, concat(concat(version, algorithm), der(0x04, key)));
  }

  private static byte[] der(int tag, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = body.length;
    if (n < 128) out.write(n);
    else {
      byte[] len = BigInteger.valueOf(n).toByteArray();
      int skip = len[0] == 0 ? 1 : 0;
      out.write(0x80 | (len.length - skip));
      out.write(len, skip, len.length - skip);
    }
    out.write(body, 0, body.length);
    return out.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** Go's JSON form of a private key ({@code rsa.PrivateKey}, {@code ecdsa.PrivateKey}). */
  private static Object goKey(PrivateKey k) {
    if (k instanceof RSAPrivateCrtKey r) {
      Map<String, Object> pub = new LinkedHashMap<>();
      pub.put("N", r.getModulus());
      pub.put("E", r.getPublicExponent());
      Map<String, Object> pre = new LinkedHashMap<>();
      pre.put("Dp", r.getPrimeExponentP());
      pre.put("Dq", r.getPrimeExponentQ());
      pre.put("Qinv", r.getCrtCoefficient());
      pre.put("CRTValues", new ArrayList<>());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("PublicKey", pub);
      m.put("D", r.getPrivateExponent());
      m.put("Primes", new ArrayList<Object>(List.of(r.getPrimeP(), r.getPrimeQ())));
      m.put("Precomputed", pre);
      return m;
    }
    if (k instanceof ECPrivateKey e) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("Curve", curve(e.getParams()));
      m.put("D", e.getS());
      return m;
    }
    return b64(k.getEncoded());
  }

  static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  private static String b64url(BigInteger i) {
    byte[] b = i.toByteArray();
    if (b.length > 1 && b[0] == 0) b = java.util.Arrays.copyOfRange(b, 1, b.length);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
