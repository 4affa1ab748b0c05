package dev.lattice.gateway.security;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored API key. Only a hash of the key is kept (HMAC-SHA-256 with the installation's pepper;
 * keys stored before peppering carry a plain SHA-256 hash until their next use); the key itself is
 * shown once, when it is created.
 *
 * @param id public identifier, used to revoke the key
 * @param name a label chosen by the admin who created it
 * @param hash lower-case hex hash of the key, see {@code hashScheme}
 * @param role the one role the key grants
 * @param scope the network or brand id for scoped roles, else {@code null}
 * @param createdAt when it was created
 * @param createdBy who created it
 * @param revokedAt when it was revoked, or {@code null} while active
 * @param revokedBy who revoked it, or {@code null}
 * @param hashScheme {@value #PEPPERED} for keys hashed with the pepper; {@code null} for keys
 *     stored before peppering (plain SHA-256), re-hashed on their next successful use
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
    String revokedBy,
    String hashScheme) {

  /** The hash scheme of peppered keys. */
  public static final String PEPPERED = "hmac-sha256";

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
    return new ApiKey(id, name, hash, role, scope, createdAt, createdBy, at, by, hashScheme);
  }

  ApiKey rehashed(String peppered) {
    return new ApiKey(
        id, name, peppered, role, scope, createdAt, createdBy, revokedAt, revokedBy, PEPPERED);
  }

  /**
   * True when the key's role is scoped but the key names no tenant: a SERVICE key created before
   * SERVICE keys became network-scoped. Such a key is refused (401).
   */
  public boolean missingScope() {
    return role.scope() != Role.Scope.NONE && (scope == null || scope.isBlank());
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
