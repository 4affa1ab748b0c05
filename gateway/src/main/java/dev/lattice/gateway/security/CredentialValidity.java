package dev.lattice.gateway.security;

import java.time.Clock;
import java.util.function.BooleanSupplier;

/**
 * Whether a caller's credential is still good, for work that outlives the request that started it
 * (a Server-Sent Events stream): an API key until it is revoked, a token until its {@code exp}.
 * Thread-safe.
 */
public final class CredentialValidity {

  private final ApiKeyStore keys;
  private final Clock clock;

  public CredentialValidity(ApiKeyStore keys, Clock clock) {
    this.keys = keys;
    this.clock = clock;
  }

  /** A check that turns false once {@code caller}'s credential is revoked or expired. */
  public BooleanSupplier of(LatticePrincipal caller) {
    if (caller.method() == LatticePrincipal.Method.API_KEY) {
      String id = caller.apiKeyId().orElse("");
      return () -> keys.find(id).map(k -> k.active() && !k.missingScope()).orElse(false);
    }
    return () -> caller.expiresAt() == null || clock.instant().isBefore(caller.expiresAt());
  }
}
