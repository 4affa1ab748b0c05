package dev.lattice.gateway.security;

import static dev.lattice.gateway.security.Role.ADMIN;
import static dev.lattice.gateway.security.Role.BRAND;
import static dev.lattice.gateway.security.Role.COMPLIANCE;
import static dev.lattice.gateway.security.Role.NETWORK_ADMIN;
import static dev.lattice.gateway.security.Role.SERVICE;
import static org.springframework.http.HttpMethod.DELETE;
import static org.springframework.http.HttpMethod.GET;
import static org.springframework.http.HttpMethod.HEAD;
import static org.springframework.http.HttpMethod.OPTIONS;
import static org.springframework.http.HttpMethod.POST;
import static org.springframework.http.HttpMethod.PUT;

import dev.lattice.gateway.events.CompactedTopicView;
import dev.lattice.gateway.events.EventPublisher;
import dev.lattice.gateway.events.ValueCodec;
import dev.lattice.gateway.kafka.KafkaBroker;
import dev.lattice.gateway.kafka.ProvisioningReport;
import dev.lattice.schemas.TopicCatalogue;
import jakarta.servlet.DispatcherType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Supplier;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.servlet.HandlerMapping;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who may call what. Deny by default: every endpoint not listed here is refused (a path no endpoint
 * serves is a 404 for an authenticated caller, see {@link UnmappedRequests}), and only health and
 * the API docs are anonymous. This class is the role-by-endpoint matrix; tenancy that a path names
 * (a network admin acts for one network, a brand for one brand) is checked here too, from the
 * path's {@code {networkId}} and {@code {brandId}} variables. Tenancy that only the request's data
 * names is checked where the data is read: the events' source network and the offers' brand in
 * {@code IngestService}, the member's networks in {@code MemberTenancy}, the queried document in
 * the OPA data API. The README's "who can see and do what" table is the whole picture; {@code
 * AccessMatrixIT} tests it call by call.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
@EnableConfigurationProperties(GatewaySecurityProperties.class)
public class SecurityConfiguration {

  /** The view of the shared key topic; closed after everything that uses it. */
  @Bean(destroyMethod = "close")
  CompactedTopicView<ApiKey> apiKeyView(
      KafkaBroker broker, ProvisioningReport topicProvisioning, EventPublisher publisher) {
    return new CompactedTopicView<>(
        TopicCatalogue.API_KEYS.name(),
        ValueCodec.json(ApiKey.class),
        broker.clientProperties(),
        publisher);
  }

  /**
   * Keys live in Kafka; a key file left by an earlier, single-instance Lattice ({@code
   * lattice.security.api-key-file}, default {@code <data-dir>/security/api-keys.json}) is imported
   * once. The pepper is {@code lattice.security.api-key-pepper} ({@code
   * LATTICE_SECURITY_API_KEY_PEPPER}, the same on every instance), else a secret generated once
   * beside that file.
   */
  @Bean
  @org.springframework.context.annotation.DependsOn("sharedSecretsCheck")
  ApiKeyStore apiKeyStore(
      CompactedTopicView<ApiKey> apiKeyView,
      GatewaySecurityProperties properties,
      @Value("${lattice.data-dir:lattice-data}") Path dataDir,
      @Value("${lattice.security.api-key-pepper:}") String configuredPepper) {
    Path file = apiKeyFile(properties, dataDir);
    ApiKeyStore store =
        new ApiKeyStore(
            apiKeyView, apiKeyPepper(properties, dataDir, configuredPepper), Clock.systemUTC());
    store.importLegacyFile(file);
    return store;
  }

  private static Path apiKeyFile(GatewaySecurityProperties properties, Path dataDir) {
    return properties.apiKeyFile() != null
        ? properties.apiKeyFile()
        : dataDir.resolve("security").resolve("api-keys.json");
  }

  /** Where an instance without a configured pepper keeps the one it generated. */
  public static Path generatedPepperFile(GatewaySecurityProperties properties, Path dataDir) {
    return apiKeyFile(properties, dataDir).resolveSibling("api-key-pepper.secret");
  }

  /**
   * The HMAC key of API key hashes: {@code lattice.security.api-key-pepper} when set, else a secret
   * generated once into {@link #generatedPepperFile}. Every instance of a cluster must hash with
   * the same pepper (the shared-secrets check refuses a start with another one).
   */
  public static byte[] apiKeyPepper(
      GatewaySecurityProperties properties, Path dataDir, String configuredPepper) {
    byte[] pepper =
        configuredPepper != null && !configuredPepper.isBlank()
            ? configuredPepper.trim().getBytes(java.nio.charset.StandardCharsets.UTF_8)
            : OwnerOnlyFiles.readOrCreateSecret(generatedPepperFile(properties, dataDir), 32);
    if (pepper.length < 32) {
      throw new IllegalArgumentException(
          "lattice.security.api-key-pepper must be at least 32 characters (the same on every"
              + " instance)");
    }
    return pepper;
  }

  @Bean
  CredentialValidity credentialValidity(ApiKeyStore store) {
    return new CredentialValidity(store, Clock.systemUTC());
  }

  @Bean
  BootstrapAdminKey bootstrapAdminKey(
      ApiKeyStore store,
      GatewaySecurityProperties properties,
      @Value("${LATTICE_BOOTSTRAP_ADMIN_KEY:}") String fromEnvironment) {
    String configured =
        properties.bootstrapAdminKey() != null && !properties.bootstrapAdminKey().isBlank()
            ? properties.bootstrapAdminKey()
            : fromEnvironment;
    return new BootstrapAdminKey(store, configured);
  }

  @Bean
  ProblemSecurityHandlers problemSecurityHandlers(JsonMapper json) {
    return new ProblemSecurityHandlers(json);
  }

  @Bean
  @ConditionalOnProperty("lattice.security.jwt.hmac-secret")
  JwtDecoder hmacJwtDecoder(GatewaySecurityProperties properties) {
    byte[] secret = properties.jwt().hmacSecret().getBytes(StandardCharsets.UTF_8);
    return NimbusJwtDecoder.withSecretKey(new SecretKeySpec(secret, "HmacSHA256"))
        .macAlgorithm(MacAlgorithm.HS256)
        .build();
  }

  /**
   * What every bearer token must satisfy, whichever decoder checked its signature: an {@code exp}
   * (tokens that never expire are refused), not expired or not yet valid, and the configured issuer
   * ({@code lattice.security.jwt.issuer}, else Spring's {@code issuer-uri}) and audience when set.
   */
  static OAuth2TokenValidator<Jwt> tokenValidator(
      GatewaySecurityProperties.Jwt settings, String springIssuer) {
    List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
    validators.add(new JwtClaimValidator<Instant>(JwtClaimNames.EXP, java.util.Objects::nonNull));
    validators.add(new JwtTimestampValidator());
    String issuer =
        settings.issuer() != null && !settings.issuer().isBlank()
            ? settings.issuer()
            : springIssuer;
    if (issuer != null && !issuer.isBlank()) {
      validators.add(new JwtIssuerValidator(issuer));
    }
    if (settings.audience() != null && !settings.audience().isBlank()) {
      validators.add(
          new JwtClaimValidator<List<String>>(
              JwtClaimNames.AUD, aud -> aud != null && aud.contains(settings.audience())));
    }
    return new DelegatingOAuth2TokenValidator<>(validators);
  }

  @Bean
  SecurityFilterChain latticeSecurity(
      HttpSecurity http,
      ApiKeyStore store,
      ProblemSecurityHandlers problems,
      GatewaySecurityProperties properties,
      ObjectProvider<JwtDecoder> jwtDecoder,
      ObjectProvider<HandlerMapping> handlerMappings,
      @Value("${spring.security.oauth2.resourceserver.jwt.issuer-uri:}") String springIssuer)
      throws Exception {
    http.csrf(c -> c.disable()) // stateless API: no cookies, no sessions
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .httpBasic(b -> b.disable())
        .formLogin(f -> f.disable())
        .logout(l -> l.disable())
        .requestCache(r -> r.disable())
        .anonymous(a -> {})
        .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
        .addFilterBefore(
            new ApiKeyAuthenticationFilter(store, problems), BasicAuthenticationFilter.class);
    JwtDecoder decoder = jwtDecoder.getIfAvailable();
    if (decoder instanceof NimbusJwtDecoder nimbus) {
      nimbus.setJwtValidator(tokenValidator(properties.jwt(), springIssuer));
    } else if (decoder != null) {
      throw new IllegalStateException(
          "The JwtDecoder bean is not a NimbusJwtDecoder; Lattice cannot enforce exp/iss/aud on it");
    }
    if (decoder != null) {
      http.oauth2ResourceServer(
          o ->
              o.authenticationEntryPoint(problems)
                  .accessDeniedHandler(problems)
                  .jwt(
                      j ->
                          j.decoder(decoder)
                              .jwtAuthenticationConverter(
                                  new JwtPrincipalConverter(properties.jwt()))));
    }
    http.authorizeHttpRequests(
        a ->
            a
                // The original request was authorized; its async (SSE) and error dispatches are not
                // new requests.
                .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR)
                .permitAll()
                // OPTIONS tells an authenticated caller which methods a path takes (MVC answers
                // with Allow, or 404 for a path no endpoint serves); it reads no data. Anonymous:
                // 401, like every other request that needs a credential.
                .requestMatchers(OPTIONS, "/**")
                .access(AUTHENTICATED)
                .requestMatchers(reads("/actuator/health", "/actuator/health/**"))
                .permitAll()
                .requestMatchers(
                    reads("/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**"))
                .permitAll()
                // The web console's static files and browser libraries: public code, no data. The
                // console signs in with the user's own key and every API call below is checked.
                .requestMatchers(reads("/console", "/console/", "/console/**", "/webjars/**"))
                .permitAll()
                // Who am I: the console asks after sign-in which views the roles may use
                .requestMatchers(reads("/api/v1/me"))
                .authenticated()
                // The installation at a glance: counts only
                .requestMatchers(reads("/api/v1/overview"))
                .access(any(ADMIN, COMPLIANCE))
                // Installation administration
                .requestMatchers("/api/v1/admin/**")
                .access(any(ADMIN))
                // Ingest: offers come from the brand that makes them (the service checks that
                // every offer names the caller's brand); everything else from a network's service
                // (the service checks each event's source network)
                .requestMatchers(POST, "/api/v1/events/offers", "/api/v1/events/offers/batch")
                .access(any(BRAND, ADMIN))
                .requestMatchers(POST, "/api/v1/events/**")
                .access(any(SERVICE, ADMIN))
                // Consent and members' rights, relayed by the member's network service (a SERVICE
                // caller is limited to its network's members by MemberTenancy)
                .requestMatchers(reads("/api/v1/members/{memberId}/consents"))
                .access(any(SERVICE, ADMIN, COMPLIANCE))
                .requestMatchers(PUT, "/api/v1/members/{memberId}/consents/{purpose}")
                .access(any(SERVICE, ADMIN))
                .requestMatchers(DELETE, "/api/v1/members/{memberId}/consents/{purpose}")
                .access(any(SERVICE, ADMIN))
                .requestMatchers(POST, "/api/v1/members/{memberId}/consents/tcf")
                .access(any(SERVICE, ADMIN))
                .requestMatchers(
                    reads(
                        "/api/v1/members/{memberId}/activity", "/api/v1/members/{memberId}/export"))
                .access(any(SERVICE, ADMIN, COMPLIANCE))
                .requestMatchers(POST, "/api/v1/members/{memberId}/erasure")
                .access(any(SERVICE, ADMIN, COMPLIANCE))
                // Networks: anyone governing networks may read; only a network's own admin edits it
                .requestMatchers(POST, "/api/v1/networks")
                .access(any(ADMIN))
                // Transfers (a change of controller): an ADMIN starts one, only the network's own
                // admin confirms it; either may cancel a pending one
                .requestMatchers(POST, "/api/v1/networks/{networkId}/transfer")
                .access(any(ADMIN))
                .requestMatchers(POST, "/api/v1/networks/{networkId}/transfer/{transferId}/confirm")
                .access(scoped(Set.of(), "networkId", LatticePrincipal::adminsNetwork))
                .requestMatchers(DELETE, "/api/v1/networks/{networkId}/transfer")
                .access(scoped(ADMIN, "networkId", LatticePrincipal::adminsNetwork))
                // Bulk re-confirmation after a transfer: the network's app (its SERVICE key)
                .requestMatchers(POST, "/api/v1/networks/{networkId}/consents/reconfirm")
                .access(scoped(ADMIN, "networkId", LatticePrincipal::servesNetwork))
                // What left the network: its own admin, or the cross-tenant readers
                .requestMatchers(reads("/api/v1/networks/{networkId}/flows"))
                .access(
                    scoped(Set.of(ADMIN, COMPLIANCE), "networkId", LatticePrincipal::adminsNetwork))
                .requestMatchers(reads("/api/v1/networks", "/api/v1/networks/**"))
                .access(any(ADMIN, COMPLIANCE, NETWORK_ADMIN))
                .requestMatchers(PUT, "/api/v1/networks/{networkId}")
                .access(scoped(ADMIN, "networkId", LatticePrincipal::adminsNetwork))
                .requestMatchers("/api/v1/networks/{networkId}/**")
                .access(scoped(ADMIN, "networkId", LatticePrincipal::adminsNetwork))
                // Brands: a brand sees only itself
                .requestMatchers(POST, "/api/v1/brands")
                .access(any(ADMIN))
                .requestMatchers(reads("/api/v1/brands"))
                .access(any(ADMIN, COMPLIANCE))
                .requestMatchers(
                    reads("/api/v1/brands/{brandId}", "/api/v1/brands/{brandId}/insights"))
                .access(
                    scoped(Set.of(ADMIN, COMPLIANCE), "brandId", LatticePrincipal::actsForBrand))
                .requestMatchers("/api/v1/brands/{brandId}/**")
                .access(scoped(ADMIN, "brandId", LatticePrincipal::actsForBrand))
                // Policies and the decision log
                .requestMatchers("/api/v1/policies", "/api/v1/policies/**")
                .access(any(ADMIN, COMPLIANCE))
                .requestMatchers(reads("/api/v1/decisions"))
                .access(any(ADMIN, COMPLIANCE))
                // Published schemas hold no data: any authenticated caller
                .requestMatchers(reads("/api/v1/schemas", "/api/v1/schemas/**"))
                .authenticated()
                // OPA-compatible data API
                .requestMatchers(POST, "/v1/data", "/v1/data/**")
                .access(any(ADMIN, COMPLIANCE, SERVICE))
                .requestMatchers(reads("/v1/data", "/v1/data/**"))
                .access(any(ADMIN, COMPLIANCE, SERVICE))
                // Anything else: a path no endpoint serves is a 404 (a known path's other method a
                // 405) for an authenticated caller; an endpoint the matrix does not list stays
                // denied, and anonymous callers get 401
                .anyRequest()
                .access(new UnmappedRequests(() -> handlerMappings.orderedStream().toList())));
    return http.build();
  }

  /** Allows every authenticated Lattice caller. */
  private static final AuthorizationManager<RequestAuthorizationContext> AUTHENTICATED =
      (auth, context) -> decide(principal(auth) != null);

  /**
   * The GET requests to {@code patterns}, and the HEAD requests to them: MVC answers HEAD from the
   * GET handler without the body, so HEAD is authorised as GET is (same status, same headers)
   * instead of falling through to the unlisted-endpoint rule (403).
   */
  static RequestMatcher reads(String... patterns) {
    List<PathPatternRequestMatcher> paths =
        java.util.Arrays.stream(patterns).map(PathPatternRequestMatcher::pathPattern).toList();
    return new RequestMatcher() {
      @Override
      public boolean matches(jakarta.servlet.http.HttpServletRequest request) {
        return matcher(request).isMatch();
      }

      @Override
      public MatchResult matcher(jakarta.servlet.http.HttpServletRequest request) {
        String method = request.getMethod();
        if (!GET.matches(method) && !HEAD.matches(method)) {
          return MatchResult.notMatch();
        }
        for (PathPatternRequestMatcher path : paths) {
          MatchResult result = path.matcher(request);
          if (result.isMatch()) {
            return result;
          }
        }
        return MatchResult.notMatch();
      }

      @Override
      public String toString() {
        return "GET or HEAD " + List.of(patterns);
      }
    };
  }

  /** Allows callers holding any of {@code roles}. */
  static AuthorizationManager<RequestAuthorizationContext> any(Role... roles) {
    Set<Role> allowed = EnumSet.copyOf(Set.of(roles));
    return (auth, context) ->
        decide(
            principal(auth) != null
                && principal(auth).roles().stream().anyMatch(allowed::contains));
  }

  private static AuthorizationManager<RequestAuthorizationContext> scoped(
      Role unscoped, String variable, BiPredicate<LatticePrincipal, String> actsFor) {
    return scoped(Set.of(unscoped), variable, actsFor);
  }

  /**
   * Allows callers holding one of {@code unscoped} roles, and callers whose scoped role acts for
   * the tenant named by the path variable.
   */
  static AuthorizationManager<RequestAuthorizationContext> scoped(
      Set<Role> unscoped, String variable, BiPredicate<LatticePrincipal, String> actsFor) {
    return (auth, context) -> {
      LatticePrincipal principal = principal(auth);
      if (principal == null) {
        return decide(false);
      }
      if (principal.roles().stream().anyMatch(unscoped::contains)) {
        return decide(true);
      }
      String tenant = context.getVariables().get(variable);
      return decide(tenant != null && actsFor.test(principal, tenant));
    };
  }

  private static LatticePrincipal principal(Supplier<? extends Authentication> auth) {
    Authentication authentication = auth.get();
    return authentication != null
            && authentication.isAuthenticated()
            && authentication.getPrincipal() instanceof LatticePrincipal p
        ? p
        : null;
  }

  private static AuthorizationResult decide(boolean granted) {
    return new AuthorizationDecision(granted);
  }
}
