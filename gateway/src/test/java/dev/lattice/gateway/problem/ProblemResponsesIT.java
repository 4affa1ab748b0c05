package dev.lattice.gateway.problem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.gateway.security.Role;
import dev.lattice.gateway.support.GatewayHttp.Response;
import dev.lattice.gateway.support.GatewayIntegrationTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every answer is a problem, whoever produces it: an unknown path (404 for an authenticated caller,
 * 401 for an anonymous one, so the API's shape does not leak), a known path with another method
 * (405), an endpoint the access matrix does not list (403), and requests the servlet container or
 * the security firewall refuse before any controller runs (400).
 */
class ProblemResponsesIT extends GatewayIntegrationTest {

  @Test
  void aBodyThatIsNotJsonIsA400NamingTheLineAndColumnWhereTheParserStopped() {
    String body = "{\"header\": {\n  \"event_id\": 1,,\n}";
    // the ingest API reads its body itself; the consent API through Spring's message converters
    Response ingest = asAdmin().post("/api/v1/events/member-data", body);
    Response consent = asAdmin().put("/api/v1/members/m-syntax/consents/analytics", body);
    Response opa = asAdmin().get("/v1/data/lattice/allow?input=%7B%0A%22a%22%3A%7D");

    for (Response response : java.util.List.of(ingest, consent)) {
      assertThat(response.status()).as(response.body()).isEqualTo(400);
      assertThat(response.json().get("errors").get(0).get("path").asString()).isEqualTo("$");
      assertThat(response.json().get("errors").get(0).get("message").asString())
          .as(response.body())
          .contains("line 2, column");
    }
    assertThat(opa.status()).as(opa.body()).isEqualTo(400);
    assertThat(opa.json().get("errors").get(0).get("message").asString())
        .as(opa.body())
        .contains("line 2, column");
  }

  @Test
  void anAuthenticatedRequestForAnUnknownPathIsA404Problem() {
    Response get = as(keyFor(Role.COMPLIANCE, null)).get("/api/v1/no-such-thing");
    Response post = asAdmin().post("/api/v1/no-such-thing", Map.of());

    assertThat(get.status()).isEqualTo(404);
    assertThat(get.contentType()).startsWith("application/problem+json");
    assertThat(get.json().get("type").asString())
        .isEqualTo("https://lattice.dev/problems/not-found");
    assertThat(get.json().get("detail").asString()).contains("/api/v1/no-such-thing");
    assertThat(post.status()).isEqualTo(404);
  }

  @Test
  void anAnonymousRequestForAnUnknownPathIsStillA401() {
    Response response = http().get("/api/v1/no-such-thing");

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.contentType()).startsWith("application/problem+json");
  }

  @Test
  void aKnownPathWithAnotherMethodIsA405NamingTheAllowedMethods() {
    Response response = asAdmin().get("/api/v1/events/offers");

    assertThat(response.status()).isEqualTo(405);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.raw().headers().firstValue("Allow"))
        .hasValueSatisfying(allow -> assertThat(allow).contains("POST"));
  }

  @Test
  void anEndpointTheAccessMatrixDoesNotListStaysForbidden() {
    // /actuator/info exists (exposed by the configuration) but no rule grants it
    Response response = asAdmin().get("/actuator/info");

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.contentType()).startsWith("application/problem+json");
  }

  @Test
  void anEncodedSlashInThePathIsA400Problem() {
    Response response = asAdmin().post("/v1/data/a%2Fb", Map.of("input", Map.of()));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.json().get("type").asString())
        .isEqualTo("https://lattice.dev/problems/bad-request");
    assertThat(response.json().get("detail").asString()).contains("encoded '/'");
  }

  @Test
  void anEncodedNulInThePathIsA400Problem() {
    Response response = asAdmin().get("/api/v1/members/a%00b/consents");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.contentType()).startsWith("application/problem+json");
  }

  @Test
  void malformedPercentEncodingIsA400Problem() throws IOException {
    String answer = raw("GET /api/v1/members/m%zz/consents HTTP/1.1\r\nHost: localhost\r\n\r\n");

    assertThat(answer).startsWith("HTTP/1.1 400");
    assertThat(answer).contains("Content-Type: application/problem+json");
  }

  @Test
  void aPathTheFirewallRefusesIsA400ProblemSayingWhy() {
    Response response = asAdmin().get("/api/v1/members/m-1;x=1/consents");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.json().get("detail").asString()).contains("\";\"");
  }

  @Test
  void oversizedHeadersAreA400Problem() {
    Response response = asAdmin().with("X-Padding", "p".repeat(20_000)).get("/api/v1/me");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.body()).doesNotContain("<html", "Tomcat");
  }

  @Test
  void aCharacterAUrlMayNotHoldIsA400Problem() throws IOException {
    String answer = raw("GET /api/v1/me|{x} HTTP/1.1\r\nHost: localhost\r\n\r\n");

    assertThat(answer).startsWith("HTTP/1.1 400");
    assertThat(answer).contains("Content-Type: application/problem+json");
    assertThat(answer).doesNotContain("<html");
  }

  /** Sends bytes no HTTP client library would send, and reads the whole answer. */
  private String raw(String request) throws IOException {
    try (Socket socket = new Socket("localhost", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          request
              .replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void aMissingBodyIsA400SayingSoWithoutNamingJavaCode() {
    Response empty = asAdmin().send("POST", "/api/v1/networks", "");
    Response nullBody = asAdmin().send("POST", "/api/v1/networks", "null");

    for (Response response : java.util.List.of(empty, nullBody)) {
      assertThat(response.status()).isEqualTo(400);
      assertThat(response.contentType()).startsWith("application/problem+json");
      assertThat(response.json().get("detail").asString()).isEqualTo("The request body is missing");
      assertThat(response.body()).doesNotContain("dev.lattice", "public ");
    }
  }

  @Test
  void aBodyWithoutOrWithAnotherContentTypeIsA415NamingWhatTheEndpointTakes() {
    Response none =
        asAdmin()
            .postBytes("/api/v1/events/member-data", "{}".getBytes(StandardCharsets.UTF_8), null);
    Response text =
        asAdmin()
            .postBytes("/api/v1/networks", "{}".getBytes(StandardCharsets.UTF_8), "text/plain");

    assertThat(none.status()).isEqualTo(415);
    assertThat(none.json().get("detail").asString())
        .contains("no Content-Type")
        .contains("application/json")
        .doesNotContain("'null'");
    assertThat(text.status()).isEqualTo(415);
    assertThat(text.json().get("detail").asString()).contains("text/plain", "application/json");
    // a Content-Type that is there but cannot be read is not "no Content-Type"
    Response bogus =
        asAdmin()
            .postBytes(
                "/api/v1/networks",
                "{}".getBytes(StandardCharsets.UTF_8),
                "application/json; charset=no-such-charset");
    assertThat(bogus.status()).isEqualTo(415);
    assertThat(bogus.json().get("detail").asString())
        .contains("no-such-charset")
        .doesNotContain("no Content-Type");
  }

  @Test
  void aQueryParameterThatIsNotUtf8IsA400SayingSoNotA500() {
    for (String path :
        java.util.List.of(
            "/api/v1/decisions?memberId=%C3%28",
            "/api/v1/members/m-1/activity?limit=%C3%28", "/api/v1/overview?minutes=%FF")) {
      Response response = asAdmin().get(path);

      assertThat(response.status()).as(path + " " + response.body()).isEqualTo(400);
      assertThat(response.json().get("detail").asString()).as(path).contains("UTF-8");
    }
  }

  @Test
  void aQueryParameterGivenTwiceIsA400NamingIt() {
    Response decisions = asAdmin().get("/api/v1/decisions?memberId=m-a&memberId=m-b");
    Response overview = asAdmin().get("/api/v1/overview?minutes=5&minutes=6");

    assertThat(decisions.status()).isEqualTo(400);
    assertThat(decisions.json().get("errors").get(0).get("path").asString()).isEqualTo("memberId");
    assertThat(decisions.json().get("errors").get(0).get("message").asString())
        .contains("more than once");
    assertThat(overview.status()).isEqualTo(400);
    assertThat(overview.json().get("errors").get(0).get("path").asString()).isEqualTo("minutes");
  }

  @Test
  void aNumberOrBooleanWhereABodyFieldIsAStringIsA400AtTheField() {
    Response number =
        asAdmin().post("/api/v1/networks", Map.of("id", 123, "name", "N", "rules", Map.of()));
    Response bool = asAdmin().post("/api/v1/brands", Map.of("id", "pr-typed", "name", true));

    assertThat(number.status()).isEqualTo(400);
    assertThat(number.json().get("errors").get(0).get("path").asString()).isEqualTo("$.id");
    assertThat(number.json().get("errors").get(0).get("message").asString())
        .isEqualTo("expected a string");
    assertThat(bool.status()).isEqualTo(400);
    assertThat(bool.json().get("errors").get(0).get("path").asString()).isEqualTo("$.name");
    assertThat(asAdmin().get("/api/v1/networks/123").status()).isEqualTo(404);
  }
}
