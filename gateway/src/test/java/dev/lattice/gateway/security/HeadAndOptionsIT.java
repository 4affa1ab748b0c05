package dev.lattice.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.gateway.support.GatewayHttp;
import dev.lattice.gateway.support.GatewayHttp.Response;
import dev.lattice.gateway.support.GatewayIntegrationTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HEAD on a GET endpoint answers as GET does without a body (authenticated and authorised the same
 * way); OPTIONS tells an authenticated caller the methods a path takes, and a 405 (TRACE included)
 * lists the same methods. Anonymous callers get 401 for all of them, as for every request that
 * needs a credential.
 */
class HeadAndOptionsIT extends GatewayIntegrationTest {

  private static final String NETWORK = "ho-net";
  private static final String OTHER_NETWORK = "ho-other";
  private static final String BRAND = "ho-brand";
  private static final String OTHER_BRAND = "ho-other-brand";

  @BeforeEach
  void tenants() {
    for (String id : List.of(NETWORK, OTHER_NETWORK)) {
      asAdmin().post("/api/v1/networks", Map.of("id", id, "name", id, "rules", Map.of()));
    }
    for (String id : List.of(BRAND, OTHER_BRAND)) {
      asAdmin().post("/api/v1/brands", Map.of("id", id, "name", id));
    }
  }

  @Test
  void headOnAGetEndpointAnswersTheGetStatusAndHeadersWithoutABody() {
    Response get = asAdmin().get("/api/v1/networks/" + NETWORK);

    Response head = asAdmin().send("HEAD", "/api/v1/networks/" + NETWORK, null);

    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.contentType()).isEqualTo(get.contentType());
    assertThat(head.raw().headers().firstValue("Content-Length"))
        .hasValue(
            String.valueOf(get.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
  }

  @Test
  void headIsAuthorisedAsGetIsForEveryRoleAndTenant() {
    GatewayHttp networkAdmin = as(keyFor(Role.NETWORK_ADMIN, NETWORK));
    GatewayHttp brand = as(keyFor(Role.BRAND, BRAND));
    GatewayHttp service = as(keyFor(Role.SERVICE, NETWORK));

    assertThat(networkAdmin.send("HEAD", "/api/v1/networks", null).status()).isEqualTo(200);
    assertThat(networkAdmin.send("HEAD", "/api/v1/networks/" + OTHER_NETWORK + "/flows", null))
        .extracting(Response::status)
        .isEqualTo(403);
    assertThat(brand.send("HEAD", "/api/v1/brands/" + BRAND, null).status()).isEqualTo(200);
    assertThat(brand.send("HEAD", "/api/v1/brands/" + OTHER_BRAND, null).status()).isEqualTo(403);
    assertThat(brand.send("HEAD", "/api/v1/brands/" + BRAND + "/insights", null).status())
        .isEqualTo(200);
    assertThat(brand.send("HEAD", "/api/v1/networks", null).status()).isEqualTo(403);
    assertThat(service.send("HEAD", "/api/v1/members/ho-nobody/consents", null).status())
        .isEqualTo(404);
    assertThat(service.send("HEAD", "/api/v1/schemas", null).status()).isEqualTo(200);
    assertThat(asAdmin().send("HEAD", "/api/v1/networks/ho-missing", null).status()).isEqualTo(404);
    assertThat(asAdmin().send("HEAD", "/api/v1/no-such-thing", null).status()).isEqualTo(404);
  }

  @Test
  void headWithoutOrWithAWrongCredentialIs401() {
    assertThat(http().send("HEAD", "/api/v1/networks", null).status()).isEqualTo(401);
    assertThat(
            http()
                .withApiKey("lk_not-a-key-of-this-installation")
                .send("HEAD", "/api/v1/networks", null)
                .status())
        .isEqualTo(401);
  }

  @Test
  void headOnADeliveryStreamDoesNotHoldOneOfTheBrandsStreams() {
    GatewayHttp brand = as(keyFor(Role.BRAND, BRAND));

    // more HEADs than the brand may hold streams open (lattice.limits.max-streams-per-brand=3)
    for (int i = 0; i < 5; i++) {
      Response head = brand.send("HEAD", "/api/v1/brands/" + BRAND + "/deliveries", null);
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.contentType()).startsWith("text/event-stream");
    }

    assertThat(brand.status("GET", "/api/v1/brands/" + BRAND + "/deliveries", null)).isEqualTo(200);
  }

  @Test
  void optionsAnswersTheMethodsAPathTakesToAnAuthenticatedCaller() {
    Response networks = as(keyFor(Role.BRAND, BRAND)).send("OPTIONS", "/api/v1/networks", null);
    Response network = asAdmin().send("OPTIONS", "/api/v1/networks/" + NETWORK, null);

    assertThat(networks.status()).isIn(200, 204);
    assertThat(networks.raw().headers().firstValue("Allow"))
        .hasValueSatisfying(allow -> assertThat(allow).contains("GET", "HEAD", "POST"));
    assertThat(network.status()).isIn(200, 204);
    assertThat(network.raw().headers().firstValue("Allow"))
        .hasValueSatisfying(
            allow -> assertThat(allow).contains("GET", "PUT").doesNotContain("POST"));
    assertThat(network.body()).isEmpty();
  }

  @Test
  void optionsOnAnUnknownPathIs404AndWithoutACredential401() {
    Response unknown = asAdmin().send("OPTIONS", "/api/v1/no-such-thing", null);
    Response anonymous = http().send("OPTIONS", "/api/v1/networks", null);

    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.contentType()).startsWith("application/problem+json");
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.contentType()).startsWith("application/problem+json");
  }

  @Test
  void aMethodAPathDoesNotTakeIsA405ListingTheSameMethodsAsOptions() {
    GatewayHttp admin = asAdmin();
    for (String path :
        List.of(
            "/api/v1/networks/" + NETWORK,
            "/api/v1/members/ho-member/erasure",
            "/api/v1/admin/api-keys",
            "/api/v1/me")) {
      List<String> options = allow(admin.send("OPTIONS", path, null));
      for (String method : List.of("PATCH", "TRACE")) {
        Response refused = admin.send(method, path, null);

        assertThat(refused.status()).as(method + " " + path).isEqualTo(405);
        assertThat(allow(refused)).as(method + " " + path).hasSameElementsAs(options);
        assertThat(refused.json().get("detail").asString())
            .contains(method, path)
            .contains(String.join(", ", allow(refused)));
      }
    }
  }

  @Test
  void theTcfImportPathTakesPostOnlyThoughItLooksLikeAPurpose() {
    String tcf = "/api/v1/members/ho-member/consents/tcf";

    assertThat(allow(asAdmin().send("OPTIONS", tcf, null)))
        .containsExactlyInAnyOrder("POST", "OPTIONS");
    Response put = asAdmin().put(tcf, Map.of());
    assertThat(put.status()).as(put.body()).isEqualTo(405);
    assertThat(allow(put)).containsExactlyInAnyOrder("POST", "OPTIONS");
    assertThat(allow(asAdmin().send("OPTIONS", "/api/v1/members/ho-member/consents/offers", null)))
        .containsExactlyInAnyOrder("PUT", "DELETE", "OPTIONS");
  }

  @Test
  void traceNeverEchoesTheRequestAndIsAnsweredLikeAnyOtherMethod() {
    Response known = asAdmin().send("TRACE", "/api/v1/networks", null);
    Response unknown = asAdmin().send("TRACE", "/api/v1/no-such-thing", null);
    Response anonymous = http().send("TRACE", "/api/v1/networks", null);
    Response forbidden =
        as(keyFor(Role.SERVICE, NETWORK)).send("TRACE", "/api/v1/admin/api-keys", null);

    assertThat(known.status()).isEqualTo(405);
    assertThat(allow(known)).containsExactlyInAnyOrder("GET", "HEAD", "POST", "OPTIONS");
    assertThat(known.contentType()).startsWith("application/problem+json");
    assertThat(known.body()).doesNotContain(ADMIN_KEY).doesNotContainIgnoringCase("x-api-key");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(forbidden.status()).isEqualTo(403);
  }

  @Test
  void theConsolePageTakesGetOnlyAndAnotherMethodIsA405NotA403() {
    Response page = http().get("/console/");
    Response bare = http().get("/console");
    Response patch = asAdmin().send("PATCH", "/console/", null);

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.contentType()).startsWith("text/html");
    assertThat(bare.status()).isEqualTo(302);
    assertThat(bare.raw().headers().firstValue("Location"))
        .hasValueSatisfying(l -> assertThat(l).endsWith("/console/"));
    assertThat(patch.status()).as(patch.body()).isEqualTo(405);
    assertThat(allow(patch)).containsExactlyInAnyOrder("GET", "HEAD", "OPTIONS");
    assertThat(http().send("PATCH", "/console/", null).status()).isEqualTo(401);
  }

  private static List<String> allow(Response response) {
    return response
        .raw()
        .headers()
        .firstValue("Allow")
        .map(a -> java.util.Arrays.stream(a.split(",")).map(String::trim).toList())
        .orElse(List.of());
  }
}
