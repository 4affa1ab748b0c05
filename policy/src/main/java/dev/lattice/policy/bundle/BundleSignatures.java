package dev.lattice.policy.bundle;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * OPA bundle signatures: {@code .signatures.json} holds {@code {"signatures": ["<JWT>"]}}, a JWS
 * whose payload lists every file of the bundle with its SHA-256 hash ({@code {"files": [{"name",
 * "hash", "algorithm"}], "keyid", "scope", "iat"}}). JSON files are hashed in canonical form
 * (compact, keys sorted) so reformatting does not break a signature; other files byte for byte.
 * Stateless and thread-safe.
 */
public final class BundleSignatures {

  private static final JsonMapper CANONICAL =
      JsonMapper.builder()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
          .build();

  private BundleSignatures() {}

  /**
   * Verifies the bundle against the configured keys. With no keys configured nothing is checked
   * (like OPA without a verification config).
   *
   * @throws BundleSignatureException when keys are configured and the bundle is unsigned, signed
   *     with an unknown key or algorithm, the signature is invalid, or a file is missing, extra or
   *     changed
   */
  public static void verify(Bundle bundle, List<VerificationKey> keys) {
    if (keys == null || keys.isEmpty()) return;
    String src = bundle.source();
    if (!bundle.signed()) {
      throw new BundleSignatureException(
          src,
          BundleLoader.SIGNATURES,
          "missing: the bundle is unsigned but a verification key is configured");
    }
    SignedJWT jwt = parseSingleSignature(src, bundle.signatures());
    JWSHeader header = jwt.getHeader();
    Map<String, Object> claims;
    try {
      claims = jwt.getJWTClaimsSet().toJSONObject();
    } catch (ParseException e) {
      throw new BundleSignatureException(
          src, BundleLoader.SIGNATURES, "the JWT payload is not a JSON object", e);
    }
    String kid = header.getKeyID() != null ? header.getKeyID() : (String) claims.get("keyid");
    VerificationKey key = chooseKey(src, keys, kid);
    if (!header.getAlgorithm().getName().equals(key.algorithm())) {
      throw new BundleSignatureException(
          src,
          BundleLoader.SIGNATURES,
          "signed with "
              + header.getAlgorithm()
              + " but key '"
              + key.keyId()
              + "' expects "
              + key.algorithm());
    }
    boolean valid;
    try {
      valid = jwt.verify(verifier(key));
    } catch (JOSEException | GeneralSecurityException | IllegalArgumentException e) {
      throw new BundleSignatureException(
          src,
          BundleLoader.SIGNATURES,
          "cannot verify with key '" + key.keyId() + "': " + e.getMessage(),
          e);
    }
    if (!valid) {
      throw new BundleSignatureException(
          src, BundleLoader.SIGNATURES, "invalid signature for key '" + key.keyId() + "'");
    }
    if (!key.scope().isEmpty() && !key.scope().equals(claims.get("scope"))) {
      throw new BundleSignatureException(
          src,
          BundleLoader.SIGNATURES,
          "scope '" + claims.get("scope") + "' does not match the expected '" + key.scope() + "'");
    }
    checkFiles(src, claims.get("files"), bundle.files());
  }

  /**
   * Signs the bundle files (relative path to bytes; {@code .signatures.json} itself is skipped) and
   * returns the content of {@code .signatures.json}.
   */
  public static byte[] sign(Map<String, byte[]> files, SigningKey key) {
    List<Object> entries = new ArrayList<>();
    for (var e : new TreeMap<>(files).entrySet()) {
      if (e.getKey().equals(BundleLoader.SIGNATURES)) continue;
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("name", e.getKey());
      f.put("hash", hash(e.getKey(), e.getValue()));
      f.put("algorithm", "SHA-256");
      entries.add(f);
    }
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .claim("files", entries)
            .claim("keyid", key.keyId())
            .issueTime(new Date());
    if (!key.scope().isEmpty()) claims.claim("scope", key.scope());
    JWSHeader header =
        new JWSHeader.Builder(JWSAlgorithm.parse(key.algorithm())).keyID(key.keyId()).build();
    SignedJWT jwt = new SignedJWT(header, claims.build());
    try {
      jwt.sign(signer(key));
    } catch (JOSEException | GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cannot sign with key '" + key.keyId() + "' (" + key.algorithm() + "): " + e.getMessage(),
          e);
    }
    return CANONICAL.writeValueAsBytes(Map.of("signatures", List.of(jwt.serialize())));
  }

  /** The hex SHA-256 of a bundle file as OPA computes it (canonical JSON for {@code *.json}). */
  public static String hash(String name, byte[] content) {
    byte[] bytes = content;
    if (name.endsWith(".json") || name.equals(BundleLoader.MANIFEST)) {
      try {
        bytes = CANONICAL.writeValueAsBytes(CANONICAL.readValue(content, Object.class));
      } catch (JacksonException e) {
        // hash the raw bytes: the loader reports the invalid JSON with its path
      }
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  private static SignedJWT parseSingleSignature(String src, byte[] raw) {
    Object parsed;
    try {
      parsed = CANONICAL.readValue(raw, Object.class);
    } catch (JacksonException e) {
      throw new BundleSignatureException(
          src, BundleLoader.SIGNATURES, "invalid JSON: " + e.getOriginalMessage(), e);
    }
    if (!(parsed instanceof Map<?, ?> m) || !(m.get("signatures") instanceof List<?> sigs)) {
      throw new BundleSignatureException(
          src, BundleLoader.SIGNATURES, "must be {\"signatures\": [\"<JWT>\"]}");
    }
    if (sigs.size() != 1 || !(sigs.get(0) instanceof String token)) {
      throw new BundleSignatureException(
          src, BundleLoader.SIGNATURES, "must hold exactly one signature, found " + sigs.size());
    }
    try {
      return SignedJWT.parse(token);
    } catch (ParseException e) {
      throw new BundleSignatureException(
          src, BundleLoader.SIGNATURES, "not a signed JWT: " + e.getMessage(), e);
    }
  }

  private static VerificationKey chooseKey(String src, List<VerificationKey> keys, String kid) {
    if (kid == null || kid.isEmpty()) {
      if (keys.size() == 1) return keys.get(0);
      throw new BundleSignatureException(
          src,
          BundleLoader.SIGNATURES,
          "the signature names no key id and several keys are configured");
    }
    for (VerificationKey k : keys) if (k.keyId().equals(kid)) return k;
    throw new BundleSignatureException(
        src, BundleLoader.SIGNATURES, "signed with unknown key id '" + kid + "'");
  }

  private static void checkFiles(String src, Object filesClaim, Map<String, byte[]> actual) {
    if (!(filesClaim instanceof List<?> list)) {
      throw new BundleSignatureException(
          src, BundleLoader.SIGNATURES, "the JWT payload has no 'files' list");
    }
    Map<String, String> signed = new TreeMap<>();
    for (Object o : list) {
      if (!(o instanceof Map<?, ?> f)
          || !(f.get("name") instanceof String name)
          || !(f.get("hash") instanceof String hash)) {
        throw new BundleSignatureException(
            src, BundleLoader.SIGNATURES, "malformed entry in 'files': " + o);
      }
      Object alg = f.get("algorithm");
      if (alg != null && !"SHA-256".equals(alg)) {
        throw new BundleSignatureException(
            src, name, "unsupported hash algorithm " + alg + " (only SHA-256)");
      }
      signed.put(stripSlash(name), hash);
    }
    TreeSet<String> all = new TreeSet<>(actual.keySet());
    all.addAll(signed.keySet());
    for (String name : all) {
      if (!actual.containsKey(name)) {
        throw new BundleSignatureException(src, name, "signed file is missing from the bundle");
      }
      if (!signed.containsKey(name)) {
        throw new BundleSignatureException(src, name, "file is not covered by the signature");
      }
      if (!hash(name, actual.get(name)).equalsIgnoreCase(signed.get(name))) {
        throw new BundleSignatureException(
            src, name, "content does not match the signed hash (tampered)");
      }
    }
  }

  private static String stripSlash(String s) {
    return s.startsWith("/") ? s.substring(1) : s;
  }

  private static JWSVerifier verifier(VerificationKey key)
      throws JOSEException, GeneralSecurityException {
    if (key.isHmac()) return new MACVerifier(key.key().getBytes(StandardCharsets.UTF_8));
    PublicKey pk = publicKey(key.key());
    if (key.algorithm().startsWith("ES")) {
      if (!(pk instanceof ECPublicKey ec))
        throw new IllegalArgumentException("key is not an EC public key");
      return new ECDSAVerifier(ec);
    }
    if (!(pk instanceof RSAPublicKey rsa))
      throw new IllegalArgumentException("key is not an RSA public key");
    return new RSASSAVerifier(rsa);
  }

  private static JWSSigner signer(SigningKey key) throws JOSEException, GeneralSecurityException {
    if (key.algorithm().startsWith("HS"))
      return new MACSigner(key.key().getBytes(StandardCharsets.UTF_8));
    PrivateKey pk = privateKey(key.key(), key.algorithm().startsWith("ES") ? "EC" : "RSA");
    if (key.algorithm().startsWith("ES")) return new ECDSASigner((ECPrivateKey) pk);
    return new RSASSASigner(pk);
  }

  /** Reads a PEM public key ({@code PUBLIC KEY}) or certificate ({@code CERTIFICATE}). */
  static PublicKey publicKey(String pem) throws GeneralSecurityException {
    if (pem.contains("BEGIN CERTIFICATE")) {
      return CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
          .getPublicKey();
    }
    byte[] der = pemBody(pem, "PUBLIC KEY");
    GeneralSecurityException last = null;
    for (String alg : List.of("RSA", "EC")) {
      try {
        return KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw last;
  }

  static PrivateKey privateKey(String pem, String alg) throws GeneralSecurityException {
    if (pem.contains("BEGIN RSA PRIVATE KEY") || pem.contains("BEGIN EC PRIVATE KEY")) {
      throw new IllegalArgumentException(
          "the private key is in the legacy PKCS#1/SEC1 form; convert it with 'openssl pkcs8 -topk8 -nocrypt'");
    }
    return KeyFactory.getInstance(alg)
        .generatePrivate(new PKCS8EncodedKeySpec(pemBody(pem, "PRIVATE KEY")));
  }

  private static byte[] pemBody(String pem, String label) {
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int b = pem.indexOf(begin);
    int e = pem.indexOf(end);
    if (b < 0 || e < 0) throw new IllegalArgumentException("not a PEM " + label);
    String body = pem.substring(b + begin.length(), e).replaceAll("\\s", "");
    return Base64.getDecoder().decode(body);
  }

  /** PEM text of a key (for tests and tooling). */
  public static String toPem(java.security.Key key) {
    String label = key instanceof PrivateKey ? "PRIVATE KEY" : "PUBLIC KEY";
    return "-----BEGIN "
        + label
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded())
        + "\n-----END "
        + label
        + "-----\n";
  }
}
