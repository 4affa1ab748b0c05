package dev.lattice.gateway.api.brands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.lattice.gateway.security.Role;
import dev.lattice.gateway.support.GatewayHttp;
import dev.lattice.gateway.support.GatewayHttp.Response;
import dev.lattice.gateway.support.GatewayIntegrationTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Insights over HTTP with the real topology and broker: members who consent to analytics receive an
 * offer; the closed window's cell is published and the API shows it with the ε it cost, the privacy
 * unit, the parameters and the budget left (test settings: see GatewayIntegrationTest).
 */
class InsightsApiIT extends GatewayIntegrationTest {
  private static final String NETWORK = "insight-net";
  private static final String BRAND = "insight-brand";
  private static final int MEMBERS = 8;

  private static String memberData(String member) {
    return """
        {"header": {"event_id": "ins-md-%s", "event_type": "member_data", "source_network": "%s",
                    "subject_member": "%s", "occurred_at": "2026-11-23T10:00:00Z"},
         "purpose": "analytics", "kind": "profile", "personal": {"interests": ["skiing"]}}
        """
        .formatted(member, NETWORK, member);
  }

  private static String offer() {
    return """
        {"header": {"event_id": "ins-offer-1", "event_type": "offer", "source_network": "%s",
                    "occurred_at": "2026-11-23T10:00:00Z"},
         "offer_id": "ins-o-1", "brand": "%s", "sku": "SKI-001", "category": "outdoor",
         "creative": {"headline": "New skis"}, "target_networks": ["%s"],
         "valid_from": "2026-01-01T00:00:00Z", "valid_until": "2030-01-01T00:00:00Z"}
        """
        .formatted(NETWORK, BRAND, NETWORK);
  }

  @Test
  void theInsightsApiShowsEachReleaseWithItsEpsilonThePrivacyUnitAndTheBudgetLeft() {
    GatewayHttp admin = asAdmin();
    GatewayHttp service = as(keyFor(Role.SERVICE, NETWORK));
    // The brand first: rules naming an unregistered brand are refused.
    assertThat(admin.post("/api/v1/brands", Map.of("id", BRAND, "name", "Insight")).status())
        .isEqualTo(201);
    Response network =
        admin.post(
            "/api/v1/networks",
            Map.of(
                "id",
                NETWORK,
                "name",
                "Insight Net",
                "rules",
                Map.of(
                    "offers",
                    Map.of(
                        "accept",
                        true,
                        "frequency_cap",
                        Map.of("per_member_24h", 10, "per_member_brand_24h", 10)),
                    "insights",
                    Map.of("enabled", true, "k_anonymity", 2, "brands", List.of(BRAND)))));
    assertThat(network.status()).as(network.body()).isEqualTo(201);
    for (int i = 0; i < MEMBERS; i++) {
      String m = "ins-m-" + i;
      assertThat(service.post("/api/v1/events/member-data", memberData(m)).status()).isEqualTo(202);
    }
    for (int i = 0; i < MEMBERS; i++) {
      String m = "ins-m-" + i;
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  service
                      .get("/api/v1/members/" + m + "/activity")
                      .json()
                      .path("networks")
                      .has(NETWORK));
      for (String purpose : List.of("offers", "analytics")) {
        Response granted = service.put("/api/v1/members/" + m + "/consents/" + purpose, Map.of());
        // 200 = applied; 202 = accepted, not yet confirmed (a loaded machine): the wait below
        // covers both.
        assertThat(granted.status()).as(granted.body()).isIn(200, 202);
      }
    }

    GatewayHttp brand = as(keyFor(Role.BRAND, BRAND));
    assertThat(brand.post("/api/v1/events/offers", offer()).status()).isEqualTo(202);

    // Offer → deliveries → insight-cells → a closed 3 s window → evaluation → the brand's topic.
    await()
        .atMost(Duration.ofSeconds(180))
        .untilAsserted(
            () -> {
              Response r = brand.get("/api/v1/brands/" + BRAND + "/insights");
              assertThat(r.json().path("releases").isEmpty()).as(r.body()).isFalse();
            });
    JsonNode view = brand.get("/api/v1/brands/" + BRAND + "/insights").json();

    JsonNode release = view.get("releases").get(0);
    assertThat(release.get("network").asString()).isEqualTo(NETWORK);
    assertThat(release.get("metric").asString()).isEqualTo("deliveries");
    assertThat(release.get("epsilon").asDouble()).isEqualTo(4.0);
    assertThat(release.get("privacy_unit").asString()).isEqualTo("member-day");
    assertThat(release.get("noisy_count").asLong()).isGreaterThanOrEqualTo(5);

    JsonNode privacy = view.get("privacy");
    assertThat(privacy.get("unit").asString()).isEqualTo("member-day");
    assertThat(privacy.get("epsilonPerMemberDay").asDouble()).isEqualTo(4.0);
    assertThat(privacy.get("cellsPerMemberDay").asInt()).isEqualTo(1);
    assertThat(privacy.get("releaseThreshold").asLong()).isEqualTo(5);

    JsonNode budget = view.get("budgets").get(0);
    assertThat(budget.get("network").asString()).isEqualTo(NETWORK);
    assertThat(budget.get("spentToday").asDouble()).isGreaterThanOrEqualTo(4.0);
    assertThat(budget.get("leftToday").asDouble())
        .isEqualTo(1000.0 - budget.get("spentToday").asDouble());
    assertThat(budget.get("leftLifetime").asDouble())
        .isEqualTo(100000.0 - budget.get("spentLifetime").asDouble());
    // Each evaluated cell costs ε/L = 4 and adds δ per cell (basic composition).
    long cells = budget.get("cellsLifetime").asLong();
    assertThat(cells).isEqualTo(Math.round(budget.get("spentLifetime").asDouble() / 4.0));
    assertThat(budget.get("deltaSpentLifetime").asDouble())
        .isCloseTo(cells * privacy.get("deltaPerCell").asDouble(), within(1e-15));
  }
}
