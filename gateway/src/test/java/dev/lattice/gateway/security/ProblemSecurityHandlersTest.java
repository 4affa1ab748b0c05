package dev.lattice.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ProblemSecurityHandlersTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final ProblemSecurityHandlers handlers = new ProblemSecurityHandlers(JSON);

  private JsonNode commence(String authorization, Exception e) throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/v1/me");
    if (authorization != null) {
      request.addHeader("Authorization", authorization);
    }
    MockHttpServletResponse response = new MockHttpServletResponse();
    handlers.commence(
        request, response, (org.springframework.security.core.AuthenticationException) e);
    assertThat(response.getStatus()).isEqualTo(401);
    return JSON.readTree(response.getContentAsString());
  }

  @Test
  void aBearerTokenSentToAGatewayWithoutJwtConfigurationIsToldSoNotJustRefused() throws Exception {
    JsonNode problem =
        commence(
            "Bearer abc.def.ghi",
            new InsufficientAuthenticationException(
                "Full authentication is required to access this resource"));

    assertThat(problem.get("detail").asString())
        .contains("Bearer tokens are not accepted", "X-Api-Key")
        .doesNotContain("Full authentication");
  }

  @Test
  void anInvalidBearerTokenKeepsTheDecodersReasonAndNoCredentialAsksForOne() throws Exception {
    assertThat(
            commence("Bearer abc", new InvalidBearerTokenException("Jwt expired at 2026-01-01"))
                .get("detail")
                .asString())
        .isEqualTo("Jwt expired at 2026-01-01");
    assertThat(
            commence(null, new InsufficientAuthenticationException("Full authentication"))
                .get("detail")
                .asString())
        .startsWith("Authentication required");
  }
}
