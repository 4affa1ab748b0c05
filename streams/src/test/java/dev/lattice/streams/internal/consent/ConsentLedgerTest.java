package dev.lattice.streams.internal.consent;

import static org.assertj.core.api.Assertions.assertThat;

import com.iabtcf.encoder.TCStringEncoder;
import dev.lattice.schemas.avro.ConsentAction;
import dev.lattice.schemas.avro.ConsentCommand;
import dev.lattice.schemas.avro.ConsentState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsentLedgerTest {
  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

  private static ConsentCommand.Builder command(String id, ConsentAction action) {
    return ConsentCommand.newBuilder()
        .setCommandId(id)
        .setMemberId("m-1")
        .setAction(action)
        .setIssuedAt(NOW);
  }

  private static ConsentState applied(ConsentState s, ConsentCommand c) {
    return ((ConsentLedger.Outcome.Applied) ConsentLedger.apply(s, c, "m-1", NOW)).state();
  }

  private static String rejected(ConsentState s, ConsentCommand c) {
    return ((ConsentLedger.Outcome.Rejected) ConsentLedger.apply(s, c, "m-1", NOW)).code();
  }

  private static String tcf(int... purposes) {
    TCStringEncoder.Builder b =
        TCStringEncoder.newBuilder()
            .version(2)
            .created(NOW)
            .lastUpdated(NOW)
            .cmpId(1)
            .cmpVersion(1)
            .consentScreen(1)
            .consentLanguage("EN")
            .vendorListVersion(100)
            .tcfPolicyVersion(4)
            .publisherCC("CH");
    for (int p : purposes) b.addPurposesConsent(p);
    return b.encode();
  }

  @Test
  void aTcfStringGrantsTheLatticePurposesWhoseTcfPurposesAreAllConsented() {
    ConsentState s =
        applied(
            null, command("c1", ConsentAction.TCF_IMPORT).setTcfString(tcf(2, 3, 4, 7)).build());

    assertThat(s.getPurposes()).containsOnlyKeys("offers", "marketing");
    assertThat(s.getPurposes().get("marketing").getSource()).isEqualTo("tcf");
    assertThat(s.getPurposes().get("marketing").getCategories())
        .containsExactly("activity", "interests", "profile");
    // an offers grant's categories are offer categories: TCF names none, so every category
    assertThat(s.getPurposes().get("offers").getCategories()).isEmpty();
  }

  @Test
  void anOffersGrantTakesOfferCategoriesAndRefusesMalformedOnes() {
    ConsentState s =
        applied(
            null,
            command("c1", ConsentAction.GRANT)
                .setPurpose("offers")
                .setCategories(List.of("outdoor", "books"))
                .build());

    assertThat(s.getPurposes().get("offers").getCategories()).containsExactly("books", "outdoor");
    assertThat(
            rejected(
                null,
                command("c2", ConsentAction.GRANT)
                    .setPurpose("offers")
                    .setCategories(List.of("outdoor "))
                    .build()))
        .isEqualTo("consent.unknown_category");
    assertThat(
            rejected(
                null,
                command("c2", ConsentAction.GRANT)
                    .setPurpose("marketing")
                    .setCategories(List.of("outdoor"))
                    .build()))
        .isEqualTo("consent.unknown_category");
  }

  @Test
  void aLaterTcfStringWithoutAPurposeWithdrawsIt() {
    ConsentState s =
        applied(null, command("c1", ConsentAction.TCF_IMPORT).setTcfString(tcf(2, 3, 4)).build());
    s = applied(s, command("c2", ConsentAction.TCF_IMPORT).setTcfString(tcf(2)).build());

    assertThat(s.getVersion()).isEqualTo(2);
    assertThat(s.getPurposes().get("marketing").getGranted()).isFalse();
    assertThat(s.getPurposes().get("offers").getGranted()).isTrue();
  }

  @Test
  void aMalformedTcfStringIsRejectedWithItsReason() {
    assertThat(
            rejected(
                null,
                command("c1", ConsentAction.TCF_IMPORT).setTcfString("not-a-tc-string!").build()))
        .isEqualTo("tcf.malformed");
  }

  @Test
  void anExpiredGrantCountsAsNotGrantedInTheDecisionInput() {
    ConsentState s =
        applied(
            null,
            command("c1", ConsentAction.GRANT)
                .setPurpose("offers")
                .setExpiresAt(NOW.plusSeconds(60))
                .build());

    @SuppressWarnings("unchecked")
    Map<String, Object> later =
        (Map<String, Object>)
            ((Map<String, Object>)
                    dev.lattice.streams.DecisionInputs.consent("m-1", s, NOW.plusSeconds(61))
                        .get("purposes"))
                .get("offers");
    @SuppressWarnings("unchecked")
    Map<String, Object> before =
        (Map<String, Object>)
            ((Map<String, Object>)
                    dev.lattice.streams.DecisionInputs.consent("m-1", s, NOW).get("purposes"))
                .get("offers");
    assertThat(before.get("granted")).isEqualTo(true);
    assertThat(later.get("granted")).isEqualTo(false);
  }

  @Test
  void everyAppliedCommandIncreasesTheVersionAndReplaysGiveTheSameReceipts() {
    ConsentCommand grant =
        command("c1", ConsentAction.GRANT)
            .setPurpose("sharing")
            .setCategories(List.of("profile"))
            .build();
    ConsentCommand withdraw = command("c2", ConsentAction.WITHDRAW).setPurpose("sharing").build();

    ConsentState once = applied(applied(null, grant), withdraw);
    ConsentState again = applied(applied(null, grant), withdraw);

    assertThat(once.getVersion()).isEqualTo(2);
    assertThat(once.getReceiptId()).isEqualTo(again.getReceiptId());
  }

  @Test
  void invalidCommandsAreRejectedWithStableCodes() {
    ConsentState granted =
        applied(null, command("c1", ConsentAction.GRANT).setPurpose("sharing").build());

    assertThat(rejected(null, command("c2", ConsentAction.GRANT).setPurpose("telepathy").build()))
        .isEqualTo("consent.unknown_purpose");
    assertThat(
            rejected(
                null,
                command("c2", ConsentAction.GRANT)
                    .setPurpose("sharing")
                    .setCategories(List.of("dreams"))
                    .build()))
        .isEqualTo("consent.unknown_category");
    assertThat(rejected(null, command("c2", ConsentAction.WITHDRAW).setPurpose("sharing").build()))
        .isEqualTo("consent.nothing_to_withdraw");
    assertThat(
            rejected(granted, command("c1", ConsentAction.WITHDRAW).setPurpose("sharing").build()))
        .isEqualTo("consent.duplicate_command");
    assertThat(rejected(null, command("c2", ConsentAction.UNKNOWN).build()))
        .isEqualTo("consent.unknown_action");
    assertThat(
            ((ConsentLedger.Outcome.Rejected)
                    ConsentLedger.apply(
                        null,
                        command("c3", ConsentAction.GRANT).setPurpose("sharing").build(),
                        "m-2",
                        NOW))
                .code())
        .isEqualTo("consent.member_mismatch");
  }

  @Test
  void aCommandWithoutAKafkaKeyIsRejectedAndChangesNothing() {
    ConsentLedger.Outcome outcome =
        ConsentLedger.apply(
            null, command("c1", ConsentAction.GRANT).setPurpose("sharing").build(), null, NOW);

    assertThat(outcome)
        .isInstanceOfSatisfying(
            ConsentLedger.Outcome.Rejected.class,
            r -> {
              assertThat(r.code()).isEqualTo("consent.member_mismatch");
              assertThat(r.message()).contains("no Kafka key");
            });
  }

  @Test
  void erasureWithdrawsEverything() {
    ConsentState s =
        applied(null, command("c1", ConsentAction.GRANT).setPurpose("sharing").build());

    s = applied(s, command("c2", ConsentAction.ERASE).build());

    assertThat(s.getPurposes()).isEmpty();
    assertThat(s.getVersion()).isEqualTo(2);
  }
}
