package dev.lattice.policy.internal.rego.builtins;

import static dev.lattice.policy.internal.rego.builtins.Builtins.add;

import dev.lattice.policy.internal.rego.value.Json;
import dev.lattice.policy.internal.rego.value.Value;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code providers.aws.sign_req(request, aws_config, time_ns)}: signs an {@code http.send} request
 * object with AWS Signature Version 4 the way OPA does, and returns the request with its headers
 * replaced by the signed set. It computes only (HMAC-SHA256 and SHA-256 from the JDK); nothing is
 * sent anywhere.
 *
 * <p>OPA's flavour of SigV4, which this follows so that signatures match OPA's byte for byte:
 *
 * <ul>
 *   <li>The canonical request has the method as given (not upper-cased), the URL's escaped path as
 *       Go's {@code url.URL.EscapedPath} gives it (empty for {@code http://host}), and the raw
 *       query string as written (not sorted or re-encoded).
 *   <li>Signed headers: {@code host}, {@code x-amz-date}, {@code x-amz-content-sha256} for the
 *       services {@code s3} and {@code glacier}, {@code x-amz-security-token} when the config has
 *       {@code aws_session_token}, then every request header by its lower-cased name (a request
 *       header overrides a generated one of the same name in the signature) except {@code
 *       authorization}, {@code user-agent} and {@code x-amzn-trace-id}. Values are signed as given
 *       (not trimmed).
 *   <li>The payload is {@code raw_body} if present, else {@code body} as compact JSON (sets become
 *       arrays), else empty; with {@code disable_payload_signing: true} its hash is {@code
 *       UNSIGNED-PAYLOAD}.
 *   <li>The result's headers are the request's headers (non-string values become {@code ""}),
 *       {@code Authorization}, then the generated headers, which replace request headers of the
 *       same name.
 * </ul>
 *
 * <p>Errors carry OPA's wording, including its operand numbers.
 */
final class AwsSignatures {
  private AwsSignatures() {}

  /** Config keys that must be present with string values. */
  private static final List<String> REQUIRED_CONFIG =
      List.of("aws_access_key", "aws_region", "aws_secret_access_key", "aws_service");

  /** The request keys {@code http.send} accepts (OPA checks the request against the same list). */
  private static final Set<String> REQUEST_KEYS =
      Set.of(
          "method",
          "url",
          "body",
          "enable_redirect",
          "force_json_decode",
          "force_yaml_decode",
          "headers",
          "raw_body",
          "tls_use_system_certs",
          "tls_ca_cert",
          "tls_ca_cert_file",
          "tls_ca_cert_env_variable",
          "tls_client_cert",
          "tls_client_cert_file",
          "tls_client_cert_env_variable",
          "tls_client_key",
          "tls_client_key_file",
          "tls_client_key_env_variable",
          "tls_insecure_skip_verify",
          "tls_server_name",
          "timeout",
          "cache",
          "force_cache",
          "force_cache_duration_seconds",
          "raise_error",
          "caching_mode",
          "max_retry_attempts",
          "cache_ignored_headers");

  /** Headers a proxy may change on the way: never signed. */
  private static final Set<String> IGNORED_HEADERS =
      Set.of("authorization", "user-agent", "x-amzn-trace-id");

  private static final String ALGORITHM = "AWS4-HMAC-SHA256";
  private static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  static void register() {
    add("providers.aws.sign_req", 3, (a, c) -> signReq(a));
  }

  /** AWS credentials and scope taken from the config object. */
  record Credentials(String accessKey, String secretKey, String region, String sessionToken) {}

  /** What {@link #sign} returns: the Authorization header and the generated headers. */
  record Signed(String authorization, Map<String, String> awsHeaders) {}

  private static Value signReq(Value[] a) {
    if (!(a[0] instanceof Value.Obj req)) throw operandType(1, "object", a[0]);
    // OPA reports a non-object config as operand 1 too
    if (!(a[1] instanceof Value.Obj config)) throw operandType(1, "object", a[1]);
    checkConfig(config);
    String service = stringOrEmpty(config.get("aws_service"));
    Value token = config.get("aws_session_token");
    Credentials creds =
        new Credentials(
            stringOrEmpty(config.get("aws_access_key")),
            stringOrEmpty(config.get("aws_secret_access_key")),
            stringOrEmpty(config.get("aws_region")),
            token == null ? "" : stringOrEmpty(token));

    if (!(a[2] instanceof Value.Num n)) throw operandType(1, "number", a[2]);
    long timeNs = timestamp(n);

    checkRequestKeys(req);
    Value headersValue = req.get("headers");
    Value.Obj headers = Value.EMPTY_OBJECT;
    if (headersValue != null) {
      if (!(headersValue instanceof Value.Obj h)) throw operandType(0, "object", headersValue);
      headers = h;
    }
    Value url = req.get("url");
    Value method = req.get("method");
    TreeSet<String> invalid = new TreeSet<>();
    if (!(method instanceof Value.Str)) invalid.add("method");
    if (!(url instanceof Value.Str)) invalid.add("url");
    if (!invalid.isEmpty())
      throw operand(1, "invalid values for required request parameters(s): " + set(invalid));
    GoUrl parsed = GoUrl.parse(((Value.Str) url).value);

    byte[] body = body(req.get("body"), req.get("raw_body"));

    boolean disablePayloadSigning = false;
    Value dps = config.get("disable_payload_signing");
    if (dps != null) {
      if (!(dps instanceof Value.Bool b))
        throw operand(2, "invalid value for 'disable_payload_signing' in AWS config");
      disablePayloadSigning = b.value;
    }

    // request headers by (string) name; OPA reads a non-string name or value as ""
    Map<String, String> requestHeaders = new TreeMap<>();
    for (Map.Entry<Value, Value> e : headers.map().entrySet())
      requestHeaders.put(stringOrEmpty(e.getKey()), stringOrEmpty(e.getValue()));

    Signed signed =
        sign(
            requestHeaders,
            ((Value.Str) method).value,
            parsed,
            body,
            service,
            creds,
            timeNs,
            disablePayloadSigning);

    TreeMap<Value, Value> out = new TreeMap<>();
    for (Map.Entry<String, String> e : requestHeaders.entrySet())
      out.put(Value.str(e.getKey()), Value.str(e.getValue()));
    out.put(Value.str("Authorization"), Value.str(signed.authorization()));
    for (Map.Entry<String, String> e : signed.awsHeaders().entrySet())
      out.put(Value.str(e.getKey()), Value.str(e.getValue()));
    TreeMap<Value, Value> result = req.mutableCopy();
    result.put(Value.str("headers"), new Value.Obj(out));
    return new Value.Obj(result);
  }

  /**
   * Signs a request with SigV4 as OPA does ({@code headers} by their names as given, not yet
   * lower-cased).
   */
  static Signed sign(
      Map<String, String> headers,
      String method,
      GoUrl url,
      byte[] body,
      String service,
      Credentials creds,
      long timeNs,
      boolean disablePayloadSigning) {
    String contentSha256 = disablePayloadSigning ? UNSIGNED_PAYLOAD : hex(sha256(body));
    Instant now =
        Instant.ofEpochSecond(
            Math.floorDiv(timeNs, 1_000_000_000L), Math.floorMod(timeNs, 1_000_000_000L));
    String day = DAY.format(now);
    String stamp = STAMP.format(now);

    Map<String, String> aws = new LinkedHashMap<>();
    aws.put("host", url.host());
    aws.put("x-amz-date", stamp);
    if (service.equals("s3") || service.equals("glacier"))
      aws.put("x-amz-content-sha256", contentSha256);
    if (!creds.sessionToken().isEmpty()) aws.put("x-amz-security-token", creds.sessionToken());

    TreeMap<String, String> toSign = new TreeMap<>(aws);
    for (Map.Entry<String, String> e : headers.entrySet()) {
      String lower = e.getKey().toLowerCase(java.util.Locale.ROOT);
      if (!IGNORED_HEADERS.contains(lower)) toSign.put(lower, e.getValue());
    }

    StringBuilder canonical = new StringBuilder();
    canonical.append(method).append('\n');
    canonical.append(url.escapedPath()).append('\n');
    canonical.append(url.rawQuery()).append('\n');
    for (Map.Entry<String, String> e : toSign.entrySet())
      canonical.append(e.getKey()).append(':').append(e.getValue()).append('\n');
    canonical.append('\n');
    String signedHeaders = String.join(";", toSign.keySet());
    canonical.append(signedHeaders).append('\n');
    canonical.append(contentSha256);

    String scope = day + "/" + creds.region() + "/" + service + "/aws4_request";
    String stringToSign =
        ALGORITHM
            + "\n"
            + stamp
            + "\n"
            + scope
            + "\n"
            + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));

    byte[] key = hmac(("AWS4" + creds.secretKey()).getBytes(StandardCharsets.UTF_8), day);
    key = hmac(key, creds.region());
    key = hmac(key, service);
    key = hmac(key, "aws4_request");
    String signature = hex(hmac(key, stringToSign));

    String authorization =
        ALGORITHM
            + " Credential="
            + creds.accessKey()
            + "/"
            + scope
            + ",SignedHeaders="
            + signedHeaders
            + ",Signature="
            + signature;
    return new Signed(authorization, aws);
  }

  private static void checkConfig(Value.Obj config) {
    TreeSet<String> missing = new TreeSet<>();
    TreeSet<String> invalid = new TreeSet<>();
    for (String k : REQUIRED_CONFIG) {
      Value v = config.get(k);
      if (v == null) missing.add(k);
      else if (!(v instanceof Value.Str)) invalid.add(k);
    }
    if (!missing.isEmpty())
      throw operand(2, "missing required AWS config parameters(s): " + set(missing));
    if (!invalid.isEmpty())
      throw operand(2, "invalid values for required AWS config parameters(s): " + set(invalid));
  }

  /** OPA's {@code validateHTTPRequestOperand}: unknown keys first, then missing required ones. */
  static void checkRequestKeys(Value.Obj req) {
    TreeSet<Value> invalid = new TreeSet<>();
    for (Value k : req.map().keySet())
      if (!(k instanceof Value.Str s) || !REQUEST_KEYS.contains(s.value)) invalid.add(k);
    if (!invalid.isEmpty())
      throw operand(
          1,
          "invalid request parameters(s): " + Json.term(Value.SetV.of(new ArrayList<>(invalid))));
    TreeSet<String> missing = new TreeSet<>();
    for (String k : List.of("method", "url")) if (req.get(k) == null) missing.add(k);
    if (!missing.isEmpty())
      throw operand(1, "missing required request parameters(s): " + set(missing));
  }

  /** Go's {@code json.Number.Int64}: an integer that fits 64 bits. */
  private static long timestamp(Value.Num n) {
    if (n.isSmall()) return n.small;
    if (n.isInteger()) {
      try {
        return n.toBig().longValueExact();
      } catch (ArithmeticException e) {
        // falls through to OPA's error
      }
    }
    throw operand(3, "could not convert time_ns value into a unix timestamp");
  }

  private static byte[] body(Value body, Value rawBody) {
    if (rawBody != null) return stringOrEmpty(rawBody).getBytes(StandardCharsets.UTF_8);
    if (body != null) return Json.write(body).getBytes(StandardCharsets.UTF_8);
    return new byte[0];
  }

  private static String stringOrEmpty(Value v) {
    return v instanceof Value.Str s ? s.value : "";
  }

  private static String set(TreeSet<String> names) {
    List<Value> vs = new ArrayList<>();
    for (String n : names) vs.add(Value.str(n));
    return Json.term(Value.SetV.of(vs));
  }

  private static BuiltinException operand(int pos, String message) {
    return BuiltinException.type("operand " + pos + " " + message);
  }

  private static BuiltinException operandType(int pos, String want, Value got) {
    return BuiltinException.type(
        "operand " + pos + " must be " + want + " but got " + got.typeName());
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] hmac(byte[] key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  /**
   * The parts of a URL that SigV4 signs, parsed as Go's {@code net/url.Parse} does: {@code host} is
   * the authority without user info, {@code escapedPath} is {@code URL.EscapedPath()} and {@code
   * rawQuery} the query as written.
   */
  record GoUrl(String host, String escapedPath, String rawQuery) {
    static GoUrl parse(String raw) {
      for (int i = 0; i < raw.length(); i++) {
        char c = raw.charAt(i);
        if (c < 0x20 || c == 0x7f)
          throw parseError(raw, "net/url: invalid control character in URL");
      }
      String rest = raw;
      int hash = rest.indexOf('#');
      if (hash >= 0) rest = rest.substring(0, hash);
      String scheme = "";
      int colon = schemeEnd(rest);
      if (colon == 0) throw parseError(raw, "missing protocol scheme");
      if (colon > 0) {
        scheme = rest.substring(0, colon);
        rest = rest.substring(colon + 1);
      }
      String query = "";
      int q = rest.indexOf('?');
      if (q >= 0) {
        query = rest.substring(q + 1);
        rest = rest.substring(0, q);
      }
      if (!rest.startsWith("/") && !scheme.isEmpty()) {
        // an opaque URL ("mailto:x"): no host, no path
        return new GoUrl("", "", query);
      }
      if (scheme.isEmpty()) {
        int slash = rest.indexOf('/');
        int firstColon = rest.indexOf(':');
        if (firstColon >= 0 && (slash < 0 || firstColon < slash))
          throw parseError(raw, "first path segment in URL cannot contain colon");
      }
      String host = "";
      if (rest.startsWith("//") && (!scheme.isEmpty() || !rest.startsWith("///"))) {
        String authority = rest.substring(2);
        int end = authority.indexOf('/');
        String path = end < 0 ? "" : authority.substring(end);
        authority = end < 0 ? authority : authority.substring(0, end);
        int at = authority.lastIndexOf('@');
        host = at < 0 ? authority : authority.substring(at + 1);
        rest = path;
      }
      return new GoUrl(host, escapedPath(raw, rest), query);
    }

    /** Index of the scheme's ':' , -1 for none, 0 for a URL that starts with ':'. */
    private static int schemeEnd(String s) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) continue;
        if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
          if (i == 0) return -1;
          continue;
        }
        if (c == ':') return i;
        return -1;
      }
      return -1;
    }

    /** {@code EscapedPath}: the path as written when it is validly escaped, else re-escaped. */
    private static String escapedPath(String raw, String path) {
      byte[] decoded = unescape(raw, path);
      if (validEncoded(path)) return path;
      return escape(decoded);
    }

    private static byte[] unescape(String raw, String s) {
      byte[] in = s.getBytes(StandardCharsets.UTF_8);
      ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
      for (int i = 0; i < in.length; i++) {
        if (in[i] == '%') {
          if (i + 2 >= in.length || !isHex(in[i + 1]) || !isHex(in[i + 2])) {
            String bad = new String(in, i, Math.min(3, in.length - i), StandardCharsets.UTF_8);
            throw parseError(raw, "invalid URL escape " + goQuote(bad));
          }
          out.write(Integer.parseInt(new String(in, i + 1, 2, StandardCharsets.US_ASCII), 16));
          i += 2;
        } else {
          out.write(in[i]);
        }
      }
      return out.toByteArray();
    }

    private static boolean isHex(byte b) {
      return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }

    private static boolean validEncoded(String s) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if ("!$&'()*+,;=:@[]%".indexOf(c) >= 0) continue;
        if (c > 0x7f || shouldEscape((byte) c)) return false;
      }
      return true;
    }

    /** Go's {@code shouldEscape} in path mode. */
    private static boolean shouldEscape(byte c) {
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return false;
      return switch (c) {
        case '-', '_', '.', '~', '$', '&', '+', ',', '/', ':', ';', '=', '@' -> false;
        default -> true;
      };
    }

    private static String escape(byte[] path) {
      StringBuilder b = new StringBuilder(path.length);
      for (byte x : path) {
        if (shouldEscape(x)) b.append('%').append(String.format("%02X", x & 0xff));
        else b.append((char) x);
      }
      return b.toString();
    }

    /** Go's {@code %q} for text without control characters. */
    private static String goQuote(String s) {
      return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static BuiltinException parseError(String raw, String why) {
      return BuiltinException.error("parse " + goQuote(raw) + ": " + why);
    }
  }
}
