package dev.lattice.gateway.security;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** An authenticated {@link LatticePrincipal}; its authorities are the principal's roles. */
public final class LatticeAuthentication extends AbstractAuthenticationToken {

  private final LatticePrincipal principal;

  public LatticeAuthentication(LatticePrincipal principal) {
    super(principal.roles().stream().map(r -> new SimpleGrantedAuthority(r.authority())).toList());
    this.principal = principal;
    setAuthenticated(true);
  }

  @Override
  public Object getCredentials() {
    return "";
  }

  @Override
  public LatticePrincipal getPrincipal() {
    return principal;
  }

  @Override
  public String getName() {
    return principal.name();
  }
}
