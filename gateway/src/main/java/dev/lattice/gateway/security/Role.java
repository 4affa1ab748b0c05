package dev.lattice.gateway.security;

import java.util.Optional;

/**
 * The roles a caller of the gateway can hold. {@link #NETWORK_ADMIN}, {@link #SERVICE} and {@link
 * #BRAND} are scoped: a credential carrying them also names the one network or brand it acts for.
 * {@link #ADMIN} is the only cross-network role that can act; {@link #COMPLIANCE} reads across
 * networks.
 */
public enum Role {
  /** Operates the installation: API keys, networks, brands, everything. */
  ADMIN(Scope.NONE),
  /** Authors, simulates and activates policies; answers "why was this allowed?". */
  COMPLIANCE(Scope.NONE),
  /** Keeps the rules and agreements of one network. */
  NETWORK_ADMIN(Scope.NETWORK),
  /**
   * Publishes the offers of one brand, reads its deliveries and insights and manages its
   * subscriptions.
   */
  BRAND(Scope.BRAND),
  /**
   * One network's backend service: ingests that network's events and relays its members' consent
   * and rights requests.
   */
  SERVICE(Scope.NETWORK);

  /** What a scoped role is scoped to. */
  public enum Scope {
    NONE,
    NETWORK,
    BRAND
  }

  private final Scope scope;

  Role(Scope scope) {
    this.scope = scope;
  }

  public Scope scope() {
    return scope;
  }

  /** The Spring Security authority name, {@code ROLE_<name>}. */
  public String authority() {
    return "ROLE_" + name();
  }

  /**
   * Parses a role name. Names match exactly ({@code ADMIN}, never {@code admin} or {@code
   * ROLE_ADMIN}): a credential issued with a look-alike name must not gain a role by accident.
   */
  public static Optional<Role> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    for (Role role : values()) {
      if (role.name().equals(value)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }
}
