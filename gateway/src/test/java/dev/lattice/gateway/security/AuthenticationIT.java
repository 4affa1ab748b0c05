package dev.lattice.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.lattice.gateway.support.GatewayHttp.Response;
import dev.lattice.gateway.support.GatewayIntegrationTest;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
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
        .isNotIn(401, 403);
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
            .claim("roles", List.of("ADMIN"))
            .expirationTime(Date.from(Instant.now().minusSeconds(3600)))
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    jwt.sign(new MACSigner(JWT_SECRET));

    assertThat(http().withBearer(jwt.serialize()).get("/api/v1/policies").status()).isEqualTo(401);
  }

  static String token(String secret, Map<String, Object> extraClaims) throws Exception {
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .subject("someone")
            .issueTime(new Date())
            .expirationTime(Date.from(Instant.now().plusSeconds(600)));
    extraClaims.forEach(claims::claim);
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
    jwt.sign(new MACSigner(secret));
    return jwt.serialize();
  }
}
