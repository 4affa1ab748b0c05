package dev.lattice.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.BeforeContainer;
import tools.jackson.databind.json.JsonMapper;

/**
 * Invariants of the default bundle over random flows: no member data leaves without a current
 * purpose grant, GPC keeps data from brands, unclassified fields never leave a restricted flow, no
 * offer beyond the cap or for a product just bought, and every deny says why.
 */
class DecisionInvariantsTest {

  private static final Instant NOW = Instant.parse("2026-11-23T10:00:01Z");
  private static DecisionService service;

  @BeforeContainer
  @SuppressWarnings("unchecked")
  static void startService() throws Exception {
    service = DecisionService.create(DecisionServiceConfig.defaults());
    try (InputStream in =
        DecisionInvariantsTest.class
            .getClassLoader()
            .getResourceAsStream("lattice/examples/demo-networks/data.json")) {
      service.putData(
          "networks", JsonMapper.builder().build().readValue(in, Map.class).get("networks"));
    }
  }

  record Flow(
      String type,
      String purpose,
      boolean granted,
      String expiresAt,
      boolean gpc,
      String legalBasis,
      String destKind,
      String destId,
      String source,
      List<String> categories,
      List<String> recipients,
      long offers24h,
      long brandOffers24h,
      boolean boughtSameSku,
      String offerCategory) {

    Map<String, Object> input() {
      Map<String, Object> grant = new LinkedHashMap<>();
      grant.put("granted", granted);
      grant.put("categories", categories);
      grant.put("recipients", recipients);
      grant.put("networks", List.of());
      grant.put("legal_basis", legalBasis);
      grant.put("granted_at", "2026-01-01T00:00:00Z");
      grant.put("expires_at", expiresAt);
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("payload.email", "contact");
      fields.put("payload.city", "location");
      fields.put("payload.note", null);
      fields.put("payload.interests", "interests");
      var b =
          DecisionInput.builder()
              .eventField("id", "evt")
              .eventField("type", type)
              .eventField("purpose", purpose)
              .eventField("member_id", type.equals("insight") ? null : "m-1")
              .eventField("brand_id", "acme")
              .eventField("category", offerCategory)
              .eventField("sku", "SKU-1")
              .eventField("fields", type.equals("offer") ? Map.of() : fields)
              .consent(
                  Map.of(
                      "member_id",
                      "m-1",
                      "version",
                      1,
                      "gpc",
                      gpc,
                      "purposes",
                      Map.of(purpose, grant)))
              .sourceNetwork(source)
              .destination(
                  new DecisionInput.Destination(DecisionInput.Kind.valueOf(destKind), destId))
              .now(NOW)
              .counter("member_offers_24h", offers24h)
              .counter("member_brand_offers_24h", brandOffers24h)
              .aggregateCount(12);
      if (boughtSameSku) b.purchase("SKU-1", "acme", NOW.minusSeconds(86_400));
      return b.build().toMap();
    }
  }

  private static final List<String> DIMENSIONS =
      List.of(
          "granted",
          "expired",
          "gpc",
          "legal",
          "dest",
          "source",
          "categories",
          "recipients",
          "offers",
          "brandOffers",
          "bought",
          "offerCategory",
          "purpose");

  /** Mostly flows the policy should allow, each perturbed in up to three dimensions. */
  @Provide
  Arbitrary<Flow> flows() {
    Arbitrary<Set<String>> perturbed =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.just(Set.<String>of())),
            Tuple.of(7, Arbitraries.of(DIMENSIONS).set().ofMinSize(1).ofMaxSize(3)));
    return Combinators.combine(
            Arbitraries.of("member_data", "purchase", "content", "offer", "insight"),
            perturbed,
            Arbitraries.integers().between(0, 3))
        .as(DecisionInvariantsTest::flow);
  }

  private static Flow flow(String type, Set<String> p, int alt) {
    String happyPurpose =
        switch (type) {
          case "content" -> "sharing";
          case "offer" -> "offers";
          case "insight" -> "analytics";
          default -> "marketing";
        };
    String happyKind = type.equals("insight") ? "BRAND" : "NETWORK";
    String happyDest =
        switch (type) {
          case "offer" -> "ski-club";
          case "insight" -> "acme";
          default -> "book-circle";
        };
    List<List<String>> categoryChoices =
        List.of(List.of(), List.of("interests"), List.of("contact", "location"), List.of("health"));
    List<List<String>> recipientChoices =
        List.of(List.of("acme"), List.of("book-circle"), List.of("globex"), List.of());
    String[][] destChoices = {
      {"BRAND", "acme"},
      {"BRAND", "globex"},
      {"NETWORK", "garden-guild"},
      {"NETWORK", "book-circle"}
    };
    return new Flow(
        type,
        p.contains("purpose")
            ? List.of("research", "analytics", "marketing", "sharing").get(alt)
            : happyPurpose,
        !p.contains("granted"),
        p.contains("expired")
            ? "2026-11-01T00:00:00Z"
            : (alt % 2 == 0 ? null : "2027-01-01T00:00:00Z"),
        p.contains("gpc"),
        p.contains("legal") ? "legitimate_interest" : "consent",
        p.contains("dest") ? destChoices[alt][0] : happyKind,
        p.contains("dest") ? destChoices[alt][1] : happyDest,
        p.contains("source")
            ? List.of("book-circle", "garden-guild", "nowhere", "ski-club").get(alt)
            : "ski-club",
        p.contains("categories")
            ? categoryChoices.get(alt)
            : (type.equals("offer") ? List.of() : List.of("interests", "location")),
        p.contains("recipients") ? recipientChoices.get(alt) : List.of(),
        p.contains("offers") ? 3 + alt : 1,
        p.contains("brandOffers") ? 1 + alt : 0,
        p.contains("bought"),
        p.contains("offerCategory")
            ? List.of("gambling", "alcohol", "books", "outdoor").get(alt)
            : "outdoor");
  }

  private static boolean isSharing(Flow f) {
    return List.of("member_data", "purchase", "content").contains(f.type());
  }

  @Property(tries = 300)
  void everyDenySaysWhyAndNothingLeavesWithoutACurrentConsentedGrant(@ForAll("flows") Flow f) {
    Decision d = service.decide(f.input());
    net.jqwik.api.statistics.Statistics.collect(f.type(), d.allow() ? "allow" : "deny");

    if (!d.allow()) {
      assertThat(d.reasons()).isNotEmpty();
      assertThat(d.reasonCodes()).allMatch(c -> c.matches("[a-z_]+(\\.[a-z_]+)+"));
      return;
    }
    assertThat(d.reasonCodes()).doesNotContain(Decision.POLICY_ERROR, Decision.POLICY_UNDEFINED);
    if (isSharing(f) || f.type().equals("offer")) {
      assertThat(f.granted()).as("purpose granted").isTrue();
      assertThat(f.expiresAt()).as("not expired").isNotEqualTo("2026-11-01T00:00:00Z");
      assertThat(f.legalBasis()).isEqualTo("consent");
    }
    if (isSharing(f)) {
      assertThat(f.source()).isNotEqualTo("nowhere");
      assertThat(d.obligations().redact()).as("unclassified field").contains("payload.note");
      assertThat(d.obligations().pseudonymize()).contains("member_id");
      if (f.destKind().equals("BRAND"))
        assertThat(f.gpc()).as("GPC keeps data from brands").isFalse();
      if (!f.categories().isEmpty() && !f.categories().contains("contact")) {
        assertThat(d.obligations().redact()).contains("payload.email");
      }
    }
    if (f.type().equals("offer")) {
      assertThat(f.offers24h()).isLessThan(3);
      assertThat(f.brandOffers24h()).isLessThan(1);
      assertThat(f.boughtSameSku()).as("no retargeting").isFalse();
      assertThat(f.offerCategory()).isNotEqualTo("gambling");
    }
    if (f.type().equals("insight")) {
      assertThat(f.destKind()).isEqualTo("BRAND");
      assertThat(d.obligations().redact()).contains("payload.email", "payload.note");
    }
  }
}
