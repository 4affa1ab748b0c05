package dev.lattice.gateway.api.networks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.gateway.security.Role;
import dev.lattice.gateway.support.GatewayHttp;
import dev.lattice.gateway.support.GatewayHttp.Response;
import dev.lattice.gateway.support.GatewayIntegrationTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NetworkIT extends GatewayIntegrationTest {

  @Test
  void rulesThatBreakTheSchemaAre400ListingEveryViolation() {
    Response response =
        asAdmin()
            .post(
                "/api/v1/networks",
                Map.of(
                    "id", "bad-rules",
                    "name", "Bad",
                    "rules",
                        Map.of(
                            "export", Map.of("purposes", List.of("gossip")),
                            "offers", Map.of("accept", "yes"),
                            "colour", "blue")));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("errors").valueStream().map(e -> e.get("path").asString()))
        .contains("$.rules.export.purposes[0]", "$.rules.offers.accept")
        .anyMatch(p -> p.startsWith("$.rules"));
    assertThat(asAdmin().get("/api/v1/networks/bad-rules").status()).isEqualTo(404);
  }

  @Test
  void aNetworkIsCreatedOnceAndReadBack() {
    Map<String, Object> body =
        Map.of(
            "id",
            "net-created",
            "name",
            "Created",
            "rules",
            Map.of("offers", Map.of("accept", true)));

    assertThat(asAdmin().post("/api/v1/networks", body).status()).isEqualTo(201);
    assertThat(asAdmin().post("/api/v1/networks", body).status()).isEqualTo(409);
    Response read = as(keyFor(Role.COMPLIANCE, null)).get("/api/v1/networks/net-created");
    assertThat(read.json().get("version").asLong()).isEqualTo(1);
    assertThat(read.json().get("rules").get("offers").get("accept").asBoolean()).isTrue();
  }

  @Test
  void aNetworkCreatedWithoutRulesGetsEmptyRulesThatShareNothingButRulesOfTheWrongTypeAreRefused() {
    Response created =
        asAdmin().post("/api/v1/networks", Map.of("id", "net-no-rules", "name", "No rules"));
    Response wrongType =
        asAdmin()
            .post(
                "/api/v1/networks",
                Map.of("id", "net-string-rules", "name", "Strings", "rules", "share all"));

    assertThat(created.status()).as(created.body()).isEqualTo(201);
    Response read = asAdmin().get("/api/v1/networks/net-no-rules");
    assertThat(read.json().get("version").asLong()).isEqualTo(1);
    assertThat(read.json().get("rules").has("export")).isFalse();
    assertThat(read.json().get("rules").has("offers")).isFalse();
    assertThat(wrongType.status()).isEqualTo(400);
    assertThat(wrongType.json().get("errors").get(0).get("path").asString()).isEqualTo("$.rules");
  }

  @Test
  void aNetworkAdminEditsItsOwnNetworkButNotAnother() {
    asAdmin().post("/api/v1/networks", Map.of("id", "net-own", "name", "Own", "rules", Map.of()));
    asAdmin()
        .post("/api/v1/networks", Map.of("id", "net-other", "name", "Other", "rules", Map.of()));
    GatewayHttp ownAdmin = as(keyFor(Role.NETWORK_ADMIN, "net-own"));
    Map<String, Object> rules = Map.of("rules", Map.of("offers", Map.of("accept", false)));

    Response own = ownAdmin.put("/api/v1/networks/net-own", rules);
    Response other = ownAdmin.put("/api/v1/networks/net-other", rules);
    Response otherAgreement =
        ownAdmin.post(
            "/api/v1/networks/net-other/agreements",
            Map.of("network", "net-own", "purposes", List.of("sharing")));

    assertThat(own.status()).as(own.body()).isEqualTo(200);
    assertThat(own.json().get("version").asLong()).isEqualTo(2);
    assertThat(other.status()).isEqualTo(403);
    assertThat(otherAgreement.status()).isEqualTo(403);
    assertThat(other.contentType()).startsWith("application/problem+json");
  }

  @Test
  void agreementsAreAddedValidatedAndRemoved() {
    asAdmin()
        .post("/api/v1/networks", Map.of("id", "net-agree", "name", "Agree", "rules", Map.of()));
    asAdmin()
        .post(
            "/api/v1/networks", Map.of("id", "net-partner", "name", "Partner", "rules", Map.of()));
    GatewayHttp admin = as(keyFor(Role.NETWORK_ADMIN, "net-agree"));

    Response added =
        admin.post(
            "/api/v1/networks/net-agree/agreements",
            Map.of("network", "net-partner", "purposes", List.of("sharing")));
    Response invalid =
        admin.post(
            "/api/v1/networks/net-agree/agreements",
            Map.of("network", "net-partner", "purposes", List.of("gossip")));

    assertThat(added.status()).as(added.body()).isEqualTo(200);
    assertThat(
            admin
                .get("/api/v1/networks/net-agree/agreements")
                .json()
                .get(0)
                .get("network")
                .asString())
        .isEqualTo("net-partner");
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(admin.delete("/api/v1/networks/net-agree/agreements/net-partner").status())
        .isEqualTo(200);
    assertThat(admin.get("/api/v1/networks/net-agree/agreements").json().isEmpty()).isTrue();
  }

  @Test
  void anAgreementsProblemsAreNamedAtTheFieldsOfTheRequestBody() {
    asAdmin()
        .post("/api/v1/networks", Map.of("id", "net-paths", "name", "Paths", "rules", Map.of()));
    asAdmin().post("/api/v1/networks", Map.of("id", "net-paths-b", "name", "B", "rules", Map.of()));
    asAdmin()
        .post(
            "/api/v1/networks/net-paths/agreements",
            Map.of("network", "net-paths-b", "purposes", List.of("sharing")));

    Response bad =
        asAdmin()
            .post(
                "/api/v1/networks/net-paths/agreements",
                Map.of(
                    "network", "net-nowhere",
                    "purposes", List.of("gossip"),
                    "expires_at", "never",
                    "colour", "blue"));
    Response noPurposes =
        asAdmin().post("/api/v1/networks/net-paths/agreements", Map.of("network", "net-paths-b"));

    assertThat(bad.status()).as(bad.body()).isEqualTo(400);
    assertThat(bad.json().get("errors").valueStream().map(e -> e.get("path").asString()))
        .containsExactlyInAnyOrder("$.network", "$.purposes[0]", "$.expires_at", "$.colour");
    assertThat(noPurposes.status()).as(noPurposes.body()).isEqualTo(400);
    assertThat(noPurposes.json().get("errors").valueStream().map(e -> e.get("path").asString()))
        .containsExactly("$.purposes");
  }

  @Test
  void anAgreementNamingItsPartnerWithAnythingButAStringOrThatIsNoObjectIsA400NotA500() {
    asAdmin().post("/api/v1/networks", Map.of("id", "net-shape", "name", "S", "rules", Map.of()));
    String agreements = "/api/v1/networks/net-shape/agreements";

    for (Object partner : List.of(Map.of("id", "net-paths-b"), List.of("net-paths-b"))) {
      Response response =
          asAdmin().post(agreements, Map.of("network", partner, "purposes", List.of("sharing")));

      assertThat(response.status()).as(response.body()).isEqualTo(400);
      assertThat(response.json().get("errors").get(0).get("path").asString())
          .isEqualTo("$.network");
      assertThat(response.json().get("errors").get(0).get("message").asString())
          .contains("must be a string");
    }
    for (String body : List.of("[]", "\"net-paths-b\"")) {
      Response response = asAdmin().post(agreements, body);

      assertThat(response.status()).as(response.body()).isEqualTo(400);
      assertThat(response.json().get("errors").get(0).get("path").asString()).isEqualTo("$");
      assertThat(response.json().get("errors").get(0).get("message").asString())
          .contains("must be an object");
    }
  }

  @Test
  void aFlowReportWindowOutsideTheEpochToYear9999IsA400AtItsParameterNotA500() {
    asAdmin().post("/api/v1/networks", Map.of("id", "net-window", "name", "W", "rules", Map.of()));
    String flows = "/api/v1/networks/net-window/flows";

    for (String query :
        List.of(
            "?to=-999999999-01-01T00:00:00Z",
            "?from=1969-12-31T00:00:00Z&to=1970-01-01T12:00:00Z",
            "?from=9999-12-31T00:00:00Z&to=%2B10000-01-01T00:00:00Z")) {
      Response response = asAdmin().get(flows + query);

      assertThat(response.status()).as(query + " " + response.body()).isEqualTo(400);
      assertThat(response.json().get("errors").get(0).get("message").asString())
          .as(query)
          .contains("1970-01-01T00:00:00Z");
    }
    // a window ending just after the epoch starts at it (the audit has no earlier time)
    Response early = asAdmin().get(flows + "?to=1970-01-01T12:00:00Z");
    assertThat(early.status()).as(early.body()).isEqualTo(200);
    assertThat(early.json().get("from").asString()).isEqualTo("1970-01-01T00:00:00Z");
  }

  @Test
  void rulesNamingUnregisteredBrandsOrNetworksAre400ListingEach() {
    Response response =
        asAdmin()
            .post(
                "/api/v1/networks",
                Map.of(
                    "id", "net-ghostly",
                    "name", "Ghostly",
                    "rules",
                        Map.of(
                            "export",
                            Map.of(
                                "brands", List.of("ghost-brand", "*"),
                                "networks", List.of("ghost-net")),
                            "agreements",
                            List.of(
                                Map.of("network", "ghost-net", "purposes", List.of("sharing"))))));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("errors").valueStream().map(e -> e.get("path").asString()))
        .containsExactlyInAnyOrder(
            "$.rules.export.brands[0]",
            "$.rules.export.networks[0]",
            "$.rules.agreements[0].network");
    assertThat(asAdmin().get("/api/v1/networks/net-ghostly").status()).isEqualTo(404);
  }
}
