package dev.lattice.streams.internal.dedup;

import static dev.lattice.streams.support.StoreEntries.count;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.schemas.LatticeSerdes;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.streams.TopicNames;
import dev.lattice.streams.internal.codec.Inbound;
import dev.lattice.streams.internal.enforce.Envelope;
import dev.lattice.streams.support.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The duplicate filter on in-memory stores; {@link DuplicateFilterRocksDbTest} runs it on RocksDB.
 */
class DuplicateFilterTest {

  private static final Duration WINDOW = Duration.ofDays(7);
  private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  private static final String STORE = "seen-events";

  private final TopicNames topics = TopicNames.defaults();
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> memberData;
  private TestInputTopic<byte[], byte[]> commands;
  private TestOutputTopic<byte[], byte[]> passed;

  @TempDir Path stateDir;

  /** Whether the filter's store is RocksDB (as deployed) rather than in memory. */
  boolean persistentStore() {
    return false;
  }

  @BeforeEach
  void topology() {
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(DuplicateFilter.store(STORE, WINDOW, persistentStore()));
    builder.stream(
            java.util.List.of(topics.memberData(), topics.consentCommands()),
            Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .processValues(() -> new Envelope(topics))
        .processValues(() -> new DuplicateFilter(STORE, WINDOW), STORE)
        .mapValues(Inbound::value)
        .to("passed", Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
    Properties props = new Properties();
    props.put("application.id", "dedup-test");
    props.put("bootstrap.servers", "unused:9092");
    props.put("state.dir", stateDir.toString());
    driver = new TopologyTestDriver(builder.build(), props);
    memberData =
        driver.createInputTopic(
            topics.memberData(), new ByteArraySerializer(), new ByteArraySerializer());
    commands =
        driver.createInputTopic(
            topics.consentCommands(), new ByteArraySerializer(), new ByteArraySerializer());
    passed =
        driver.createOutputTopic(
            "passed", new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void close() {
    driver.close();
  }

  private void send(String eventId, Instant at) {
    memberData.pipeInput(
        "m-1".getBytes(StandardCharsets.UTF_8),
        LatticeSerdes.codec(MemberDataEvent.class)
            .encode(Fixtures.memberData(eventId, "ski-club", "m-1", "sharing")),
        at);
  }

  @Test
  void anEventIdSeenWithinTheWindowIsDroppedWhoeverSentIt() {
    send("e-1", T0);
    send("e-1", T0.plus(Duration.ofDays(6)));
    send("e-2", T0.plus(Duration.ofDays(6)));

    assertThat(passed.readValuesToList()).hasSize(2);
  }

  @Test
  void anEventIdSeenLongerAgoThanTheWindowPassesAgain() {
    send("e-1", T0);
    send("e-3", T0.plus(Duration.ofDays(9))); // moves stream time past the window
    send("e-1", T0.plus(Duration.ofDays(9)));

    assertThat(passed.readValuesToList()).hasSize(3);
  }

  @Test
  void recordsWithoutAReadableEventIdPassToBeQuarantinedDownstream() {
    memberData.pipeInput("m-1".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3}, T0);
    memberData.pipeInput("m-1".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3}, T0);
    commands.pipeInput("m-1".getBytes(StandardCharsets.UTF_8), new byte[] {9}, T0);

    assertThat(passed.readValuesToList()).hasSize(3);
  }

  @Test
  void theSweepDeletesSightingsOlderThanTheWindowAndKeepsTheRest() {
    send("e-old", T0);
    send("e-recent", T0.plus(Duration.ofDays(5)));
    send("e-now", T0.plus(Duration.ofDays(8))); // stream time: e-old is past the window

    driver.advanceWallClockTime(DuplicateFilter.SWEEP_INTERVAL);

    KeyValueStore<Bytes, Long> store = driver.getKeyValueStore(STORE);
    assertThat(store.get(DuplicateFilter.key("e-old"))).isNull();
    assertThat(store.get(DuplicateFilter.key("e-recent")))
        .isEqualTo(T0.plus(Duration.ofDays(5)).toEpochMilli());
    assertThat(store.get(DuplicateFilter.key("e-now"))).isNotNull();
  }

  @Test
  void aSweepGoesRoundTheStoreInSlicesAndResumesWhereItStopped() {
    int events = DuplicateFilter.MIN_SWEEP * 2 + 10;
    for (int i = 0; i < events; i++) {
      send(String.format("e-%05d", i), T0);
    }
    send("e-late", T0.plus(Duration.ofDays(8)));
    KeyValueStore<Bytes, Long> store = driver.getKeyValueStore(STORE);

    driver.advanceWallClockTime(DuplicateFilter.SWEEP_INTERVAL);
    long afterOne = count(store);
    driver.advanceWallClockTime(DuplicateFilter.SWEEP_INTERVAL);
    driver.advanceWallClockTime(DuplicateFilter.SWEEP_INTERVAL);

    // One slice examines at least MIN_SWEEP entries, not the whole store at once
    assertThat(afterOne).isBetween(2L, events + 1L - DuplicateFilter.MIN_SWEEP);
    // and three slices went round it: only the sighting within the window is left
    assertThat(count(store)).isEqualTo(1);
    assertThat(store.get(DuplicateFilter.key("e-late"))).isNotNull();
  }

  @Test
  void anEntryInTheWindowStoreLayoutOfEarlierVersionsMatchesNoEventAndIsSweptWhenOld() {
    // key = event id, then the window store's 8-byte timestamp and 4-byte sequence number
    byte[] id = "e-1".getBytes(StandardCharsets.UTF_8);
    byte[] legacy =
        java.nio.ByteBuffer.allocate(id.length + 12)
            .put(id)
            .putLong(T0.toEpochMilli())
            .putInt(0xFFFFFFFF)
            .array();
    KeyValueStore<Bytes, Long> store = driver.getKeyValueStore(STORE);
    store.put(Bytes.wrap(legacy), T0.toEpochMilli());

    send("e-1", T0.plusSeconds(1)); // not taken for a repeat of the legacy entry
    send("e-2", T0.plus(Duration.ofDays(8)));
    driver.advanceWallClockTime(DuplicateFilter.SWEEP_INTERVAL);

    assertThat(passed.readValuesToList()).hasSize(2);
    assertThat(store.get(Bytes.wrap(legacy))).isNull();
  }

  @Test
  void aSightingKeptPastTheWindowNoLongerCountsEvenBeforeTheSweepDeletesIt() {
    send("e-1", T0);
    send("e-1", T0.plus(Duration.ofDays(7)).plusMillis(1)); // no sweep ran in between

    assertThat(passed.readValuesToList()).hasSize(2);
  }

  @Test
  void everyDropIsCounted() {
    send("e-1", T0);
    send("e-1", T0.plusSeconds(1));
    send("e-1", T0.plusSeconds(2));

    double dropped =
        driver.metrics().entrySet().stream()
            .filter(
                e ->
                    e.getKey().group().contains("lattice-duplicates")
                        && e.getKey().name().equals("dropped-total"))
            .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
            .sum();
    assertThat(dropped).isEqualTo(2.0);
  }
}
