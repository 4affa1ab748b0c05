package dev.lattice.gateway.api.brands;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.gateway.security.Role;
import dev.lattice.gateway.support.GatewayHttp;
import dev.lattice.gateway.support.GatewayIntegrationTest;
import dev.lattice.gateway.support.SseClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BrandTenancyIT extends GatewayIntegrationTest {

  private GatewayHttp brandA;

  @BeforeEach
  void twoBrands() {
    asAdmin().post("/api/v1/brands", Map.of("id", "tenant-a", "name", "A"));
    asAdmin().post("/api/v1/brands", Map.of("id", "tenant-b", "name", "B"));
    brandA = as(keyFor(Role.BRAND, "tenant-a"));
  }

  @Test
  void aBrandCannotReadAnotherBrandsInsights() {
    assertThat(brandA.get("/api/v1/brands/tenant-a/insights").status()).isEqualTo(200);
    assertThat(brandA.get("/api/v1/brands/tenant-b/insights").status()).isEqualTo(403);
  }

  @Test
  void aBrandCannotOpenAnotherBrandsDeliveryStream() {
    try (SseClient other =
        new SseClient(
            http().uri("/api/v1/brands/tenant-b/deliveries"), keyFor(Role.BRAND, "tenant-a"))) {
      assertThat(other.status()).isEqualTo(403);
    }
  }

  @Test
  void aBrandCannotSeeOrChangeAnotherBrand() {
    assertThat(brandA.get("/api/v1/brands/tenant-b").status()).isEqualTo(403);
    assertThat(
            brandA
                .post("/api/v1/brands/tenant-b/subscriptions", Map.of("networks", List.of("x")))
                .status())
        .isEqualTo(403);
    assertThat(brandA.get("/api/v1/brands").status()).isEqualTo(403);
  }

  @Test
  void aBrandManagesItsOwnSubscriptions() {
    asAdmin()
        .post("/api/v1/networks", Map.of("id", "tenant-net", "name", "Tenant", "rules", Map.of()));
    var subscribed =
        brandA.post(
            "/api/v1/brands/tenant-a/subscriptions",
            Map.of("networks", List.of("tenant-net"), "categories", List.of("outdoor")));

    assertThat(subscribed.status()).as(subscribed.body()).isEqualTo(201);
    String id = subscribed.json().get("subscriptions").get(0).get("id").asString();
    assertThat(brandA.delete("/api/v1/brands/tenant-a/subscriptions/" + id).status())
        .isEqualTo(200);
  }

  @Test
  void aSubscriptionNamingUnknownNetworksIs400ListingEach() {
    var refused =
        brandA.post(
            "/api/v1/brands/tenant-a/subscriptions",
            Map.of("networks", List.of("ghost-1", "ghost-2")));

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().get("errors").valueStream().map(e -> e.get("path").asString()))
        .containsExactly("$.networks[0]", "$.networks[1]");
  }

  @Test
  void aBrandIdIsValidated() {
    var response = asAdmin().post("/api/v1/brands", Map.of("id", "no spaces", "name", ""));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("errors").valueStream().map(e -> e.get("path").asString()))
        .containsExactly("$.id", "$.name");
  }
}
