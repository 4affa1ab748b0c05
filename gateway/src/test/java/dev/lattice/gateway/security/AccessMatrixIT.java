package dev.lattice.gateway.security;

import static dev.lattice.gateway.security.Role.ADMIN;
import static dev.lattice.gateway.security.Role.BRAND;
import static dev.lattice.gateway.security.Role.COMPLIANCE;
import static dev.lattice.gateway.security.Role.NETWORK_ADMIN;
import static dev.lattice.gateway.security.Role.SERVICE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.gateway.support.GatewayHttp;
import dev.lattice.gateway.support.GatewayIntegrationTest;
import dev.lattice.policy.bundle.BundleBuilder;
import dev.lattice.policy.bundle.DefaultBundle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The role × endpoint × tenant matrix. Two tenants of each kind exist: networks {@code mx-net-a}
 * and {@code mx-net-b} (member {@code mx-m-a} of the first, {@code mx-m-b} of the second) and
 * brands {@code mx-brand-a} and {@code mx-brand-b}. The scoped roles (NETWORK_ADMIN, SERVICE,
 * BRAND) act for the "a" tenants; every endpoint is called by every role on its own tenant's
 * resources and on the other tenant's, and the exact status is asserted: the documented success
 * (200/201/202), 404 where a resource is unknown to the caller (another network's member looks
 * exactly like an unknown one), 400 where a body is refused on purpose, 403 where the role or the
 * tenant is not allowed. Anonymous callers get 401 everywhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessMatrixIT extends GatewayIntegrationTest {

  private static final String NET_A = "mx-net-a";
  private static final String NET_B = "mx-net-b";
  private static final String BRAND_A = "mx-brand-a";
  private static final String BRAND_B = "mx-brand-b";
  private static final String MEMBER_A = "mx-m-a";
  private static final String MEMBER_B = "mx-m-b";
  private static final Set<String> HTTP_METHODS =
      Set.of("get", "put", "post", "delete", "patch", "head", "options");
  private static final Set<Integer> CONSENT_CHANGED = Set.of(200, 202); // applied / pending

  private final Map<Role, String> keys = new EnumMap<>(Role.class);
  private String brandBSubscription;

  /**
   * One endpoint: its request (the body may depend on the calling role, for calls that create
   * something) and the statuses each role gets; roles not listed get 403.
   */
  record Endpoint(
      String method, String path, Function<Role, Object> body, Map<Role, Set<Integer>> expected) {
    @Override
    public String toString() {
      return method + " " + path;
    }

    Set<Integer> expectedFor(Role role) {
      return expected.getOrDefault(role, Set.of(403));
    }
  }

  /** Builds an endpoint: {@code allow(status, roles...)} pairs. */
  static Endpoint e(String method, String path, Function<Role, Object> body, Allow... allows) {
    Map<Role, Set<Integer>> expected = new EnumMap<>(Role.class);
    for (Allow allow : allows) {
      for (Role role : allow.roles()) {
        expected.put(role, allow.statuses());
      }
    }
    return new Endpoint(method, path, body == null ? role -> null : body, expected);
  }

  static Endpoint e(String method, String path, Object body, Allow... allows) {
    return e(method, path, role -> body, allows);
  }

  record Allow(Set<Integer> statuses, List<Role> roles) {}

  static Allow status(int status, Role... roles) {
    return new Allow(Set.of(status), List.of(roles));
  }

  static Allow consentChanged(Role... roles) {
    return new Allow(CONSENT_CHANGED, List.of(roles));
  }

  static String memberData(String network, String member) {
    return """
        {"header": {"event_id": "mx-%s", "event_type": "member_data", "source_network": "%s",
                    "subject_member": "%s", "occurred_at": "2026-11-23T10:00:00Z"},
         "purpose": "marketing", "kind": "profile", "personal": {"interests": ["maps"]}}
        """
        .formatted(UUID.randomUUID(), network, member);
  }

  static String content(String network, String member) {
    return """
        {"header": {"event_id": "mx-%s", "event_type": "content", "source_network": "%s",
                    "subject_member": "%s", "occurred_at": "2026-11-23T10:00:00Z"},
         "purpose": "sharing", "content_id": "mx-c", "visibility": "network"}
        """
        .formatted(UUID.randomUUID(), network, member);
  }

  static String offer(String brand) {
    return """
        {"header": {"event_id": "mx-%s", "event_type": "offer", "source_network": "%s",
                    "occurred_at": "2026-11-23T10:00:00Z"},
         "offer_id": "mx-o", "brand": "%s", "sku": "S", "category": "outdoor",
         "creative": {"headline": "H"}, "target_networks": ["%s"],
         "valid_from": "2026-01-01T00:00:00Z", "valid_until": "2030-01-01T00:00:00Z"}
        """
        .formatted(UUID.randomUUID(), NET_A, brand, NET_A);
  }

  static byte[] bundle() {
    Map<String, byte[]> files = new LinkedHashMap<>(DefaultBundle.files());
    files.put(
        ".manifest",
        ("{\"revision\": \"mx-"
                + UUID.randomUUID()
                + "\", \"roots\": [\"lattice\"], \"rego_version\": 1}")
            .getBytes(StandardCharsets.UTF_8));
    return BundleBuilder.tarGz(files);
  }

  List<Endpoint> endpoints() {
    String a = "/api/v1/members/" + MEMBER_A;
    String b = "/api/v1/members/" + MEMBER_B;
    return List.of(
        // Installation administration
        e("GET", "/api/v1/admin/api-keys", null, status(200, ADMIN)),
        e("POST", "/api/v1/admin/api-keys", Map.of("role", "COMPLIANCE"), status(201, ADMIN)),
        e("DELETE", "/api/v1/admin/api-keys/mx-no-such-key", null, status(404, ADMIN)),
        // Ingest: a network's events with its SERVICE key, a brand's offers with its BRAND key
        e(
            "POST",
            "/api/v1/events/member-data",
            memberData(NET_A, MEMBER_A),
            status(202, ADMIN, SERVICE)),
        e(
            "POST",
            "/api/v1/events/member-data/batch",
            "[" + memberData(NET_A, MEMBER_A) + "]",
            status(202, ADMIN, SERVICE)),
        e("POST", "/api/v1/events/content", content(NET_A, MEMBER_A), status(202, ADMIN, SERVICE)),
        e("POST", "/api/v1/events/member-data", memberData(NET_B, MEMBER_B), status(202, ADMIN)),
        e(
            "POST",
            "/api/v1/events/member-data/batch",
            "[" + memberData(NET_A, MEMBER_A) + "," + memberData(NET_B, MEMBER_B) + "]",
            status(202, ADMIN)),
        e("POST", "/api/v1/events/content", content(NET_B, MEMBER_B), status(202, ADMIN)),
        e("POST", "/api/v1/events/offers", offer(BRAND_A), status(202, ADMIN, BRAND)),
        e(
            "POST",
            "/api/v1/events/offers/batch",
            "[" + offer(BRAND_A) + "]",
            status(202, ADMIN, BRAND)),
        e("POST", "/api/v1/events/offers", offer(BRAND_B), status(202, ADMIN)),
        e(
            "POST",
            "/api/v1/events/offers/batch",
            "[" + offer(BRAND_A) + "," + offer(BRAND_B) + "]",
            status(202, ADMIN)),
        // Members of the SERVICE key's network
        e("GET", a + "/consents", null, status(200, ADMIN, COMPLIANCE, SERVICE)),
        e(
            "PUT",
            a + "/consents/marketing",
            Map.of("categories", List.of("profile")),
            consentChanged(ADMIN, SERVICE)),
        e(
            "DELETE",
            "/api/v1/members/mx-w-a-{role}/consents/marketing",
            null,
            consentChanged(ADMIN, SERVICE)),
        e(
            "POST",
            a + "/consents/tcf",
            Map.of("tcString", "not-a-tc-string"),
            status(400, ADMIN, SERVICE)),
        e("GET", a + "/activity", null, status(200, ADMIN, COMPLIANCE, SERVICE)),
        e("GET", a + "/export", null, status(200, ADMIN, COMPLIANCE, SERVICE)),
        e(
            "POST",
            "/api/v1/members/mx-erase-a-{role}/erasure",
            "{}",
            status(202, ADMIN, COMPLIANCE, SERVICE)),
        // ... and of another network: 404 for the SERVICE key, as for an unknown member
        e("GET", b + "/consents", null, status(200, ADMIN, COMPLIANCE), status(404, SERVICE)),
        e(
            "PUT",
            b + "/consents/marketing",
            Map.of("categories", List.of("profile")),
            consentChanged(ADMIN),
            status(404, SERVICE)),
        e(
            "DELETE",
            "/api/v1/members/mx-w-b-{role}/consents/marketing",
            null,
            consentChanged(ADMIN),
            status(404, SERVICE)),
        e(
            "POST",
            b + "/consents/tcf",
            Map.of("tcString", "not-a-tc-string"),
            status(400, ADMIN),
            status(404, SERVICE)),
        e("GET", b + "/activity", null, status(200, ADMIN, COMPLIANCE), status(404, SERVICE)),
        e("GET", b + "/export", null, status(200, ADMIN, COMPLIANCE), status(404, SERVICE)),
        e(
            "POST",
            "/api/v1/members/mx-erase-b-{role}/erasure",
            "{}",
            status(202, ADMIN, COMPLIANCE),
            status(404, SERVICE)),
        // Networks
        e(
            "POST",
            "/api/v1/networks",
            role ->
                Map.of(
                    "id",
                    "mx-new-" + role.name().toLowerCase().replace('_', '-'),
                    "name",
                    "New",
                    "rules",
                    Map.of()),
            status(201, ADMIN)),
        e("GET", "/api/v1/networks", null, status(200, ADMIN, COMPLIANCE, NETWORK_ADMIN)),
        e("GET", "/api/v1/networks/" + NET_A, null, status(200, ADMIN, COMPLIANCE, NETWORK_ADMIN)),
        e("GET", "/api/v1/networks/" + NET_B, null, status(200, ADMIN, COMPLIANCE, NETWORK_ADMIN)),
        e(
            "PUT",
            "/api/v1/networks/" + NET_A,
            Map.of("name", "A", "rules", Map.of()),
            status(200, ADMIN, NETWORK_ADMIN)),
        e(
            "PUT",
            "/api/v1/networks/" + NET_B,
            Map.of("name", "B", "rules", Map.of()),
            status(200, ADMIN)),
        e(
            "GET",
            "/api/v1/networks/" + NET_A + "/agreements",
            null,
            status(200, ADMIN, COMPLIANCE, NETWORK_ADMIN)),
        e(
            "GET",
            "/api/v1/networks/" + NET_B + "/agreements",
            null,
            status(200, ADMIN, COMPLIANCE, NETWORK_ADMIN)),
        e(
            "POST",
            "/api/v1/networks/" + NET_A + "/agreements",
            Map.of("network", NET_B, "purposes", List.of("sharing")),
            status(200, ADMIN, NETWORK_ADMIN)),
        e(
            "POST",
            "/api/v1/networks/" + NET_B + "/agreements",
            Map.of("network", NET_A, "purposes", List.of("sharing")),
            status(200, ADMIN)),
        e(
            "DELETE",
            "/api/v1/networks/" + NET_B + "/agreements/mx-nobody",
            null,
            status(404, ADMIN)),
        // Controllers: an ADMIN starts a transfer, only the network's own admin confirms it
        e(
            "POST",
            "/api/v1/networks/" + NET_A + "/transfer",
            Map.of("to", Map.of("organisation", "mx-buyer", "privacy_contact", "dpo@mx.example")),
            status(202, ADMIN)),
        e(
            "POST",
            "/api/v1/networks/" + NET_A + "/transfer/mx-nobody/confirm",
            "{}",
            status(404, NETWORK_ADMIN)),
        e("POST", "/api/v1/networks/" + NET_B + "/transfer/mx-nobody/confirm", "{}"),
        e("DELETE", "/api/v1/networks/" + NET_B + "/transfer", null, status(404, ADMIN)),
        // Bulk re-confirmation by the network's app (these networks have no controller: 400)
        e(
            "POST",
            "/api/v1/networks/" + NET_A + "/consents/reconfirm",
            Map.of("members", List.of(MEMBER_A)),
            status(400, ADMIN, SERVICE)),
        e(
            "POST",
            "/api/v1/networks/" + NET_B + "/consents/reconfirm",
            Map.of("members", List.of(MEMBER_B)),
            status(400, ADMIN)),
        // What left a network: its own admin and the cross-tenant readers
        e(
            "GET",
            "/api/v1/networks/" + NET_A + "/flows",
            null,
            status(200, ADMIN, COMPLIANCE, NETWORK_ADMIN)),
        e("GET", "/api/v1/networks/" + NET_B + "/flows", null, status(200, ADMIN, COMPLIANCE)),
        // Brands
        e(
            "POST",
            "/api/v1/brands",
            role ->
                Map.of(
                    "id", "mx-new-" + role.name().toLowerCase().replace('_', '-'), "name", "New"),
            status(201, ADMIN)),
        e("GET", "/api/v1/brands", null, status(200, ADMIN, COMPLIANCE)),
        e("GET", "/api/v1/brands/" + BRAND_A, null, status(200, ADMIN, COMPLIANCE, BRAND)),
        e("GET", "/api/v1/brands/" + BRAND_B, null, status(200, ADMIN, COMPLIANCE)),
        e(
            "GET",
            "/api/v1/brands/" + BRAND_A + "/insights",
            null,
            status(200, ADMIN, COMPLIANCE, BRAND)),
        e("GET", "/api/v1/brands/" + BRAND_B + "/insights", null, status(200, ADMIN, COMPLIANCE)),
        e("GET", "/api/v1/brands/" + BRAND_A + "/deliveries", null, status(200, ADMIN, BRAND)),
        e("GET", "/api/v1/brands/" + BRAND_B + "/deliveries", null, status(200, ADMIN)),
        e(
            "POST",
            "/api/v1/brands/" + BRAND_A + "/subscriptions",
            Map.of("networks", List.of(NET_A)),
            status(201, ADMIN, BRAND)),
        e(
            "POST",
            "/api/v1/brands/" + BRAND_B + "/subscriptions",
            Map.of("networks", List.of(NET_A)),
            status(201, ADMIN)),
        e(
            "DELETE",
            "/api/v1/brands/" + BRAND_B + "/subscriptions/mx-no-such",
            null,
            status(404, ADMIN)),
        // Policies and decisions
        e("GET", "/api/v1/policies", null, status(200, ADMIN, COMPLIANCE)),
        e("POST", "/api/v1/policies", role -> bundle(), status(201, ADMIN, COMPLIANCE)),
        e(
            "POST",
            "/api/v1/policies/no-such-revision/simulate",
            Map.of("input", Map.of()),
            status(404, ADMIN, COMPLIANCE)),
        e(
            "POST",
            "/api/v1/policies/no-such-revision/replay",
            Map.of(),
            status(404, ADMIN, COMPLIANCE)),
        // instance to instance only: 404 to every caller without another instance's signature
        e(
            "GET",
            "/api/v1/policies/replay-members?references=mbr-matrix",
            null,
            status(404, ADMIN, COMPLIANCE)),
        e(
            "POST",
            "/api/v1/policies/no-such-revision/activate",
            null,
            status(404, ADMIN, COMPLIANCE)),
        e(
            "POST",
            "/api/v1/policies/rollback",
            Map.of("revision", "no-such-revision"),
            status(404, ADMIN, COMPLIANCE)),
        e("GET", "/api/v1/decisions?eventId=e-matrix", null, status(200, ADMIN, COMPLIANCE)),
        e("GET", "/api/v1/policies/no-such-revision/files", null, status(404, ADMIN, COMPLIANCE)),
        e("POST", "/api/v1/policies/tests", role -> bundle(), status(200, ADMIN, COMPLIANCE)),
        // The console's identity and overview
        e("GET", "/api/v1/me", null, status(200, Role.values())),
        e("GET", "/api/v1/overview", null, status(200, ADMIN, COMPLIANCE)),
        e("GET", "/api/v1/schemas", null, status(200, Role.values())),
        e("GET", "/api/v1/schemas/MemberDataEvent", null, status(200, Role.values())),
        // OPA data API: decisions for SERVICE, everything for ADMIN and COMPLIANCE
        e(
            "POST",
            "/v1/data/lattice/decision",
            "{\"input\":{}}",
            status(200, ADMIN, COMPLIANCE, SERVICE)),
        e("POST", "/v1/data/networks", "{}", status(200, ADMIN, COMPLIANCE)),
        e("GET", "/v1/data/networks", null, status(200, ADMIN, COMPLIANCE)),
        e(
            "GET",
            "/v1/data/lattice/decision?input=%7B%7D",
            null,
            status(200, ADMIN, COMPLIANCE, SERVICE)),
        // No endpoint at this path: 404 for every authenticated caller (anonymous: 401); a known
        // path with another method: 405; an endpoint no rule grants stays 403
        e(
            "GET",
            "/api/v1/no-such-endpoint",
            null,
            status(404, ADMIN, COMPLIANCE, NETWORK_ADMIN, BRAND, SERVICE)),
        e(
            "GET",
            "/api/v1/events/offers",
            null,
            status(405, ADMIN, COMPLIANCE, NETWORK_ADMIN, BRAND, SERVICE)),
        e("GET", "/actuator/info", null));
  }

  @BeforeAll
  void twoTenantsOfEachKindAndOneKeyPerRole() {
    GatewayHttp admin = asAdmin();
    for (String network : List.of(NET_A, NET_B)) {
      admin.post("/api/v1/networks", Map.of("id", network, "name", network, "rules", Map.of()));
    }
    for (String brand : List.of(BRAND_A, BRAND_B)) {
      admin.post("/api/v1/brands", Map.of("id", brand, "name", brand));
    }
    for (Role role : Role.values()) {
      String scope =
          switch (role.scope()) {
            case NETWORK -> NET_A;
            case BRAND -> BRAND_A;
            case NONE -> null;
          };
      keys.put(role, keyFor(role, scope));
    }
    GatewayHttp serviceA = as(keys.get(SERVICE));
    GatewayHttp serviceB = as(keyFor(SERVICE, NET_B));
    ingest(serviceA, memberData(NET_A, MEMBER_A));
    ingest(serviceB, memberData(NET_B, MEMBER_B));
    for (Role role : Role.values()) {
      ingest(serviceA, memberData(NET_A, "mx-erase-a-" + role));
      ingest(serviceB, memberData(NET_B, "mx-erase-b-" + role));
      // A grant per role to withdraw: a second withdrawal of the same grant is refused (422).
      grant(serviceA, "mx-w-a-" + role);
      grant(serviceB, "mx-w-b-" + role);
    }
  }

  private static void grant(GatewayHttp service, String member) {
    var response =
        service.put(
            "/api/v1/members/" + member + "/consents/marketing",
            Map.of("categories", List.of("profile")));
    if (!CONSENT_CHANGED.contains(response.status())) {
      throw new IllegalStateException("fixture grant refused: " + response);
    }
  }

  private static void ingest(GatewayHttp service, String event) {
    var response = service.post("/api/v1/events/member-data", event);
    if (response.status() != 202) {
      throw new IllegalStateException("fixture event refused: " + response);
    }
  }

  Stream<Arguments> calls() {
    List<Arguments> calls = new ArrayList<>();
    for (Endpoint endpoint : endpoints()) {
      for (Role role : Role.values()) {
        calls.add(Arguments.of(endpoint, role, endpoint.expectedFor(role)));
      }
    }
    return calls.stream();
  }

  @ParameterizedTest(name = "{0} as {1} -> {2}")
  @MethodSource("calls")
  void eachRoleGetsExactlyTheDocumentedStatusOnItsOwnAndOnAnotherTenantsResources(
      Endpoint endpoint, Role role, Set<Integer> expected) {
    String path = endpoint.path().replace("{role}", role.name());
    Object body = endpoint.body().apply(role);
    GatewayHttp caller = as(keys.get(role));

    int status =
        body instanceof byte[] bytes
            ? caller.postBytes(path, bytes, "application/gzip").status()
            : caller.status(endpoint.method(), path, body);

    assertThat(expected).as("%s %s as %s", endpoint.method(), path, role).contains(status);
  }

  /**
   * The matrix is only a guard if it is complete: every operation the API documents (OpenAPI, from
   * the controllers' mappings) must be called in it, so a new endpoint cannot ship without its role
   * and tenant checks being pinned down here.
   */
  @Test
  void theMatrixCallsEveryOperationTheApiDocuments() {
    JsonNode docs = asAdmin().get("/v3/api-docs").json();
    List<String> missing = new ArrayList<>();
    // Spring's error page is reached only by the container's error dispatch: not an operation.
    assertThat(docs.get("paths").has("/error")).isFalse();
    for (Map.Entry<String, JsonNode> path : docs.get("paths").properties()) {
      Pattern template = templatePattern(path.getKey());
      for (String method : path.getValue().propertyNames()) {
        if (!HTTP_METHODS.contains(method)) {
          continue; // e.g. "parameters" shared by the path's operations
        }
        String verb = method.toUpperCase(Locale.ROOT);
        boolean called =
            endpoints().stream()
                .anyMatch(
                    e ->
                        e.method().equals(verb)
                            && template.matcher(e.path().replaceFirst("\\?.*$", "")).matches());
        if (!called) {
          missing.add(verb + " " + path.getKey());
        }
      }
    }
    assertThat(missing).as("documented operations the access matrix never calls").isEmpty();
  }

  /** {@code /a/{id}/b} matches one segment for {@code {id}}; a trailing {@code /**} any rest. */
  private static Pattern templatePattern(String template) {
    boolean anyRest = template.endsWith("/**");
    String fixed = anyRest ? template.substring(0, template.length() - 3) : template;
    String regex =
        Arrays.stream(fixed.split("\\{[^}/]+}", -1))
            .map(part -> part.isEmpty() ? "" : Pattern.quote(part))
            .collect(Collectors.joining("[^/]+"));
    return Pattern.compile(anyRest ? regex + "/.+" : regex);
  }

  @ParameterizedTest(name = "{0} without credentials")
  @MethodSource("endpoints")
  void everyEndpointRefusesAnonymousCallers(Endpoint endpoint) {
    String path = endpoint.path().replace("{role}", "ANONYMOUS");
    Object body = endpoint.body().apply(ADMIN);

    int status =
        body instanceof byte[] bytes
            ? http().postBytes(path, bytes, "application/gzip").status()
            : http().status(endpoint.method(), path, body);

    assertThat(status).isEqualTo(401);
  }
}
