package dev.lattice.streams.internal.enforce;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.schemas.avro.AppliedObligations;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.schemas.avro.Destination;
import dev.lattice.streams.internal.codec.AvroCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DecisionLogTest {
  private static final AvroCodec<DecisionRecord> CODEC = AvroCodec.of(DecisionRecord.class);
  private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

  private KeyValueStore<String, byte[]> store;
  private DecisionLog log;

  @BeforeEach
  void freshStore() {
    store =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore("decisions"), Serdes.String(), Serdes.ByteArray())
            .withLoggingDisabled()
            .build();
    store.init(new MockProcessorContext<>().getStateStoreContext(), store);
    log = new DecisionLog(store);
  }

  @Test
  void keysPadNumbersExactlyAsTheFormatTheyReplaced() {
    for (long value : new long[] {0, 7, 42, 9_999, 10_000, 1_764_000_000_000L, Long.MAX_VALUE}) {
      assertThat(DecisionLog.zeroPadded(value, 19)).isEqualTo(String.format("%019d", value));
      assertThat(DecisionLog.zeroPadded(value, 4)).isEqualTo(String.format("%04d", value));
    }
    assertThat(DecisionLog.zeroPadded(-5, 4)).isEqualTo(String.format("%04d", -5));
  }

  @Test
  void anEventDecidedForSeveralDestinationsOfOneMemberIsOneChunkAndOnePointer() {
    log.append(
        "evt-1",
        T0,
        List.of(
            entry("evt-1", "mbr-a", "n1", T0),
            entry("evt-1", "mbr-a", "n2", T0),
            entry("evt-1", "mbr-a", "n3", T0)));

    assertThat(store.approximateNumEntries()).isEqualTo(2);
    assertThat(DecisionLog.forEvent(store, "evt-1"))
        .extracting(r -> r.getDestination().getId())
        .containsExactly("n1", "n2", "n3");
    assertThat(DecisionLog.forMember(store, "mbr-a")).hasSize(3);
  }

  @Test
  void anOfferDecidedForManyMembersIsFoundByEventAndByEachMember() {
    List<DecisionLog.Entry> offer = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      offer.add(entry("off-1", "mbr-" + i, "n1", T0));
    }

    log.append("off-1", T0, offer);

    // 150 decisions in chunks of 64: 3 chunks, a time pointer per chunk, a marker per member
    assertThat(store.approximateNumEntries()).isEqualTo(3 + 3 + 150);
    assertThat(DecisionLog.forEvent(store, "off-1")).hasSize(150);
    assertThat(DecisionLog.forMember(store, "mbr-77"))
        .singleElement()
        .satisfies(r -> assertThat(r.getMemberId()).isEqualTo("mbr-77"));
  }

  @Test
  void furtherOffersWithinAMembersBucketWriteNoRecordPerMember() {
    for (int offer = 0; offer < 5; offer++) {
      List<DecisionLog.Entry> decisions = new ArrayList<>();
      Instant at = T0.plusSeconds(offer * 10L);
      for (int i = 0; i < 100; i++) {
        decisions.add(entry("off-" + offer, "mbr-" + i, "n1", at));
      }
      log.append("off-" + offer, at, decisions);
    }

    // Per offer 2 chunks and their 2 time pointers; the 100 markers once, for the first offer.
    assertThat(store.approximateNumEntries()).isEqualTo(5 * (2 + 2) + 100);
    assertThat(DecisionLog.forMember(store, "mbr-42"))
        .extracting(DecisionRecord::getEventId)
        .containsExactly("off-0", "off-1", "off-2", "off-3", "off-4");
    assertThat(DecisionLog.forEvent(store, "off-3")).hasSize(100);
  }

  @Test
  void aMemberIsFoundInOffersOfSeveralBucketsAndNotInOffersThatMissedThem() {
    Instant nextMinute = T0.plus(java.time.Duration.ofMillis(DecisionLog.BUCKET));
    log.append(
        "off-1", T0, List.of(entry("off-1", "mbr-a", "n1", T0), entry("off-1", "mbr-b", "n1", T0)));
    log.append(
        "off-2",
        nextMinute,
        List.of(
            entry("off-2", "mbr-a", "n1", nextMinute), entry("off-2", "mbr-c", "n1", nextMinute)));
    log.append(
        "off-3",
        nextMinute,
        List.of(
            entry("off-3", "mbr-c", "n1", nextMinute), entry("off-3", "mbr-d", "n1", nextMinute)));

    assertThat(DecisionLog.forMember(store, "mbr-a"))
        .extracting(DecisionRecord::getEventId)
        .containsExactly("off-1", "off-2");
    assertThat(DecisionLog.forMember(store, "mbr-b"))
        .extracting(DecisionRecord::getEventId)
        .containsExactly("off-1");
    assertThat(DecisionLog.forMember(store, "mbr-c"))
        .extracting(DecisionRecord::getEventId)
        .containsExactlyInAnyOrder("off-2", "off-3");
    assertThat(DecisionLog.forMember(store, "mbr-e")).isEmpty();
  }

  @Test
  void forgettingTheOnlyMemberLeftInAnOfferChunkDropsTheChunkItsPointerAndTheMarkers() {
    log.append(
        "off-1", T0, List.of(entry("off-1", "mbr-a", "n1", T0), entry("off-1", "mbr-b", "n1", T0)));

    assertThat(log.forget("mbr-a")).isEqualTo(1);
    assertThat(log.forget("mbr-b")).isEqualTo(1);

    assertThat(DecisionLog.forEvent(store, "off-1")).isEmpty();
    assertThat(store.approximateNumEntries()).isZero();
    // A member forgotten and decided again in the same bucket is marked again.
    log.append(
        "off-2", T0, List.of(entry("off-2", "mbr-a", "n1", T0), entry("off-2", "mbr-c", "n1", T0)));
    assertThat(DecisionLog.forMember(store, "mbr-a"))
        .extracting(DecisionRecord::getEventId)
        .containsExactly("off-2");
  }

  @Test
  void expiryDropsOfferChunksTheirPointersAndMarkersOnceTheirBucketIsOver() {
    Instant later = T0.plusSeconds(3600);
    log.append(
        "off-old",
        T0,
        List.of(entry("off-old", "mbr-a", "n1", T0), entry("off-old", "mbr-b", "n1", T0)));
    log.append(
        "off-new",
        later,
        List.of(entry("off-new", "mbr-a", "n1", later), entry("off-new", "mbr-b", "n1", later)));

    // A cutoff inside the old offer's bucket: its chunk goes, its markers stay until the bucket
    // is over (they may lead to later chunks of that bucket).
    log.expire(T0.toEpochMilli() + 1);
    assertThat(DecisionLog.forEvent(store, "off-old")).isEmpty();
    assertThat(store.approximateNumEntries()).isEqualTo(2 + 2 + 2);
    log.expire(later.toEpochMilli());

    assertThat(DecisionLog.forMember(store, "mbr-a"))
        .extracting(DecisionRecord::getEventId)
        .containsExactly("off-new");
    // the new offer's chunk, its time pointer and the two members' markers for its bucket
    assertThat(store.approximateNumEntries()).isEqualTo(1 + 1 + 2);
  }

  @Test
  void forgettingAMemberDropsTheirDecisionsAndKeepsEveryoneElses() {
    log.append(
        "off-1", T0, List.of(entry("off-1", "mbr-a", "n1", T0), entry("off-1", "mbr-b", "n1", T0)));
    log.append("evt-2", T0.plusSeconds(1), List.of(entry("evt-2", "mbr-a", "n2", T0)));

    int dropped = log.forget("mbr-a");

    assertThat(dropped).isEqualTo(2);
    assertThat(DecisionLog.forMember(store, "mbr-a")).isEmpty();
    assertThat(DecisionLog.forEvent(store, "evt-2")).isEmpty();
    assertThat(DecisionLog.forEvent(store, "off-1"))
        .extracting(DecisionRecord::getMemberId)
        .containsExactly("mbr-b");
    assertThat(DecisionLog.forMember(store, "mbr-b")).hasSize(1);
  }

  @Test
  void expiryDropsWhatWasDecidedBeforeTheCutoffFromBothViews() {
    Instant later = T0.plusSeconds(3600);
    log.append("evt-old", T0, List.of(entry("evt-old", "mbr-a", "n1", T0)));
    log.append("evt-new", later, List.of(entry("evt-new", "mbr-a", "n1", later)));

    log.expire(later.toEpochMilli());

    assertThat(DecisionLog.forEvent(store, "evt-old")).isEmpty();
    assertThat(DecisionLog.forEvent(store, "evt-new")).hasSize(1);
    assertThat(DecisionLog.forMember(store, "mbr-a"))
        .extracting(DecisionRecord::getEventId)
        .containsExactly("evt-new");
    assertThat(store.approximateNumEntries()).isEqualTo(2);
  }

  @Test
  void expiryInStepsVisitsEveryKeyOnceAcrossStepsAndThenStartsOver() {
    Instant later = T0.plusSeconds(3600);
    for (int i = 0; i < 7; i++) {
      log.append("evt-old-" + i, T0, List.of(entry("evt-old-" + i, "mbr-" + i, "n1", T0)));
      log.append("evt-new-" + i, later, List.of(entry("evt-new-" + i, "mbr-" + i, "n1", later)));
    }
    // 28 keys (a chunk and a member pointer per event), 5 read per step: 6 steps to the end.
    int steps = 1;
    while (!log.expireSome(later.toEpochMilli(), 5)) {
      steps++;
    }

    assertThat(steps).isEqualTo(6);
    assertThat(store.approximateNumEntries()).isEqualTo(14);
    for (int i = 0; i < 7; i++) {
      assertThat(DecisionLog.forEvent(store, "evt-old-" + i)).isEmpty();
      assertThat(DecisionLog.forMember(store, "mbr-" + i))
          .extracting(DecisionRecord::getEventId)
          .containsExactly("evt-new-" + i);
    }
    // The next sweep starts over and finds what expired since.
    log.append("evt-late", T0, List.of(entry("evt-late", "mbr-x", "n1", T0)));
    while (!log.expireSome(later.toEpochMilli(), 5)) {
      // sweep
    }
    assertThat(DecisionLog.forEvent(store, "evt-late")).isEmpty();
    assertThat(store.approximateNumEntries()).isEqualTo(14);
  }

  private static DecisionLog.Entry entry(
      String event, String member, String network, Instant decidedAt) {
    DecisionRecord r =
        DecisionRecord.newBuilder()
            .setDecisionId("dec-" + event + "-" + member + "-" + network)
            .setEventId(event)
            .setEventType("offer")
            .setMemberId(member)
            .setSourceNetwork("n0")
            .setDestination(new Destination("network", network))
            .setAllow(true)
            .setObligations(new AppliedObligations(List.of(), List.of(), Map.of(), Map.of()))
            .setBundleRevision("r1")
            .setConsentVersion(1)
            .setDecidedAt(decidedAt)
            .setEvalNanos(0)
            .build();
    return new DecisionLog.Entry(member, CODEC.encode(r));
  }
}
