package dev.lattice.gateway.security;

import dev.lattice.gateway.problem.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes 401 and 403 responses from the security filter chain as RFC 9457 problems, the same shape
 * as {@link dev.lattice.gateway.problem.ProblemHandler} gives every other error; and the 400 of
 * Spring Security's firewall for a URL it refuses ({@code ..}, {@code ;}, {@code //}, an unknown
 * method), saying what it refused.
 */
public final class ProblemSecurityHandlers
    implements AuthenticationEntryPoint, AccessDeniedHandler, RequestRejectedHandler {

  static final String WWW_AUTHENTICATE = "ApiKey header=\"X-Api-Key\", Bearer";
  private final JsonMapper json;

  public ProblemSecurityHandlers(JsonMapper json) {
    this.json = json;
  }

  @Override
  public void commence(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
      throws IOException {
    String detail =
        e instanceof ApiKeyAuthenticationException
            ? e.getMessage()
            : isBearerFailure(request)
                ? e
                        instanceof
                        org.springframework.security.authentication
                            .InsufficientAuthenticationException
                    // no bearer token filter ran: this gateway has no JWT issuer or secret
                    ? "Bearer tokens are not accepted here: no JWT issuer or secret is configured"
                        + " (lattice.security.jwt.hmac-secret or"
                        + " spring.security.oauth2.resourceserver.jwt.*); send an API key in"
                        + " X-Api-Key"
                    : e.getMessage()
                : "Authentication required: send an API key in X-Api-Key or a bearer token";
    response.setHeader(HttpHeaders.WWW_AUTHENTICATE, WWW_AUTHENTICATE);
    write(request, response, HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail);
  }

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
      throws IOException {
    write(
        request,
        response,
        HttpStatus.FORBIDDEN,
        "forbidden",
        "Forbidden",
        "Your credentials do not allow " + request.getMethod() + " " + request.getRequestURI());
  }

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, RequestRejectedException e)
      throws IOException {
    if (response.isCommitted()) {
      return;
    }
    // No instance: the path is what was refused, and may not be a valid URI reference.
    ProblemDetail problem =
        Problems.of(HttpStatus.BAD_REQUEST, "bad-request", "Bad Request", refusal(e.getMessage()));
    response.setStatus(HttpStatus.BAD_REQUEST.value());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    json.writeValue(response.getOutputStream(), problem);
  }

  static String refusal(String message) {
    String said = message == null ? "The request was rejected" : message.strip();
    if (said.endsWith(".")) {
      said = said.substring(0, said.length() - 1);
    }
    return said.contains("URL")
        ? said
            + "; send ids with unreserved characters (percent-encoded where needed) or in the body"
        : said;
  }

  private static boolean isBearerFailure(HttpServletRequest request) {
    String auth = request.getHeader(HttpHeaders.AUTHORIZATION);
    return auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7);
  }

  private void write(
      HttpServletRequest request,
      HttpServletResponse response,
      HttpStatus status,
      String type,
      String title,
      String detail)
      throws IOException {
    if (response.isCommitted()) {
      return;
    }
    ProblemDetail problem = Problems.of(status, type, title, detail);
    problem.setInstance(URI.create(request.getRequestURI()));
    response.setStatus(status.value());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    json.writeValue(response.getOutputStream(), problem);
  }
}
