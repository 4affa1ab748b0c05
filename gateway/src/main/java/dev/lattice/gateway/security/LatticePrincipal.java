package dev.lattice.gateway.security;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * An authenticated caller: who it is, its roles, and the network or brand its scoped roles act for.
 *
 * @param name the API key id or the JWT subject; never personal data in logs beyond this id
 * @param roles at least one role
 * @param network the network a {@link Role#NETWORK_ADMIN} or {@link Role#SERVICE} acts for, or
 *     {@code null}
 * @param brand the brand a {@link Role#BRAND} acts for, or {@code null}
 * @param method how the caller authenticated
 * @param expiresAt when the credential expires (a token's {@code exp}), or {@code null} for API
 *     keys, which last until revoked
 */
public record LatticePrincipal(
    String name, Set<Role> roles, String network, String brand, Method method, Instant expiresAt) {

  /** How a caller authenticated. */
  public enum Method {
    API_KEY,
    JWT
  }

  public LatticePrincipal {
    Objects.requireNonNull(name, "name");
    roles = Set.copyOf(roles);
    Objects.requireNonNull(method, "method");
  }

  /** A caller whose credential does not expire by itself (an API key). */
  public LatticePrincipal(
      String name, Set<Role> roles, String network, String brand, Method method) {
    this(name, roles, network, brand, method, null);
  }

  /** The API key id when the caller authenticated with an API key. */
  public java.util.Optional<String> apiKeyId() {
    return method == Method.API_KEY && name.startsWith("key:")
        ? java.util.Optional.of(name.substring(4))
        : java.util.Optional.empty();
  }

  public boolean has(Role role) {
    return roles.contains(role);
  }

  /** True when this caller is a network admin of exactly {@code networkId}. */
  public boolean adminsNetwork(String networkId) {
    return has(Role.NETWORK_ADMIN) && network != null && network.equals(networkId);
  }

  /** True when this caller is the backend service of exactly {@code networkId}. */
  public boolean servesNetwork(String networkId) {
    return has(Role.SERVICE) && network != null && network.equals(networkId);
  }

  /**
   * True when this caller may act for any network's members: {@link Role#ADMIN} and {@link
   * Role#COMPLIANCE}. Every other role is limited to its own tenant.
   */
  public boolean crossTenant() {
    return has(Role.ADMIN) || has(Role.COMPLIANCE);
  }

  /** True when this caller acts for exactly {@code brandId}. */
  public boolean actsForBrand(String brandId) {
    return has(Role.BRAND) && brand != null && brand.equals(brandId);
  }

  @Override
  public String toString() {
    return name;
  }
}
