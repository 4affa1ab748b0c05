package dev.lattice.gateway.security;

import java.util.Objects;
import java.util.Set;

/**
 * An authenticated caller: who it is, its roles, and the network or brand its scoped roles act for.
 *
 * @param name the API key id or the JWT subject; never personal data in logs beyond this id
 * @param roles at least one role
 * @param network the network a {@link Role#NETWORK_ADMIN} acts for, or {@code null}
 * @param brand the brand a {@link Role#BRAND} acts for, or {@code null}
 * @param method how the caller authenticated
 */
public record LatticePrincipal(
    String name, Set<Role> roles, String network, String brand, Method method) {

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

  public boolean has(Role role) {
    return roles.contains(role);
  }

  /** True when this caller is a network admin of exactly {@code networkId}. */
  public boolean adminsNetwork(String networkId) {
    return has(Role.NETWORK_ADMIN) && network != null && network.equals(networkId);
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
