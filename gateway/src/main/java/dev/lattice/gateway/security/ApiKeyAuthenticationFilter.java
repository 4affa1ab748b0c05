package dev.lattice.gateway.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates requests carrying an {@code X-Api-Key} header against the {@link ApiKeyStore}. A
 * header that is present but malformed, unknown or revoked, sent twice, or sent with an {@code
 * Authorization} header ends the request with 401 — it never falls through to anonymous access.
 */
public final class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

  public static final String HEADER = "X-Api-Key";

  private final ApiKeyStore store;
  private final AuthenticationEntryPoint entryPoint;
  private final SecurityContextRepository contexts =
      new RequestAttributeSecurityContextRepository();

  public ApiKeyAuthenticationFilter(ApiKeyStore store, AuthenticationEntryPoint entryPoint) {
    this.store = store;
    this.entryPoint = entryPoint;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String presented = request.getHeader(HEADER);
    if (presented == null) {
      chain.doFilter(request, response);
      return;
    }
    // One credential per request: with two keys, or a key and a bearer token, which one acts would
    // be up to header order (a proxy adding its own header could change who the caller is).
    if (java.util.Collections.list(request.getHeaders(HEADER)).size() > 1) {
      reject(request, response, "Send one X-Api-Key header, not several");
      return;
    }
    if (request.getHeader(org.springframework.http.HttpHeaders.AUTHORIZATION) != null) {
      reject(
          request,
          response,
          "Send one credential: an X-Api-Key header or an Authorization header, not both");
      return;
    }
    if (!ApiKeyStore.wellFormed(presented)) {
      reject(request, response, "The X-Api-Key header is malformed");
      return;
    }
    Optional<ApiKey> key = store.authenticate(presented);
    if (key.isEmpty()) {
      reject(request, response, "The API key is unknown or has been revoked");
      return;
    }
    if (key.get().missingScope()) {
      reject(
          request,
          response,
          "This "
              + key.get().role()
              + " key names no "
              + key.get().role().scope().name().toLowerCase(java.util.Locale.ROOT)
              + ": unscoped "
              + key.get().role()
              + " keys are refused since keys act for one tenant only. Ask an ADMIN for a key"
              + " created with {\"role\":\""
              + key.get().role()
              + "\",\"scope\":\"<"
              + key.get().role().scope().name().toLowerCase(java.util.Locale.ROOT)
              + "-id>\"}");
      return;
    }
    SecurityContext context = SecurityContextHolder.createEmptyContext();
    context.setAuthentication(new LatticeAuthentication(key.get().principal()));
    SecurityContextHolder.setContext(context);
    // Saved as a request attribute so async (SSE) and error dispatches see the same caller.
    contexts.saveContext(context, request, response);
    chain.doFilter(request, response);
  }

  private void reject(HttpServletRequest request, HttpServletResponse response, String message)
      throws IOException, ServletException {
    SecurityContextHolder.clearContext();
    entryPoint.commence(request, response, new ApiKeyAuthenticationException(message));
  }
}
