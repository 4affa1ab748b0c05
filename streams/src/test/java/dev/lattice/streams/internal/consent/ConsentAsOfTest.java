package dev.lattice.streams.internal.consent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.schemas.avro.ConsentAction;
import dev.lattice.schemas.avro.ConsentCommand;
import dev.lattice.schemas.avro.ConsentState;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsentAsOfTest {
  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  private static final long EVENT = NOW.toEpochMilli();

  private static ConsentState apply(ConsentState s, ConsentAction action, String purpose, long at) {
    ConsentCommand c =
        ConsentCommand.newBuilder()
            .setCommandId("c-" + action + "-" + purpose + "-" + at)
            .setMemberId("m-1")
            .setAction(action)
            .setPurpose(purpose)
            .setCategories(action == ConsentAction.GRANT ? List.of("profile") : List.of())
            .setIssuedAt(NOW)
            .build();
    return ((ConsentLedger.Outcome.Applied)
            ConsentLedger.apply(s, c, "m-1", NOW, Instant.ofEpochMilli(at)))
        .state();
  }

  @Test
  void theLedgerRecordsTheAppendTimeOfTheCommandThatLastChangedEachPurpose() {
    ConsentState s = apply(null, ConsentAction.GRANT, "sharing", EVENT - 5);
    s = apply(s, ConsentAction.GRANT, "marketing", EVENT - 3);
    s = apply(s, ConsentAction.WITHDRAW, "sharing", EVENT + 7);

    assertThat(s.getPurposes().get("sharing").getAppendedAt())
        .isEqualTo(Instant.ofEpochMilli(EVENT + 7));
    assertThat(s.getPurposes().get("marketing").getAppendedAt())
        .isEqualTo(Instant.ofEpochMilli(EVENT - 3));
  }

  @Test
  void aGrantAppendedAfterTheEventIsWithheldFromIt() {
    ConsentState s = apply(null, ConsentAction.GRANT, "marketing", EVENT - 1);
    s = apply(s, ConsentAction.GRANT, "sharing", EVENT + 1);

    ConsentAsOf.View view = ConsentAsOf.at(s, EVENT);

    assertThat(view.withheld()).containsExactly("sharing");
    assertThat(view.state().getPurposes().get("sharing").getGranted()).isFalse();
    assertThat(view.state().getPurposes().get("marketing").getGranted()).isTrue();
    assertThat(view.state().getVersion()).isEqualTo(s.getVersion());
  }

  @Test
  void aGrantAppendedInTheSameMillisecondAsTheEventCountsAsEarlier() {
    ConsentState s = apply(null, ConsentAction.GRANT, "sharing", EVENT);

    assertThat(ConsentAsOf.at(s, EVENT).changed()).isFalse();
  }

  @Test
  void aWithdrawalAppendedAfterTheEventStaysApplied() {
    ConsentState s = apply(null, ConsentAction.GRANT, "sharing", EVENT - 10);
    s = apply(s, ConsentAction.WITHDRAW, "sharing", EVENT + 10);

    ConsentAsOf.View view = ConsentAsOf.at(s, EVENT);

    assertThat(view.changed()).isFalse();
    assertThat(view.state()).isSameAs(s);
    assertThat(view.state().getPurposes().get("sharing").getGranted()).isFalse();
  }

  @Test
  void aGrantRenewedAfterTheEventIsWithheldEvenWhenTheEarlierOneCoveredIt() {
    // Stricter than its place (the earlier grant covered the event), never looser: the ledger keeps
    // only the last change of each purpose.
    ConsentState s = apply(null, ConsentAction.GRANT, "sharing", EVENT - 10);
    s = apply(s, ConsentAction.GRANT, "sharing", EVENT + 10);

    assertThat(ConsentAsOf.at(s, EVENT).withheld()).containsExactly("sharing");
  }

  @Test
  void withoutTimesNothingIsWithheld() {
    ConsentState recordedBefore =
        ((ConsentLedger.Outcome.Applied)
                ConsentLedger.apply(
                    null,
                    ConsentCommand.newBuilder()
                        .setCommandId("c1")
                        .setMemberId("m-1")
                        .setAction(ConsentAction.GRANT)
                        .setPurpose("sharing")
                        .setIssuedAt(NOW)
                        .build(),
                    "m-1",
                    NOW))
            .state();
    ConsentState later = apply(null, ConsentAction.GRANT, "sharing", EVENT + 10);

    assertThat(ConsentAsOf.at(recordedBefore, EVENT).changed()).isFalse();
    assertThat(ConsentAsOf.at(later, -1).changed()).isFalse();
    assertThat(ConsentAsOf.at(null, EVENT).state()).isNull();
  }
}
