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
 * When a membership is to be recorded on the memberships topic: once per member and network, also
 * for a membership seen before memberships were recorded (an upgrade), never again after that.
 */
class MemberHistoryMembershipsTest {
  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

  private MemberHistory history;

  @BeforeEach
  void freshStores() {
    history =
        new MemberHistory(
            store("memberships", Serdes.Long()),
            store("activity", Serdes.ByteArray()),
            store("purchases", Serdes.ByteArray()),
            store("offers", Serdes.ByteArray()),
            Duration.ofHours(24),
            Duration.ofDays(90));
  }

  private static <V> KeyValueStore<String, V> store(
      String name, org.apache.kafka.common.serialization.Serde<V> values) {
    KeyValueStore<String, V> store =
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), values)
            .withLoggingDisabled()
            .build();
    store.init(new MockProcessorContext<>().getStateStoreContext(), store);
    return store;
  }

  @Test
  void theFirstEventThroughANetworkIsRecordedOnce() {
    assertThat(history.seen("m-1", "ski-club", T0, true)).isTrue();
    assertThat(history.seen("m-1", "ski-club", T0.plusSeconds(1), true)).isFalse();
    assertThat(history.seen("m-1", "book-circle", T0.plusSeconds(2), true)).isTrue();
    assertThat(history.membersOf("ski-club")).containsExactly("m-1");
  }

  @Test
  void aMembershipSeenBeforeMembershipsWereRecordedIsRecordedOnItsNextEvent() {
    assertThat(history.seen("m-1", "ski-club", T0, false)).isFalse();
    assertThat(history.seen("m-1", "ski-club", T0.plusSeconds(1), false)).isFalse();

    assertThat(history.seen("m-1", "ski-club", T0.plusSeconds(2), true)).isTrue();
    assertThat(history.seen("m-1", "ski-club", T0.plusSeconds(3), true)).isFalse();
    assertThat(history.membersOf("ski-club")).containsExactly("m-1");
  }

  @Test
  void afterAnErasureTheNextEventIsRecordedAgain() {
    history.seen("m-1", "ski-club", T0, true);

    assertThat(history.forget("m-1")).containsExactly("ski-club");
    assertThat(history.membersOf("ski-club")).isEmpty();
    assertThat(history.seen("m-1", "ski-club", T0.plusSeconds(5), true)).isTrue();
  }
}
