package dev.lattice.gateway.security;

import static dev.lattice.gateway.security.Role.ADMIN;
import static dev.lattice.gateway.security.Role.BRAND;
import static dev.lattice.gateway.security.Role.COMPLIANCE;
import static dev.lattice.gateway.security.Role.NETWORK_ADMIN;
import static dev.lattice.gateway.security.Role.SERVICE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.gateway.support.GatewayIntegrationTest;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The role-by-endpoint matrix: for every endpoint and every role, the call is either let through
 * the security layer (any status but 401/403 — the handler may still reject the body) or refused
 * with 403. Scoped roles act for {@code net-a} and {@code brand-a}, the tenants in these paths.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessMatrixIT extends GatewayIntegrationTest {

  private static final String EMPTY = "{}";
  private final Map<Role, String> keys = new EnumMap<>(Role.class);

  record Endpoint(String method, String path, Object body, Set<Role> allowed) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  static Endpoint e(String method, String path, Object body, Role... allowed) {
    return new Endpoint(
        method, path, body, allowed.length == 0 ? Set.of() : EnumSet.of(allowed[0], allowed));
  }

  static List<Endpoint> endpoints() {
    return List.of(
        e("GET", "/api/v1/admin/api-keys", null, ADMIN),
        e("POST", "/api/v1/admin/api-keys", EMPTY, ADMIN),
        e("POST", "/api/v1/events/offers", EMPTY, SERVICE, ADMIN),
        e("POST", "/api/v1/events/member-data/batch", "[]", SERVICE, ADMIN),
        e("GET", "/api/v1/members/m-matrix/consents", null, SERVICE, ADMIN, COMPLIANCE),
        e("PUT", "/api/v1/members/m-matrix/consents/not-a-purpose", EMPTY, SERVICE, ADMIN),
        e("DELETE", "/api/v1/members/m-matrix/consents/not-a-purpose", null, SERVICE, ADMIN),
        e("POST", "/api/v1/members/m-matrix/consents/tcf", EMPTY, SERVICE, ADMIN),
        e("GET", "/api/v1/members/m-matrix/activity", null, SERVICE, ADMIN, COMPLIANCE),
        e("GET", "/api/v1/members/m-matrix/export", null, SERVICE, ADMIN, COMPLIANCE),
        e("POST", "/api/v1/members/m-matrix/erasure", EMPTY, SERVICE, ADMIN, COMPLIANCE),
        e("POST", "/api/v1/networks", EMPTY, ADMIN),
        e("GET", "/api/v1/networks", null, ADMIN, COMPLIANCE, NETWORK_ADMIN),
        e("GET", "/api/v1/networks/net-a", null, ADMIN, COMPLIANCE, NETWORK_ADMIN),
        e("PUT", "/api/v1/networks/net-a", EMPTY, ADMIN, NETWORK_ADMIN),
        e("POST", "/api/v1/networks/net-a/agreements", EMPTY, ADMIN, NETWORK_ADMIN),
        e("POST", "/api/v1/brands", EMPTY, ADMIN),
        e("GET", "/api/v1/brands", null, ADMIN, COMPLIANCE),
        e("GET", "/api/v1/brands/brand-a", null, ADMIN, COMPLIANCE, BRAND),
        e("GET", "/api/v1/brands/brand-a/insights", null, ADMIN, COMPLIANCE, BRAND),
        e("GET", "/api/v1/brands/brand-a/deliveries", null, ADMIN, BRAND),
        e("POST", "/api/v1/brands/brand-a/subscriptions", EMPTY, ADMIN, BRAND),
        e("GET", "/api/v1/policies", null, ADMIN, COMPLIANCE),
        e("POST", "/api/v1/policies", EMPTY, ADMIN, COMPLIANCE),
        e("POST", "/api/v1/policies/no-such-revision/simulate", EMPTY, ADMIN, COMPLIANCE),
        e("POST", "/api/v1/policies/no-such-revision/replay", EMPTY, ADMIN, COMPLIANCE),
        e("POST", "/api/v1/policies/no-such-revision/activate", null, ADMIN, COMPLIANCE),
        e("GET", "/api/v1/decisions?eventId=e-matrix", null, ADMIN, COMPLIANCE),
        e("GET", "/api/v1/schemas", null, Role.values()),
        e("GET", "/api/v1/schemas/MemberDataEvent", null, Role.values()),
        e("POST", "/v1/data/lattice/decision", "{\"input\":{}}", ADMIN, COMPLIANCE, SERVICE),
        e("GET", "/api/v1/me", null, Role.values()),
        e("GET", "/api/v1/overview", null, ADMIN, COMPLIANCE),
        e("GET", "/api/v1/policies/no-such-revision/files", null, ADMIN, COMPLIANCE),
        e("POST", "/api/v1/policies/tests", EMPTY, ADMIN, COMPLIANCE),
        e("GET", "/api/v1/no-such-endpoint", null));
  }

  @BeforeAll
  void createOneKeyPerRole() {
    for (Role role : Role.values()) {
      String scope =
          switch (role.scope()) {
            case NETWORK -> "net-a";
            case BRAND -> "brand-a";
            case NONE -> null;
          };
      keys.put(role, keyFor(role, scope));
    }
  }

  Stream<Arguments> calls() {
    List<Arguments> calls = new ArrayList<>();
    for (Endpoint endpoint : endpoints()) {
      for (Role role : Role.values()) {
        calls.add(Arguments.of(endpoint, role, endpoint.allowed().contains(role)));
      }
    }
    return calls.stream();
  }

  @ParameterizedTest(name = "{0} as {1} allowed={2}")
  @MethodSource("calls")
  void eachRoleReachesExactlyTheEndpointsItIsAllowed(
      Endpoint endpoint, Role role, boolean allowed) {
    int status = as(keys.get(role)).status(endpoint.method(), endpoint.path(), endpoint.body());

    if (allowed) {
      assertThat(status).as("%s as %s", endpoint, role).isNotIn(401, 403);
    } else {
      assertThat(status).as("%s as %s", endpoint, role).isEqualTo(403);
    }
  }

  @ParameterizedTest(name = "{0} without credentials")
  @MethodSource("endpoints")
  void everyEndpointRefusesAnonymousCallers(Endpoint endpoint) {
    assertThat(http().status(endpoint.method(), endpoint.path(), endpoint.body())).isEqualTo(401);
  }
}
