package dev.lattice.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.policy.DecisionInput.Destination;
import dev.lattice.schemas.avro.ConsentState;
import dev.lattice.schemas.avro.PurposeGrant;
import dev.lattice.streams.support.Fixtures;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DecisionInputsTest {
  private static final Instant NOW = Fixtures.T0;

  private static ConsentState consentWithExpiredMarketing() {
    return ConsentState.newBuilder()
        .setMemberId("m-1")
        .setVersion(3)
        .setPurposes(
            Map.of(
                "marketing",
                PurposeGrant.newBuilder()
                    .setGranted(true)
                    .setCategories(List.of("profile"))
                    .setRecipients(List.of())
                    .setNetworks(List.of())
                    .setLegalBasis("consent")
                    .setGrantedAt(NOW.minusSeconds(7200))
                    .setExpiresAt(NOW.minusSeconds(60))
                    .setSource("api")
                    .setReceiptId("rcpt-3")
                    .build()))
        .setGpc(true)
        .setReceiptId("rcpt-3")
        .setUpdatedAt(NOW.minusSeconds(7200))
        .setHistory(List.of())
        .build();
  }

  @Test
  @SuppressWarnings("unchecked")
  void anExpiredGrantIsPassedAsNotGrantedWithGpcAndReceipt() {
    Map<String, Object> doc = DecisionInputs.consent("m-1", consentWithExpiredMarketing(), NOW);

    assertThat(doc).containsEntry("gpc", true).containsEntry("receipt_id", "rcpt-3");
    assertThat((Map<String, Object>) ((Map<String, Object>) doc.get("purposes")).get("marketing"))
        .containsEntry("granted", false);
  }

  @Test
  void anOfferFlowsFromTheMembersNetworkWhileOtherEventsFlowFromTheirSource() {
    Destination skiClub = Destination.network("ski-club");

    assertThat(
            DecisionInputs.sourceNetwork(
                Fixtures.offer("e-1", "acme", "SKI-1", "outdoor", List.of("ski-club")), skiClub))
        .isEqualTo("ski-club");
    assertThat(
            DecisionInputs.sourceNetwork(
                Fixtures.memberData("e-2", "book-circle", "m-1", "sharing"), skiClub))
        .isEqualTo("book-circle");
  }

  @Test
  @SuppressWarnings("unchecked")
  void theEventDocumentListsTheCategoryOfEveryPersonalField() {
    var event = Fixtures.memberData("e-1", "ski-club", "m-1", "sharing");

    Map<String, Object> doc =
        DecisionInputs.forEvent(
                event,
                event.getPersonal(),
                "m-1",
                null,
                "ski-club",
                Destination.network("book-circle"),
                DecisionInputs.Context.at(NOW))
            .toMap();

    Map<String, Object> fields =
        (Map<String, Object>) ((Map<String, Object>) doc.get("event")).get("fields");
    assertThat(fields).containsEntry("payload.email", "contact");
    assertThat((Map<String, Object>) doc.get("consent")).containsEntry("version", 0L);
  }
}
