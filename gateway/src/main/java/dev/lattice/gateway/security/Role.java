package dev.lattice.gateway.security;

import java.util.Locale;
import java.util.Optional;

/**
 * The roles a caller of the gateway can hold. {@link #NETWORK_ADMIN} and {@link #BRAND} are scoped:
 * a credential carrying them also names the one network or brand it acts for.
 */
public enum Role {
  /** Operates the installation: API keys, networks, brands, everything. */
  ADMIN(Scope.NONE),
  /** Authors, simulates and activates policies; answers "why was this allowed?". */
  COMPLIANCE(Scope.NONE),
  /** Keeps the rules and agreements of one network. */
  NETWORK_ADMIN(Scope.NETWORK),
  /** Reads the deliveries and insights of one brand and manages its subscriptions. */
  BRAND(Scope.BRAND),
  /**
   * A network's backend service: ingests events and relays members' consent and rights requests.
   */
  SERVICE(Scope.NONE);

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

  /** Parses a role name case-insensitively, accepting an optional {@code ROLE_} prefix. */
  public static Optional<Role> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    String name = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    if (name.startsWith("ROLE_")) {
      name = name.substring(5);
    }
    for (Role role : values()) {
      if (role.name().equals(name)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }
}
