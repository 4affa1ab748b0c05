package dev.lattice.gateway.security;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored API key. Only the SHA-256 hash of the key is kept; the key itself is shown once, when it
 * is created.
 *
 * @param id public identifier, used to revoke the key
 * @param name a label chosen by the admin who created it
 * @param hash lower-case hex SHA-256 of the key
 * @param role the one role the key grants
 * @param scope the network or brand id for scoped roles, else {@code null}
 * @param createdAt when it was created
 * @param createdBy who created it
 * @param revokedAt when it was revoked, or {@code null} while active
 * @param revokedBy who revoked it, or {@code null}
 */
public record ApiKey(
    String id,
    String name,
    String hash,
    Role role,
    String scope,
    Instant createdAt,
    String createdBy,
    Instant revokedAt,
    String revokedBy) {

  public ApiKey {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  public boolean active() {
    return revokedAt == null;
  }

  ApiKey revoked(Instant at, String by) {
    return new ApiKey(id, name, hash, role, scope, createdAt, createdBy, at, by);
  }

  /** The principal a request authenticated with this key acts as. */
  public LatticePrincipal principal() {
    return new LatticePrincipal(
        "key:" + id,
        java.util.Set.of(role),
        role.scope() == Role.Scope.NETWORK ? scope : null,
        role.scope() == Role.Scope.BRAND ? scope : null,
        LatticePrincipal.Method.API_KEY);
  }
}
