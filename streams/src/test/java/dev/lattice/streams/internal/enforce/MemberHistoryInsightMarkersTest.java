package dev.lattice.streams.internal.enforce;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Whether a member's consent change has to reach the insights tasks: only when the member can be
 * counted in a cell not yet released.
 */
class MemberHistoryInsightMarkersTest {
  private static final Instant T0 = Instant.parse("2026-11-27T10:20:00Z");
  private static final Duration HORIZON = Duration.ofDays(2).plusMinutes(15);

  private KeyValueStore<String, byte[]> activity;
  private MemberHistory history;

  @BeforeEach
  void freshStores() {
    activity = store("activity");
    KeyValueStore<String, Long> memberships =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore("memberships"), Serdes.String(), Serdes.Long())
            .withLoggingDisabled()
            .build();
    memberships.init(new MockProcessorContext<>().getStateStoreContext(), memberships);
    history =
        new MemberHistory(
            memberships,
            activity,
            store("purchases"),
            store("offers"),
            Duration.ofHours(24),
            Duration.ofDays(90));
  }

  @Test
  void aMemberNeverCountedInANewInstallationConcernsNoInsightsTask() {
    history.resolveInsightTracking(T0, true);

    assertThat(history.mayBeInOpenInsights("m-1", T0.plusSeconds(5), HORIZON)).isFalse();
  }

  @Test
  void aMemberCountedWithinTheHorizonConcernsTheInsightsTasksUntilItHasPassed() {
    history.resolveInsightTracking(T0, true);

    history.countedInInsights("m-1", T0);

    assertThat(history.mayBeInOpenInsights("m-1", T0.plus(HORIZON), HORIZON)).isTrue();
    // Remembered rounded up to the hour (11:00): conservative by less than an hour.
    assertThat(history.mayBeInOpenInsights("m-1", T0.plus(HORIZON).plusSeconds(2399), HORIZON))
        .isTrue();
    assertThat(history.mayBeInOpenInsights("m-1", T0.plus(HORIZON).plusSeconds(2400), HORIZON))
        .isFalse();
    assertThat(history.mayBeInOpenInsights("m-2", T0.plusSeconds(5), HORIZON)).isFalse();
  }

  @Test
  void storesThatPredateTheMarkersSendEveryChangeUntilTheHorizonHasPassed() {
    history.resolveInsightTracking(T0, false);

    assertThat(history.mayBeInOpenInsights("m-1", T0.plus(HORIZON).minusSeconds(1), HORIZON))
        .isTrue();
    assertThat(history.mayBeInOpenInsights("m-1", T0.plus(HORIZON), HORIZON)).isFalse();
  }

  @Test
  void theTrackingStartIsKeptAcrossARestartOfTheTask() {
    history.resolveInsightTracking(T0, true);

    // The same store, restored on another instance that now finds consent states in its stores.
    history.resolveInsightTracking(T0.plusSeconds(60), false);

    assertThat(history.mayBeInOpenInsights("m-1", T0.plusSeconds(120), HORIZON)).isFalse();
  }

  @Test
  void aMemberCountedTwiceInOneHourIsWrittenOnce() {
    history.resolveInsightTracking(T0, true);
    history.countedInInsights("m-1", T0);
    byte[] first = activity.get("\u0001insights|m-1");

    history.countedInInsights("m-1", T0.plusSeconds(600));

    assertThat(activity.get("\u0001insights|m-1")).isSameAs(first);
  }

  @Test
  void erasureForgetsWhenTheMemberWasCounted() {
    history.resolveInsightTracking(T0, true);
    history.countedInInsights("m-1", T0);

    history.forget("m-1");

    assertThat(activity.get("\u0001insights|m-1")).isNull();
  }

  private static KeyValueStore<String, byte[]> store(String name) {
    KeyValueStore<String, byte[]> s =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.ByteArray())
            .withLoggingDisabled()
            .build();
    s.init(new MockProcessorContext<>().getStateStoreContext(), s);
    return s;
  }
}
