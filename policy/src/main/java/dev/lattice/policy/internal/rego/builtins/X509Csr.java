package dev.lattice.policy.internal.rego.builtins;

import static dev.lattice.policy.internal.rego.builtins.Args.str;
import static dev.lattice.policy.internal.rego.builtins.Builtins.add;

import dev.lattice.policy.internal.rego.value.Convert;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.security.auth.x500.X500Principal;

/**
 * {@code crypto.x509.parse_certificate_request}: a PKCS #10 request (PEM {@code CERTIFICATE
 * REQUEST}, or base64 of one) as Go's {@code x509.CertificateRequest} JSON, as OPA returns it: the
 * raw parts, version, subject, public key, signature and its algorithm, and the subject alternative
 * names of an {@code extensionRequest} attribute. The JDK has no public PKCS #10 parser: the DER is
 * read here, the key with {@link KeyFactory}, names with {@link X500Principal}.
 */
final class X509Csr {
  private X509Csr() {}

  static void register() {
    add("crypto.x509.parse_certificate_request", 1, (a, c) -> Convert.fromJava(parse(str(a, 0))));
  }

  /** A DER element: tag, the whole encoding and the contents. */
  private record Tlv(int tag, byte[] whole, byte[] content) {}

  private static Tlv read(byte[] b, int[] pos) {
    int start = pos[0];
    if (start + 2 > b.length) throw malformed();
    int tag = b[pos[0]++] & 0xff;
    int len = b[pos[0]++] & 0xff;
    if (len >= 0x80) {
      int n = len & 0x7f;
      if (n == 0 || n > 4 || pos[0] + n > b.length) throw malformed();
      len = 0;
      for (int i = 0; i < n; i++) len = (len << 8) | (b[pos[0]++] & 0xff);
    }
    if (len < 0 || pos[0] + len > b.length) throw malformed();
    byte[] content = Arrays.copyOfRange(b, pos[0], pos[0] + len);
    pos[0] += len;
    return new Tlv(tag, Arrays.copyOfRange(b, start, pos[0]), content);
  }

  private static List<Tlv> children(byte[] content) {
    List<Tlv> out = new ArrayList<>();
    int[] pos = {0};
    while (pos[0] < content.length) out.add(read(content, pos));
    return out;
  }

  /**
   * Go's encoding/asn1 error (which OPA's x509.ParseCertificateRequest returns) for data that does
   * not start with a SEQUENCE: the expected tag 16 against the tag and length found, with the field
   * parameters and type it was decoding into.
   */
  private static BuiltinException tagMismatch(byte[] der) {
    int b0 = der[0] & 0xff;
    int pos = 1;
    long tag = b0 & 0x1f;
    if (tag == 0x1f) {
      tag = 0;
      while (pos < der.length) {
        int x = der[pos++] & 0xff;
        tag = (tag << 7) | (x & 0x7f);
        if ((x & 0x80) == 0) break;
      }
    }
    long length = 0;
    if (pos < der.length) {
      int l = der[pos++] & 0xff;
      if (l < 0x80) length = l;
      else
        for (int i = 0; i < (l & 0x7f) && pos < der.length; i++)
          length = (length << 8) | (der[pos++] & 0xff);
    }
    return BuiltinException.error(
        "asn1: structure error: tags don't match (16 vs {class:"
            + (b0 >> 6)
            + " tag:"
            + tag
            + " length:"
            + length
            + " isCompound:"
            + ((b0 & 0x20) != 0)
            + "}) {optional:false explicit:false application:false private:false"
            + " defaultValue:<nil> tag:<nil> stringType:0 timeType:0 set:false omitEmpty:false}"
            + " certificateRequest @"
            + pos);
  }

  private static BuiltinException malformed() {
    return BuiltinException.error("x509: malformed certificate request");
  }

  private static String oid(byte[] c) {
    StringBuilder sb = new StringBuilder();
    long value = 0;
    boolean first = true;
    for (byte x : c) {
      value = (value << 7) | (x & 0x7f);
      if ((x & 0x80) == 0) {
        if (first) {
          long a = Math.min(value / 40, 2);
          sb.append(a).append('.').append(value - a * 40);
          first = false;
        } else {
          sb.append('.').append(value);
        }
        value = 0;
      }
    }
    return sb.toString();
  }

  static Map<String, Object> parse(String input) {
    byte[] der = decode(input);
    List<Tlv> top;
    if (der.length >= 2 && (der[0] & 0xff) != 0x30) throw tagMismatch(der);
    try {
      Tlv outer = read(der, new int[] {0});
      if (outer.tag() != 0x30) throw malformed();
      top = children(outer.content());
    } catch (ArrayIndexOutOfBoundsException e) {
      throw malformed();
    }
    if (top.size() != 3 || top.get(0).tag() != 0x30) throw malformed();
    Tlv tbs = top.get(0);
    List<Tlv> info = children(tbs.content());
    if (info.size() < 3) throw malformed();
    long version = new BigInteger(info.get(0).content()).longValue();
    Tlv subject = info.get(1);
    Tlv spki = info.get(2);
    List<Tlv> spkiParts = children(spki.content());
    String keyOid = oid(children(spkiParts.get(0).content()).get(0).content());
    PublicKey key;
    try {
      String alg =
          switch (keyOid) {
            case "1.2.840.113549.1.1.1" -> "RSA";
            case "1.2.840.10045.2.1" -> "EC";
            case "1.3.101.112" -> "Ed25519";
            case "1.2.840.10040.4.1" -> "DSA";
            default -> throw BuiltinException.error("x509: unknown public key algorithm " + keyOid);
          };
      key = KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(spki.whole()));
    } catch (java.security.GeneralSecurityException e) {
      throw BuiltinException.error("x509: failed to parse public key: " + e.getMessage());
    }
    List<String> dns = new ArrayList<>(), emails = new ArrayList<>(), ips = new ArrayList<>();
    List<String> uris = new ArrayList<>();
    List<Object> extensions = new ArrayList<>();
    if (info.size() > 3 && info.get(3).tag() == 0xa0) {
      for (Tlv attr : children(info.get(3).content())) {
        List<Tlv> parts = children(attr.content());
        if (!oid(parts.get(0).content()).equals("1.2.840.113549.1.9.14")) continue;
        for (Tlv set : children(parts.get(1).content())) {
          for (Tlv ext : children(set.content())) {
            List<Tlv> e = children(ext.content());
            String id = oid(e.get(0).content());
            boolean critical =
                e.size() == 3 && e.get(1).content().length > 0 && e.get(1).content()[0] != 0;
            byte[] value = e.get(e.size() - 1).content();
            Map<String, Object> m = new LinkedHashMap<>();
            List<Object> idParts = new ArrayList<>();
            for (String p : id.split("\\.")) idParts.add(Long.parseLong(p));
            m.put("Id", idParts);
            m.put("Critical", critical);
            m.put("Value", X509.b64(value));
            extensions.add(m);
            if (id.equals("2.5.29.17")) sans(value, dns, emails, ips, uris);
          }
        }
      }
    }
    String sigOid = oid(children(top.get(1).content()).get(0).content());
    byte[] bits = top.get(2).content();
    byte[] signature = bits.length > 0 ? Arrays.copyOfRange(bits, 1, bits.length) : bits;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("Raw", X509.b64(der));
    m.put("RawTBSCertificateRequest", X509.b64(tbs.whole()));
    m.put("RawSubjectPublicKeyInfo", X509.b64(spki.whole()));
    m.put("RawSubject", X509.b64(subject.whole()));
    m.put("Version", version);
    m.put("Signature", X509.b64(signature));
    m.put("SignatureAlgorithm", signatureAlgorithm(sigOid));
    m.put("PublicKeyAlgorithm", X509.publicKeyAlgorithm(key));
    m.put("PublicKey", X509.goPublicKey(key));
    m.put("Subject", X509.name(new X500Principal(subject.whole())));
    m.put("Attributes", null);
    m.put("Extensions", extensions.isEmpty() ? null : extensions);
    m.put("ExtraExtensions", null);
    m.put("DNSNames", dns.isEmpty() ? null : new ArrayList<Object>(dns));
    m.put("EmailAddresses", emails.isEmpty() ? null : new ArrayList<Object>(emails));
    m.put("IPAddresses", ips.isEmpty() ? null : new ArrayList<Object>(ips));
    m.put("URIs", uris.isEmpty() ? null : new ArrayList<Object>(uris));
    return m;
  }

  /** Go's {@code x509.SignatureAlgorithm} number for a signature algorithm OID. */
  private static long signatureAlgorithm(String oid) {
    return switch (oid) {
      case "1.2.840.113549.1.1.4" -> 2;
      case "1.2.840.113549.1.1.5" -> 3;
      case "1.2.840.113549.1.1.11" -> 4;
      case "1.2.840.113549.1.1.12" -> 5;
      case "1.2.840.113549.1.1.13" -> 6;
      case "1.2.840.10040.4.3" -> 7;
      case "2.16.840.1.101.3.4.3.2" -> 8;
      case "1.2.840.10045.4.1" -> 9;
      case "1.2.840.10045.4.3.2" -> 10;
      case "1.2.840.10045.4.3.3" -> 11;
      case "1.2.840.10045.4.3.4" -> 12;
      case "1.2.840.113549.1.1.10" -> 13;
      case "1.3.101.112" -> 16;
      default -> 0;
    };
  }

  private static void sans(
      byte[] value, List<String> dns, List<String> emails, List<String> ips, List<String> uris) {
    Tlv seq = read(value, new int[] {0});
    for (Tlv name : children(seq.content())) {
      switch (name.tag()) {
        case 0x81 -> emails.add(new String(name.content(), StandardCharsets.US_ASCII));
        case 0x82 -> dns.add(new String(name.content(), StandardCharsets.US_ASCII));
        case 0x86 -> uris.add(new String(name.content(), StandardCharsets.US_ASCII));
        case 0x87 -> {
          try {
            ips.add(java.net.InetAddress.getByAddress(name.content()).getHostAddress());
          } catch (java.net.UnknownHostException e) {
            throw malformed();
          }
        }
        default -> {}
      }
    }
  }

  private static byte[] decode(String input) {
    String s = input.strip();
    if (s.startsWith("-----BEGIN")) {
      int nl = s.indexOf('\n');
      String header = s.substring(0, nl < 0 ? s.length() : nl).strip();
      if (!header.equals("-----BEGIN CERTIFICATE REQUEST-----"))
        throw BuiltinException.error("invalid PEM-encoded certificate signing request");
      int end = s.indexOf("-----END");
      if (nl < 0 || end < 0)
        throw BuiltinException.error("invalid PEM-encoded certificate signing request");
      s = s.substring(nl + 1, end).replaceAll("\\s", "");
    }
    try {
      byte[] der = X509.goBase64(s);
      // base64 of a PEM request, as OPA accepts
      String text = new String(der, StandardCharsets.US_ASCII);
      if (text.startsWith("-----BEGIN")) return decode(text);
      return der;
    } catch (IllegalArgumentException e) {
      throw BuiltinException.error("illegal base64 data: " + e.getMessage());
    }
  }
}
