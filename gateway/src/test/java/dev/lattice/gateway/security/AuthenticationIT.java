package dev.lattice.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.lattice.gateway.support.GatewayHttp;
import dev.lattice.gateway.support.GatewayHttp.Response;
import dev.lattice.gateway.support.GatewayIntegrationTest;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AuthenticationIT extends GatewayIntegrationTest {

  @Test
  void healthAndApiDocsAreAnonymous() {
    assertThat(http().get("/actuator/health").status()).isEqualTo(200);
    assertThat(http().get("/v3/api-docs").status()).isEqualTo(200);
    assertThat(http().get("/swagger-ui/index.html").status()).isEqualTo(200);
  }

  @Test
  void aMissingCredentialGets401AsAProblem() {
    Response response = http().get("/api/v1/policies");

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.json().get("type").asString())
        .isEqualTo("https://lattice.dev/problems/unauthorized");
    assertThat(response.json().get("status").asInt()).isEqualTo(401);
    assertThat(response.raw().headers().firstValue("WWW-Authenticate")).isPresent();
  }

  @Test
  void twoApiKeysOrAKeyAndABearerTokenGet401RatherThanWhicheverComesFirst() throws Exception {
    // Both credentials valid: neither may win by header order
    String compliance = keyFor(Role.COMPLIANCE, null);
    java.net.http.HttpRequest twoKeys =
        java.net.http.HttpRequest.newBuilder(http().uri("/api/v1/me"))
            .header("X-Api-Key", compliance)
            .header("X-Api-Key", ADMIN_KEY)
            .build();

    java.net.http.HttpResponse<String> response =
        java.net.http.HttpClient.newHttpClient()
            .send(twoKeys, java.net.http.HttpResponse.BodyHandlers.ofString());
    Response keyAndToken =
        as(compliance)
            .withBearer(token(JWT_SECRET, Map.of("roles", List.of("ADMIN"))))
            .get("/api/v1/me");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("one X-Api-Key");
    assertThat(keyAndToken.status()).isEqualTo(401);
    assertThat(keyAndToken.json().get("detail").asString()).contains("not both");
  }

  @Test
  void aMalformedApiKeyGets401() {
    Response response = as("short").get("/api/v1/policies");

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.json().get("detail").asString()).contains("malformed");
  }

  @Test
  void anUnknownApiKeyGets401() {
    assertThat(as("lk_this-key-was-never-issued-0000").get("/api/v1/policies").status())
        .isEqualTo(401);
  }

  @Test
  void aRevokedApiKeyGets401() {
    Response created =
        asAdmin().post("/api/v1/admin/api-keys", Map.of("name", "ci", "role", "COMPLIANCE"));
    assertThat(created.status()).isEqualTo(201);
    String key = created.json().get("key").asString();
    String id = created.json().get("apiKey").get("id").asString();
    assertThat(as(key).status("GET", "/api/v1/policies", null)).isNotIn(401, 403);

    assertThat(asAdmin().delete("/api/v1/admin/api-keys/" + id).status()).isEqualTo(200);

    assertThat(as(key).get("/api/v1/policies").status()).isEqualTo(401);
  }

  @Test
  void listedKeysNeverShowTheKeyOrItsHash() {
    Response listed = asAdmin().get("/api/v1/admin/api-keys");

    assertThat(listed.status()).isEqualTo(200);
    assertThat(listed.body()).doesNotContain(ADMIN_KEY).doesNotContain("hash");
  }

  @Test
  void creatingAKeyWithAnUnknownRoleIsA400NamingTheField() {
    Response response = asAdmin().post("/api/v1/admin/api-keys", Map.of("role", "ROOT"));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.json().get("errors").get(0).get("path").asString()).isEqualTo("$.role");
  }

  @Test
  void aScopedRoleWithoutScopeIsA400() {
    Response response = asAdmin().post("/api/v1/admin/api-keys", Map.of("role", "BRAND"));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("errors").get(0).get("path").asString()).isEqualTo("$.scope");
  }

  @Test
  void aKeyForANetworkThatDoesNotExistIsA404NamingTheScopeAndHowToCreateIt() {
    Response response =
        asAdmin()
            .post("/api/v1/admin/api-keys", Map.of("role", "SERVICE", "scope", "auth-no-such-net"));

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.json().get("errors").get(0).get("path").asString()).isEqualTo("$.scope");
    assertThat(response.json().get("detail").asString()).contains("POST /api/v1/networks");
    assertThat(asAdmin().get("/api/v1/admin/api-keys").body()).doesNotContain("auth-no-such-net");
  }

  @Test
  void aKeyForABrandThatDoesNotExistIsA404NamingTheScopeAndHowToCreateIt() {
    Response response =
        asAdmin()
            .post("/api/v1/admin/api-keys", Map.of("role", "BRAND", "scope", "auth-no-such-brand"));

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.json().get("errors").get(0).get("path").asString()).isEqualTo("$.scope");
    assertThat(response.json().get("detail").asString()).contains("POST /api/v1/brands");
  }

  @Test
  void aKeyForANetworkIsCreatedOnceTheNetworkExists() {
    asAdmin().post("/api/v1/networks", Map.of("id", "auth-net", "name", "Auth", "rules", Map.of()));

    Response response =
        asAdmin()
            .post("/api/v1/admin/api-keys", Map.of("role", "NETWORK_ADMIN", "scope", "auth-net"));

    assertThat(response.status()).isEqualTo(201);
  }

  @Test
  void malformedJsonIsA400Problem() {
    Response response = asAdmin().post("/api/v1/admin/api-keys", "{\"role\":");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.contentType()).startsWith("application/problem+json");
  }

  @Test
  void revokingAnUnknownKeyIsA404Problem() {
    Response response = asAdmin().delete("/api/v1/admin/api-keys/nope");

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.json().get("type").asString())
        .isEqualTo("https://lattice.dev/problems/not-found");
  }

  @Test
  void aBearerTokenSignedWithTheConfiguredKeyAuthenticatesWithItsRolesAndScope() throws Exception {
    String token = token(JWT_SECRET, Map.of("roles", List.of("BRAND"), "brand", "brand-jwt"));

    assertThat(http().withBearer(token).status("GET", "/api/v1/brands/brand-jwt/insights", null))
        .isEqualTo(404); // authenticated and let through; the brand does not exist
    assertThat(http().withBearer(token).get("/api/v1/brands/brand-other/insights").status())
        .isEqualTo(403);
  }

  @Test
  void aBearerTokenSignedWithAnotherKeyGets401() throws Exception {
    String token =
        token("another-secret-another-secret-another-secret", Map.of("roles", List.of("ADMIN")));

    assertThat(http().withBearer(token).get("/api/v1/policies").status()).isEqualTo(401);
  }

  @Test
  void aMalformedBearerTokenGets401() {
    assertThat(http().withBearer("not-a-jwt").get("/api/v1/policies").status()).isEqualTo(401);
  }

  @Test
  void aBearerTokenWithoutALatticeRoleGets401() throws Exception {
    String token = token(JWT_SECRET, Map.of("roles", List.of("superuser")));

    assertThat(http().withBearer(token).get("/api/v1/policies").status()).isEqualTo(401);
  }

  @Test
  void anExpiredBearerTokenGets401() throws Exception {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .subject("old")
            .issuer(JWT_ISSUER)
            .audience(JWT_AUDIENCE)
            .claim("roles", List.of("ADMIN"))
            .expirationTime(Date.from(Instant.now().minusSeconds(3600)))
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    jwt.sign(new MACSigner(JWT_SECRET));

    assertThat(http().withBearer(jwt.serialize()).get("/api/v1/policies").status()).isEqualTo(401);
  }

  @Test
  void aBearerTokenWithoutExpirationGets401() throws Exception {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .subject("forever")
            .issuer(JWT_ISSUER)
            .audience(JWT_AUDIENCE)
            .claim("roles", List.of("ADMIN"))
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    jwt.sign(new MACSigner(JWT_SECRET));

    assertThat(http().withBearer(jwt.serialize()).get("/api/v1/policies").status()).isEqualTo(401);
  }

  @Test
  void aBearerTokenFromAnotherIssuerGets401() throws Exception {
    String token =
        token(JWT_SECRET, Map.of("roles", List.of("ADMIN"), "iss", "https://elsewhere.test"));

    assertThat(http().withBearer(token).get("/api/v1/policies").status()).isEqualTo(401);
  }

  @Test
  void aBearerTokenForAnotherAudienceGets401() throws Exception {
    String token = token(JWT_SECRET, Map.of("roles", List.of("ADMIN"), "aud", "another-api"));

    assertThat(http().withBearer(token).get("/api/v1/policies").status()).isEqualTo(401);
  }

  @Test
  void roleNamesMatchExactlySoLookAlikesGrantNothing() throws Exception {
    String token =
        token(JWT_SECRET, Map.of("roles", List.of("admin", "role_admin", "ROLE_ADMIN", "Admin")));

    Response response = http().withBearer(token).get("/api/v1/policies");

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.json().get("detail").asString()).contains("no Lattice role");
  }

  @Test
  void aServiceTokenWithoutItsNetworkClaimGets401() throws Exception {
    String token = token(JWT_SECRET, Map.of("roles", List.of("SERVICE")));

    Response response = http().withBearer(token).get("/api/v1/members/m-jwt/consents");

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.json().get("detail").asString()).contains("network");
  }

  @Test
  void aServiceTokenActsForTheNetworkInItsClaim() throws Exception {
    String token = token(JWT_SECRET, Map.of("roles", List.of("SERVICE"), "network", "jwt-net"));
    String event =
        """
        {"header": {"event_id": "evt-jwt-%s", "event_type": "member_data",
                    "source_network": "%s", "subject_member": "m-jwt",
                    "occurred_at": "2026-11-23T10:00:00Z"},
         "purpose": "marketing", "kind": "profile", "personal": {"interests": ["maps"]}}
        """;
    GatewayHttp bearer = http().withBearer(token);
    asAdmin().post("/api/v1/networks", Map.of("id", "jwt-net", "name", "JWT", "rules", Map.of()));

    Response own =
        bearer.post("/api/v1/events/member-data", event.formatted(UUID.randomUUID(), "jwt-net"));
    Response other =
        bearer.post("/api/v1/events/member-data", event.formatted(UUID.randomUUID(), "net-x"));

    assertThat(own.status()).as(own.body()).isEqualTo(202);
    assertThat(other.status()).as(other.body()).isEqualTo(403);
    assertThat(other.json().get("errors").get(0).get("path").asString())
        .isEqualTo("$.header.source_network");
  }

  @Test
  void anUnscopedServiceKeyFromAnEarlierVersionGets401WithAClearDetail() {
    Response response = as(LEGACY_UNSCOPED_SERVICE_KEY).get("/api/v1/members/m-legacy/consents");

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.json().get("detail").asString())
        .contains("names no network")
        .contains("\"role\":\"SERVICE\",\"scope\":");
  }

  @Test
  void anUnscopedServiceKeyCanNoLongerBeCreated() {
    Response response = asAdmin().post("/api/v1/admin/api-keys", Map.of("role", "SERVICE"));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("errors").get(0).get("path").asString()).isEqualTo("$.scope");
  }

  @Test
  void anonymousHealthShowsOnlyTheStatus() {
    Response response = http().get("/actuator/health");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().get("status").asString()).isEqualTo("UP");
    // Only the status (and the names of the liveness/readiness probe groups): no components, no
    // bootstrap servers, cluster id or data directory.
    assertThat(response.json().propertyNames()).isSubsetOf("status", "groups");
    assertThat(response.body()).doesNotContain("kafka", "bootstrap", "cluster", "dir");
  }

  @Test
  void healthDetailsAreForAnAuthenticatedAdminOnly() {
    Response admin = asAdmin().get("/actuator/health");
    Response compliance = as(keyFor(Role.COMPLIANCE, null)).get("/actuator/health");

    assertThat(admin.json().get("components").has("kafka")).isTrue();
    assertThat(compliance.json().has("components")).isFalse();
  }

  @Test
  void secretFilesAreReadableByTheirOwnerOnly() throws Exception {
    for (String file : List.of("security/api-key-pepper.secret", "streams/pseudonym.secret")) {
      assertThat(
              java.nio.file.Files.getPosixFilePermissions(dataDir().resolve(file)).stream()
                  .map(Object::toString))
          .as(file)
          .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
    }
  }

  @Test
  void theKeyTopicHoldsPepperedHashesOnly() throws Exception {
    String stored =
        String.join(
            "\n",
            dev.lattice.gateway.support.TopicReader.readAll(
                    kafka.clientProperties(), dev.lattice.schemas.TopicCatalogue.API_KEYS.name())
                .stream()
                .filter(r -> r.value() != null)
                .map(r -> new String(r.value(), java.nio.charset.StandardCharsets.UTF_8))
                .toList());

    assertThat(stored).doesNotContain(ADMIN_KEY).contains("\"hashScheme\":\"hmac-sha256\"");
    assertThat(stored).doesNotContain(ApiKeyStore.legacyHash(ADMIN_KEY));
  }

  static String token(String secret, Map<String, Object> extraClaims) throws Exception {
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .subject("someone")
            .issuer(JWT_ISSUER)
            .audience(JWT_AUDIENCE)
            .issueTime(new Date())
            .expirationTime(Date.from(Instant.now().plusSeconds(600)));
    extraClaims.forEach(claims::claim);
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
    jwt.sign(new MACSigner(secret));
    return jwt.serialize();
  }
}
