package dev.lattice.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.policy.bundle.VerificationKey;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The decision service on the default bundle, fed the way the topology feeds it. */
class DefaultDecisionServiceTest {

  private static DecisionService service;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void startOnTheDefaultBundleWithTheDemoNetworks() throws Exception {
    service = DecisionService.create(DecisionServiceConfig.defaults());
    try (InputStream in =
        DefaultDecisionServiceTest.class
            .getClassLoader()
            .getResourceAsStream("lattice/examples/demo-networks/data.json")) {
      Map<String, Object> demo = JsonMapper.builder().build().readValue(in, Map.class);
      Map<String, Object> networks = (Map<String, Object>) demo.get("networks");
      networks.forEach((id, rules) -> service.putData("networks/" + id, rules));
    }
  }

  private static DecisionInput.Builder offer(Map<String, Object> consent) {
    return DecisionInput.builder()
        .eventField("id", "evt-1")
        .eventField("type", "offer")
        .eventField("purpose", "offers")
        .eventField("member_id", "m-42")
        .eventField("brand_id", "acme")
        .eventField("category", "outdoor")
        .eventField("sku", "SKI-001")
        .eventField("fields", Map.of())
        .consent(consent)
        .sourceNetwork("ski-club")
        .toNetwork("ski-club")
        .now(Instant.parse("2026-11-23T10:00:01Z"));
  }

  private static Map<String, Object> offersConsent(boolean granted) {
    return Map.of(
        "member_id",
        "m-42",
        "version",
        3,
        "gpc",
        false,
        "purposes",
        Map.of(
            "offers",
            Map.of(
                "granted",
                granted,
                "categories",
                List.of(),
                "recipients",
                List.of("acme"),
                "networks",
                List.of(),
                "legal_basis",
                "consent")));
  }

  @Test
  void theDefaultBundleIsActiveWithItsRevision() {
    assertThat(service.activeRevision()).isEqualTo("lattice-default-1");
  }

  @Test
  void aConsentedOfferIsAllowedAndAWithdrawnOneIsDenied() {
    Decision allowed =
        service.decide(offer(offersConsent(true)).counter("member_offers_24h", 1).build());
    Decision denied = service.decide(offer(offersConsent(false)).build());

    assertThat(allowed.allow()).isTrue();
    assertThat(allowed.bundleRevision()).isEqualTo("lattice-default-1");
    assertThat(denied.allow()).isFalse();
    assertThat(denied.reasonCodes()).containsExactly("consent.purpose_not_granted");
  }

  @Test
  void documentsPreparedOnceDecideLikeTheDocumentsThemselvesForEveryDestination() {
    DecisionInput toSki = offer(offersConsent(true)).build();
    DecisionInput toChoir = offer(offersConsent(false)).toNetwork("choir").build();
    Object event = service.prepare(toSki.event());
    Object context = service.prepare(toSki.context());

    for (DecisionInput input : java.util.List.of(toSki, toChoir)) {
      Map<String, Object> prepared = input.toMap();
      prepared.put("event", event);
      prepared.put("consent", service.prepare(input.consent()));
      prepared.put("context", context);
      Decision expected = service.decide(input);

      Decision actual = service.decide(prepared, false);

      assertThat(actual.allow()).isEqualTo(expected.allow());
      assertThat(actual.reasons()).isEqualTo(expected.reasons());
      assertThat(actual.obligations()).isEqualTo(expected.obligations());
    }
  }

  @Test
  void noRetargetingAfterAPurchase() {
    Decision d =
        service.decide(
            offer(offersConsent(true))
                .purchase("SKI-001", "acme", Instant.parse("2026-11-20T09:00:00Z"))
                .build());

    assertThat(d.reasonCodes()).containsExactly("offer.recently_purchased");
  }

  @Test
  void anExplainedDecisionNamesTheRulesThatFired() {
    Decision d = service.decide(offer(offersConsent(false)).build(), true);

    assertThat(d.explanation())
        .extracting(FiredRule::rule)
        .anyMatch(r -> r.startsWith("data.lattice.consent"));
  }

  @Test
  void anExplainedDecisionCarriesTheValueEachFiredRuleProduced() {
    Decision d = service.decide(offer(offersConsent(false)).build(), true);

    FiredRule decision =
        d.explanation().stream()
            .filter(f -> f.rule().equals("data.lattice.decision"))
            .findFirst()
            .orElseThrow();
    assertThat(decision.value()).isInstanceOf(Map.class);
    assertThat(((Map<?, ?>) decision.value()).get("allow")).isEqualTo(false);
    assertThat(d.explanation())
        .filteredOn(f -> f.rule().startsWith("data.lattice.consent"))
        .extracting(FiredRule::value)
        .anyMatch(java.util.Objects::nonNull);
  }

  @Test
  void aServiceThatRequiresSignaturesRefusesTheUnsignedDefaultBundle() {
    var config =
        DecisionServiceConfig.defaults()
            .withVerificationKey(
                new VerificationKey("k", "HS256", "a-shared-secret-of-at-least-32-bytes!"));

    assertThatThrownBy(() -> DecisionService.create(config))
        .isInstanceOfSatisfying(
            PolicyActivationException.class,
            e -> assertThat(e.stage()).isEqualTo(PolicyActivationException.Stage.VERIFY));
  }
}
