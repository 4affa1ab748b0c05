package dev.lattice.streams.internal.consent;

import dev.lattice.schemas.avro.ConsentState;
import dev.lattice.schemas.avro.PurposeGrant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The consent an event is decided under when it is processed behind commands appended after it.
 *
 * <p>A task normally applies a member's commands and decides their events in broker append order.
 * When a fetch comes back late (task migration, a broker restart, a slow leader) an event can be
 * processed after a command appended later than the event; deciding it under that command would let
 * a grant reach back in time. So every purpose whose last change ({@code PurposeGrant.appended_at})
 * was appended after the event, and that is granted now, counts as not granted for the event.
 * Withdrawals appended after it stay applied (they make the state stricter), so a late event is
 * decided at most as permissively as at its place in the order, never more
 * (docs/decision-contract.md, "Order of consent and events"). GPC only ever turns on, and an
 * erasure clears everything, so neither can loosen consent.
 */
public final class ConsentAsOf {
  private ConsentAsOf() {}

  /**
   * The consent state for an event, and the purposes whose grants were withheld from it.
   *
   * @param withheld purposes granted by a command appended after the event (sorted as in the state)
   */
  public record View(ConsentState state, List<String> withheld) {
    public boolean changed() {
      return !withheld.isEmpty();
    }
  }

  /**
   * @param state the member's current consent state (null: none)
   * @param eventAppendedAt the event record's broker append time in epoch ms; negative = unknown,
   *     the state is used as it is
   */
  public static View at(ConsentState state, long eventAppendedAt) {
    if (state == null || eventAppendedAt < 0) {
      return new View(state, List.of());
    }
    List<String> withheld = null;
    for (Map.Entry<String, PurposeGrant> e : state.getPurposes().entrySet()) {
      if (grantedAfter(e.getValue(), eventAppendedAt)) {
        if (withheld == null) withheld = new ArrayList<>(2);
        withheld.add(e.getKey());
      }
    }
    if (withheld == null) {
      return new View(state, List.of());
    }
    Map<String, PurposeGrant> purposes = new LinkedHashMap<>(state.getPurposes());
    for (String purpose : withheld) {
      // Not granted, as it stood before: the receipt stays so the audit can trace the grant.
      purposes.put(
          purpose,
          PurposeGrant.newBuilder(purposes.get(purpose))
              .setGranted(false)
              .setGrantedAt(null)
              .setExpiresAt(null)
              .build());
    }
    return new View(
        ConsentState.newBuilder(state).setPurposes(purposes).build(), List.copyOf(withheld));
  }

  private static boolean grantedAfter(PurposeGrant g, long eventAppendedAt) {
    return g.getGranted()
        && g.getAppendedAt() != null
        && g.getAppendedAt().toEpochMilli() > eventAppendedAt;
  }
}
