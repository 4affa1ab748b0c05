package dev.lattice.policy.internal.rego.builtins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.policy.EvalOptions;
import dev.lattice.policy.Rego;
import dev.lattice.policy.RegoException;
import dev.lattice.policy.RegoModule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code providers.aws.sign_req} against AWS's published SigV4 examples (the "get-vanilla" and
 * "post-vanilla" cases of AWS's Signature Version 4 test suite and the GetObject example of the S3
 * documentation), and its argument checks with OPA's wording.
 */
class AwsSignaturesTest {
  private static final EvalOptions STRICT = EvalOptions.defaults().withStrictBuiltinErrors(true);

  /** The test suite's credentials, scope and time (2015-08-30T12:36:00Z). */
  private static final String SUITE_CONFIG =
      "{\"aws_access_key\": \"AKIDEXAMPLE\","
          + " \"aws_secret_access_key\": \"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\","
          + " \"aws_service\": \"service\", \"aws_region\": \"us-east-1\"}";

  private static final long SUITE_TIME_NS = 1_440_938_160_000_000_000L;
  private static final String EMPTY_SHA256 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  private static Object eval(String expr) {
    return eval(expr, EvalOptions.defaults());
  }

  private static Object eval(String expr, EvalOptions options) {
    String src = "package t\nx := " + expr + "\n";
    var bindings =
        Rego.compile(List.of(new RegoModule("t.rego", src)), null)
            .prepare("data.t.x")
            .evaluate(null, options)
            .bindings();
    return bindings.isEmpty() ? null : bindings.get(0).get("x");
  }

  private static String authorization(Object signed) {
    @SuppressWarnings("unchecked")
    Map<String, Object> req = (Map<String, Object>) signed;
    @SuppressWarnings("unchecked")
    Map<String, Object> headers = (Map<String, Object>) req.get("headers");
    return (String) headers.get("Authorization");
  }

  @Test
  void theGetVanillaCaseOfAwsTestSuiteSignsToItsPublishedSignature() {
    Object signed =
        eval(
            "providers.aws.sign_req({\"method\": \"GET\", \"url\":"
                + " \"https://example.amazonaws.com/\"}, "
                + SUITE_CONFIG
                + ", "
                + SUITE_TIME_NS
                + ")");
    assertThat(signed)
        .isEqualTo(
            Map.of(
                "method",
                "GET",
                "url",
                "https://example.amazonaws.com/",
                "headers",
                Map.of(
                    "Authorization",
                    "AWS4-HMAC-SHA256"
                        + " Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request,"
                        + "SignedHeaders=host;x-amz-date,"
                        + "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
                    "host",
                    "example.amazonaws.com",
                    "x-amz-date",
                    "20150830T123600Z")));
  }

  @Test
  void thePostVanillaCaseOfAwsTestSuiteSignsToItsPublishedSignature() {
    AwsSignatures.Signed signed =
        AwsSignatures.sign(
            Map.of(),
            "POST",
            AwsSignatures.GoUrl.parse("https://example.amazonaws.com/"),
            new byte[0],
            "service",
            new AwsSignatures.Credentials(
                "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", ""),
            SUITE_TIME_NS,
            false);
    assertThat(signed.authorization())
        .endsWith(
            ",SignedHeaders=host;x-amz-date,"
                + "Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
    assertThat(signed.awsHeaders())
        .containsExactly(
            Map.entry("host", "example.amazonaws.com"),
            Map.entry("x-amz-date", "20150830T123600Z"));
  }

  @Test
  void theS3DocumentationGetObjectExampleSignsToItsPublishedSignatureWithTheContentHashHeader() {
    // GET /test.txt with Range: bytes=0-9 at 2013-05-24T00:00:00Z, service s3
    Object signed =
        eval(
            "providers.aws.sign_req({\"method\": \"GET\", \"url\":"
                + " \"https://examplebucket.s3.amazonaws.com/test.txt\", \"headers\": {\"Range\":"
                + " \"bytes=0-9\"}}, {\"aws_access_key\": \"AKIAIOSFODNN7EXAMPLE\","
                + " \"aws_secret_access_key\": \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\","
                + " \"aws_service\": \"s3\", \"aws_region\": \"us-east-1\"}, 1369353600000000000)");
    assertThat(authorization(signed))
        .isEqualTo(
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    @SuppressWarnings("unchecked")
    Map<String, Object> headers =
        (Map<String, Object>) ((Map<String, Object>) signed).get("headers");
    assertThat(headers)
        .containsEntry("Range", "bytes=0-9")
        .containsEntry("x-amz-content-sha256", EMPTY_SHA256)
        .containsEntry("x-amz-date", "20130524T000000Z");
  }

  @Test
  void headersAProxyMayChangeAreKeptButNotSignedAndASessionTokenIsSigned() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("User-Agent", "policy/1");
    headers.put("X-Amzn-Trace-Id", "Root=1");
    headers.put("authorization", "old");
    AwsSignatures.Signed signed =
        AwsSignatures.sign(
            headers,
            "GET",
            AwsSignatures.GoUrl.parse("https://example.amazonaws.com/"),
            new byte[0],
            "service",
            new AwsSignatures.Credentials("AK", "SK", "eu-west-1", "TOKEN"),
            SUITE_TIME_NS,
            false);
    assertThat(signed.authorization())
        .startsWith("AWS4-HMAC-SHA256 Credential=AK/20150830/eu-west-1/service/aws4_request,")
        .contains(",SignedHeaders=host;x-amz-date;x-amz-security-token,");
    assertThat(signed.awsHeaders()).containsEntry("x-amz-security-token", "TOKEN");
  }

  @Test
  void withPayloadSigningDisabledTheContentHashIsUnsignedPayload() {
    Object signed =
        eval(
            "providers.aws.sign_req({\"method\": \"PUT\", \"url\": \"https://b.s3.amazonaws.com/k\","
                + " \"raw_body\": \"data\"}, {\"aws_access_key\": \"AK\", \"aws_secret_access_key\":"
                + " \"SK\", \"aws_service\": \"s3\", \"aws_region\": \"us-east-1\","
                + " \"disable_payload_signing\": true}, 0).headers[\"x-amz-content-sha256\"]");
    assertThat(signed).isEqualTo("UNSIGNED-PAYLOAD");
  }

  @Test
  void theUrlIsSignedWithGosEscapedPathAndTheRawQuery() {
    assertThat(AwsSignatures.GoUrl.parse("http://example.com"))
        .isEqualTo(new AwsSignatures.GoUrl("example.com", "", ""));
    assertThat(AwsSignatures.GoUrl.parse("https://user:pw@h.example:8443/a%2Fb/c?z=1&a=2#frag"))
        .isEqualTo(new AwsSignatures.GoUrl("h.example:8443", "/a%2Fb/c", "z=1&a=2"));
    assertThat(AwsSignatures.GoUrl.parse("https://h/a b/ü").escapedPath())
        .isEqualTo("/a%20b/%C3%BC");
    assertThat(AwsSignatures.GoUrl.parse("https://h/a%20b c").escapedPath())
        .isEqualTo("/a%20b%20c");
  }

  @Test
  void badArgumentsAreErrorsWithOpasWording() {
    String req = "{\"method\": \"get\", \"url\": \"https://example.com\"}";
    String cfg =
        "{\"aws_access_key\": \"AK\", \"aws_secret_access_key\": \"SK\", \"aws_service\": \"s3\","
            + " \"aws_region\": \"us-east-1\"}";
    assertError(
        "providers.aws.sign_req(" + req + ", {\"aws_access_key\": \"AK\"}, 0)",
        "eval_type_error",
        "providers.aws.sign_req: operand 2 missing required AWS config parameters(s):"
            + " {\"aws_region\", \"aws_secret_access_key\", \"aws_service\"}");
    assertError(
        "providers.aws.sign_req(" + req + ", object.union(" + cfg + ", {\"aws_region\": 1}), 0)",
        "eval_type_error",
        "operand 2 invalid values for required AWS config parameters(s): {\"aws_region\"}");
    assertError(
        "providers.aws.sign_req("
            + req
            + ", object.union("
            + cfg
            + ", {\"disable_payload_signing\": \"yes\"}), 0)",
        "eval_type_error",
        "operand 2 invalid value for 'disable_payload_signing' in AWS config");
    assertError(
        "providers.aws.sign_req({\"method\": \"get\", \"uri\": \"x\"}, " + cfg + ", 0)",
        "eval_type_error",
        "operand 1 invalid request parameters(s): {\"uri\"}");
    assertError(
        "providers.aws.sign_req({\"method\": \"get\"}, " + cfg + ", 0)",
        "eval_type_error",
        "operand 1 missing required request parameters(s): {\"url\"}");
    assertError(
        "providers.aws.sign_req({\"method\": 1, \"url\": 2}, " + cfg + ", 0)",
        "eval_type_error",
        "operand 1 invalid values for required request parameters(s): {\"method\", \"url\"}");
    assertError(
        "providers.aws.sign_req(" + req + ", " + cfg + ", 1.5)",
        "eval_type_error",
        "operand 3 could not convert time_ns value into a unix timestamp");
    assertError(
        "providers.aws.sign_req({\"method\": \"get\", \"url\": \"https://h/%zz\"}, " + cfg + ", 0)",
        "eval_builtin_error",
        "providers.aws.sign_req: parse \"https://h/%zz\": invalid URL escape \"%zz\"");
    // without strict errors, a failing call is undefined, as in OPA
    assertThat(eval("providers.aws.sign_req({\"method\": \"get\"}, {}, 0)")).isNull();
  }

  private static void assertError(String expr, String code, String message) {
    assertThatThrownBy(() -> eval(expr, STRICT))
        .isInstanceOfSatisfying(
            RegoException.class,
            e -> {
              assertThat(e.code()).isEqualTo(code);
              assertThat(e.getMessage()).contains(message);
            });
  }
}
