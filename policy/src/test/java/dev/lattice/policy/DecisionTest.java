package dev.lattice.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DecisionTest {

  @Test
  void aDenyWithoutReasonsGetsThePolicyUndefinedReason() {
    Decision d = new Decision(false, List.of(), null, "r1", 5, null);

    assertThat(d.reasonCodes()).containsExactly(Decision.POLICY_UNDEFINED);
    assertThat(d.obligations()).isEqualTo(Obligations.NONE);
  }

  @Test
  void theMapFormUsesSnakeCaseKeysOfTheContract() {
    Decision d =
        new Decision(
            true,
            List.of(),
            new Obligations(
                List.of("payload.email"), List.of("member_id"), Map.of("payload.city", "region")),
            "rev-7",
            1200,
            List.of());

    assertThat(d.toMap())
        .containsEntry("allow", true)
        .containsEntry("bundle_revision", "rev-7")
        .containsEntry("eval_nanos", 1200L)
        .doesNotContainKey("explanation");
    assertThat(d.toMap().get("obligations"))
        .isEqualTo(
            Map.of(
                "redact", List.of("payload.email"),
                "pseudonymize", List.of("member_id"),
                "generalize", Map.of("payload.city", "region")));
  }

  @Test
  void theInputBuilderProducesTheContractShape() {
    Instant now = Instant.parse("2026-11-23T10:00:01Z");
    Map<String, Object> input =
        DecisionInput.builder()
            .eventField("type", "offer")
            .eventField("member_id", "m-42")
            .sourceNetwork("ski-club")
            .toBrand("acme")
            .now(now)
            .counter("member_offers_24h", 2)
            .purchase("SKI-001", "acme", Instant.parse("2026-11-20T09:00:00Z"))
            .build()
            .toMap();

    assertThat(input.get("source_network")).isInstanceOf(Map.class);
    assertThat(((Map<?, ?>) input.get("source_network")).get("id")).isEqualTo("ski-club");
    assertThat(input.get("destination")).isEqualTo(Map.of("kind", "brand", "id", "acme"));
    assertThat(input.get("consent"))
        .isEqualTo(Map.of("member_id", "m-42", "version", 0, "purposes", Map.of()));
    @SuppressWarnings("unchecked")
    Map<String, Object> context = (Map<String, Object>) input.get("context");
    assertThat(context)
        .containsEntry("now", "2026-11-23T10:00:01Z")
        .containsEntry("now_ns", 1795428001000000000L)
        .containsEntry("counters", Map.of("member_offers_24h", 2L));
    @SuppressWarnings("unchecked")
    Map<String, Object> event = (Map<String, Object>) input.get("event");
    assertThat(event).containsEntry("source_network", "ski-club");
  }
}
