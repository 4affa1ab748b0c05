package dev.lattice.policy.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BundleSignaturesTest {

  record Keys(String alg, SigningKey signing, VerificationKey verification) {
    @Override
    public String toString() {
      return alg;
    }
  }

  private static final Keys RS256;
  private static final Keys ES256;
  private static final Keys HS256;

  static {
    try {
      KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
      rsa.initialize(2048);
      KeyPair r = rsa.generateKeyPair();
      RS256 =
          new Keys(
              "RS256",
              new SigningKey("k-rsa", "RS256", BundleSignatures.toPem(r.getPrivate())),
              new VerificationKey("k-rsa", "RS256", BundleSignatures.toPem(r.getPublic())));
      KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
      ec.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair e = ec.generateKeyPair();
      ES256 =
          new Keys(
              "ES256",
              new SigningKey("k-ec", "ES256", BundleSignatures.toPem(e.getPrivate())),
              new VerificationKey("k-ec", "ES256", BundleSignatures.toPem(e.getPublic())));
      String secret = "a-shared-secret-of-at-least-32-bytes!";
      HS256 =
          new Keys(
              "HS256",
              new SigningKey("k-hmac", "HS256", secret),
              new VerificationKey("k-hmac", "HS256", secret));
    } catch (Exception ex) {
      throw new ExceptionInInitializerError(ex);
    }
  }

  static Stream<Arguments> algorithms() {
    return Stream.of(Arguments.of(RS256), Arguments.of(ES256), Arguments.of(HS256));
  }

  private static Map<String, byte[]> files() {
    Map<String, byte[]> m = new TreeMap<>();
    m.put(
        ".manifest", "{\"revision\":\"r1\",\"roots\":[\"acme\"]}".getBytes(StandardCharsets.UTF_8));
    m.put("acme/p.rego", "package acme\n\nallow := true\n".getBytes(StandardCharsets.UTF_8));
    m.put("acme/data.json", "{\"limit\": 3}".getBytes(StandardCharsets.UTF_8));
    return m;
  }

  private static Bundle signed(Keys keys) {
    return BundleLoader.fromTarGz(
        "signed.tar.gz",
        BundleBuilder.build(BundleLoader.fromFiles("src", files()), null, keys.signing()));
  }

  private static Bundle withFile(Bundle b, String name, String content) {
    Map<String, byte[]> f = new TreeMap<>(b.files());
    f.put(".signatures.json", b.signatures());
    f.put(name, content.getBytes(StandardCharsets.UTF_8));
    return BundleLoader.fromFiles("tampered", f);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("algorithms")
  void aBundleSignedWithTheConfiguredKeyVerifies(Keys keys) {
    Bundle b = signed(keys);

    assertThat(b.signed()).isTrue();
    assertThatCode(() -> BundleSignatures.verify(b, List.of(keys.verification())))
        .doesNotThrowAnyException();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("algorithms")
  void aTamperedRegoFileIsRefusedNamingTheFile(Keys keys) {
    Bundle b = withFile(signed(keys), "acme/p.rego", "package acme\n\nallow := false\n");

    assertThatThrownBy(() -> BundleSignatures.verify(b, List.of(keys.verification())))
        .isInstanceOf(BundleSignatureException.class)
        .hasMessageContaining("acme/p.rego: content does not match the signed hash");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("algorithms")
  void anAddedFileIsRefused(Keys keys) {
    Bundle b = withFile(signed(keys), "acme/extra.rego", "package acme\n\ndeny := true\n");

    assertThatThrownBy(() -> BundleSignatures.verify(b, List.of(keys.verification())))
        .isInstanceOf(BundleSignatureException.class)
        .hasMessageContaining("acme/extra.rego: file is not covered by the signature");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("algorithms")
  void anUnsignedBundleIsRefusedWhenAKeyIsConfigured(Keys keys) {
    Bundle b = BundleLoader.fromFiles("unsigned", files());

    assertThatThrownBy(() -> BundleSignatures.verify(b, List.of(keys.verification())))
        .isInstanceOf(BundleSignatureException.class)
        .hasMessageContaining(".signatures.json: missing");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("algorithms")
  void aSignatureByAnotherKeyWithTheSameIdIsRefused(Keys keys) {
    Keys other = keys == HS256 ? RS256 : HS256;
    VerificationKey wrong =
        keys == HS256
            ? new VerificationKey("k-hmac", "HS256", "another-shared-secret-of-32-bytes-or-more")
            : new VerificationKey(
                keys.verification().keyId(),
                keys.alg(),
                (keys == RS256 ? ES256 : RS256).verification().key());
    Bundle b = signed(keys);

    assertThat(other).isNotNull();
    assertThatThrownBy(() -> BundleSignatures.verify(b, List.of(wrong)))
        .isInstanceOf(BundleSignatureException.class);
  }

  @Test
  void reformattedJsonKeepsItsSignature() {
    Bundle b = signed(HS256);
    Bundle reformatted = withFile(b, "acme/data.json", "{\n  \"limit\" : 3\n}\n");

    assertThatCode(() -> BundleSignatures.verify(reformatted, List.of(HS256.verification())))
        .doesNotThrowAnyException();
  }

  @Test
  void aSignatureWithAnAlgorithmOtherThanTheKeysIsRefused() {
    Bundle b = signed(HS256);
    VerificationKey rsaWithSameId =
        new VerificationKey("k-hmac", "RS256", RS256.verification().key());

    assertThatThrownBy(() -> BundleSignatures.verify(b, List.of(rsaWithSameId)))
        .isInstanceOf(BundleSignatureException.class)
        .hasMessageContaining("signed with HS256 but key 'k-hmac' expects RS256");
  }

  @Test
  void aSignatureByAnUnknownKeyIdIsRefused() {
    Bundle b = signed(RS256);

    assertThatThrownBy(
            () -> BundleSignatures.verify(b, List.of(ES256.verification(), HS256.verification())))
        .isInstanceOf(BundleSignatureException.class)
        .hasMessageContaining("unknown key id 'k-rsa'");
  }

  @Test
  void withoutConfiguredKeysNothingIsChecked() {
    assertThatCode(() -> BundleSignatures.verify(BundleLoader.fromFiles("u", files()), List.of()))
        .doesNotThrowAnyException();
  }
}
