package dev.lattice.gateway.security;

import org.springframework.security.core.AuthenticationException;

/** The {@code X-Api-Key} header is malformed, unknown or revoked. */
public final class ApiKeyAuthenticationException extends AuthenticationException {
  public ApiKeyAuthenticationException(String message) {
    super(message);
  }
}
