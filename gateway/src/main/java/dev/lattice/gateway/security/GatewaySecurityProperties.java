package dev.lattice.gateway.security;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Security settings, prefix {@code lattice.security}.
 *
 * @param apiKeyFile a key file left by an earlier, single-instance Lattice, imported once into the
 *     shared topic {@code lattice.gateway.api-keys} (then renamed {@code *.imported}); default
 *     {@code <lattice.data-dir>/security/api-keys.json}
 * @param bootstrapAdminKey the admin key to register at start-up instead of generating one; also
 *     read from the environment variable {@code LATTICE_BOOTSTRAP_ADMIN_KEY}
 * @param jwt how bearer tokens map to roles and scopes
 */
@ConfigurationProperties("lattice.security")
public record GatewaySecurityProperties(Path apiKeyFile, String bootstrapAdminKey, Jwt jwt) {

  public GatewaySecurityProperties {
    if (jwt == null) {
      jwt = new Jwt(null, null, null, null, null, null);
    }
  }

  /**
   * Bearer token settings. The issuer and its keys are Spring Boot's standard {@code
   * spring.security.oauth2.resourceserver.jwt.*} settings ({@code issuer-uri}, {@code jwk-set-uri},
   * {@code public-key-location}); {@code hmacSecret} is an alternative for installations that sign
   * tokens with a shared secret (HS256, at least 32 bytes).
   *
   * @param hmacSecret shared HS256 secret, or {@code null}
   * @param rolesClaim claim holding the caller's roles (a string or a list); default {@code roles}
   * @param networkClaim claim naming the network a NETWORK_ADMIN or SERVICE acts for; default
   *     {@code network}
   * @param brandClaim claim naming the brand a BRAND acts for; default {@code brand}
   * @param issuer when set, tokens must carry exactly this {@code iss}
   * @param audience when set, tokens must list this value in {@code aud}
   */
  public record Jwt(
      String hmacSecret,
      String rolesClaim,
      String networkClaim,
      String brandClaim,
      String issuer,
      String audience) {
    public Jwt {
      rolesClaim = rolesClaim == null || rolesClaim.isBlank() ? "roles" : rolesClaim;
      networkClaim = networkClaim == null || networkClaim.isBlank() ? "network" : networkClaim;
      brandClaim = brandClaim == null || brandClaim.isBlank() ? "brand" : brandClaim;
      if (hmacSecret != null && !hmacSecret.isBlank() && hmacSecret.length() < 32) {
        throw new IllegalArgumentException(
            "lattice.security.jwt.hmac-secret must be at least 32 characters (HS256)");
      }
    }
  }
}
