package dev.lattice.gateway.security;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;

/**
 * Maps a validated JWT to a {@link LatticePrincipal}: roles from the roles claim (names matched
 * exactly; unknown names are ignored), the network and brand scopes from their claims. A token with
 * no known role, or with a scoped role (NETWORK_ADMIN, SERVICE, BRAND) but no scope, is rejected
 * (401) rather than treated as a caller with no rights.
 */
public final class JwtPrincipalConverter implements Converter<Jwt, AbstractAuthenticationToken> {

  private final GatewaySecurityProperties.Jwt settings;

  public JwtPrincipalConverter(GatewaySecurityProperties.Jwt settings) {
    this.settings = settings;
  }

  @Override
  public AbstractAuthenticationToken convert(Jwt jwt) {
    Set<Role> roles = new LinkedHashSet<>();
    Object claim = jwt.getClaims().get(settings.rolesClaim());
    if (claim instanceof String s) {
      for (String part : s.split("[ ,]+")) {
        Role.parse(part).ifPresent(roles::add);
      }
    } else if (claim instanceof Collection<?> values) {
      values.forEach(v -> Role.parse(String.valueOf(v)).ifPresent(roles::add));
    }
    if (roles.isEmpty()) {
      throw new InvalidBearerTokenException(
          "The token carries no Lattice role in claim '" + settings.rolesClaim() + "'");
    }
    String network = claim(jwt, settings.networkClaim()).orElse(null);
    String brand = claim(jwt, settings.brandClaim()).orElse(null);
    for (Role scoped : List.of(Role.NETWORK_ADMIN, Role.SERVICE)) {
      if (roles.contains(scoped) && network == null) {
        throw new InvalidBearerTokenException(
            "A "
                + scoped
                + " token must name its network in claim '"
                + settings.networkClaim()
                + "'");
      }
    }
    if (roles.contains(Role.BRAND) && brand == null) {
      throw new InvalidBearerTokenException(
          "A BRAND token must name its brand in claim '" + settings.brandClaim() + "'");
    }
    String subject = jwt.getSubject() == null ? "anonymous-subject" : jwt.getSubject();
    return new LatticeAuthentication(
        new LatticePrincipal(
            "jwt:" + subject,
            roles,
            network,
            brand,
            LatticePrincipal.Method.JWT,
            jwt.getExpiresAt()));
  }

  private static Optional<String> claim(Jwt jwt, String name) {
    Object value = jwt.getClaims().get(name);
    return value == null || value.toString().isBlank()
        ? Optional.empty()
        : Optional.of(value.toString());
  }
}
