package dev.lattice.streams.support;

import dev.lattice.schemas.LatticeSerdes;
import dev.lattice.schemas.avro.ConsentCommand;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.schemas.avro.NetworkDocument;
import dev.lattice.schemas.avro.QuarantineRecord;
import dev.lattice.streams.TopicNames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

/** A TopologyTestDriver around a Lattice topology, speaking Avro records. */
public final class LatticeDriver implements AutoCloseable {
  private final TopologyTestDriver driver;
  private final TopicNames topics;
  private final Map<String, TestInputTopic<byte[], byte[]>> inputs = new HashMap<>();
  private final Map<String, TestOutputTopic<byte[], byte[]>> outputs = new HashMap<>();

  public LatticeDriver(Topology topology, TopicNames topics, Instant wallClock) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "lattice-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(
        StreamsConfig.STATE_DIR_CONFIG,
        Path.of("target", "tmp", "ttd-" + UUID.randomUUID()).toString());
    this.driver = new TopologyTestDriver(topology, props, wallClock);
    this.topics = topics;
  }

  public TopologyTestDriver driver() {
    return driver;
  }

  public void pipe(String topic, String key, byte[] value) {
    pipe(topic, key, value, new RecordHeaders());
  }

  /**
   * The time the "broker" stamps on a record piped without one: the wall clock, never going back,
   * one clock for every topic (the member-keyed inputs are {@code LogAppendTime} topics, and the
   * topology orders a member's records and decides late ones by these times).
   */
  private Instant appendTime() {
    Instant now = Instant.now();
    lastAppend = lastAppend == null || now.isAfter(lastAppend) ? now : lastAppend;
    return lastAppend;
  }

  private Instant lastAppend;

  /** Pipes one record with headers; its offset is the number of records piped to the topic. */
  public void pipe(String topic, String key, byte[] value, Headers headers) {
    inputs
        .computeIfAbsent(
            topic,
            t -> driver.createInputTopic(t, new ByteArraySerializer(), new ByteArraySerializer()))
        .pipeInput(
            new org.apache.kafka.streams.test.TestRecord<>(
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value,
                headers,
                appendTime()));
  }

  /**
   * Pipes a record with the given time: the broker's append time of a {@code LogAppendTime} topic
   * (TopologyTestDriver keeps pipe order).
   */
  @SuppressWarnings("unchecked")
  public <T extends SpecificRecord> void send(String topic, String key, T record, Instant time) {
    inputs
        .computeIfAbsent(
            topic,
            t -> driver.createInputTopic(t, new ByteArraySerializer(), new ByteArraySerializer()))
        .pipeInput(
            key == null ? null : key.getBytes(StandardCharsets.UTF_8),
            LatticeSerdes.codec((Class<T>) record.getClass()).encode(record),
            time);
  }

  @SuppressWarnings("unchecked")
  public <T extends SpecificRecord> void send(String topic, String key, T record) {
    pipe(topic, key, LatticeSerdes.codec((Class<T>) record.getClass()).encode(record));
  }

  public void network(NetworkDocument doc) {
    send(topics.networks(), doc.getNetworkId(), doc);
  }

  public void consent(ConsentCommand command) {
    send(topics.consentCommands(), command.getMemberId(), command);
  }

  public List<byte[]> readValues(String topic) {
    TestOutputTopic<byte[], byte[]> out =
        outputs.computeIfAbsent(
            topic,
            t ->
                driver.createOutputTopic(
                    t, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
    List<byte[]> values = new ArrayList<>();
    while (!out.isEmpty()) {
      values.add(out.readValue());
    }
    return values;
  }

  public List<org.apache.kafka.streams.test.TestRecord<byte[], byte[]>> readRecords(String topic) {
    TestOutputTopic<byte[], byte[]> out =
        outputs.computeIfAbsent(
            topic,
            t ->
                driver.createOutputTopic(
                    t, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
    return out.readRecordsToList();
  }

  public <T extends SpecificRecord> List<T> read(String topic, Class<T> type) {
    return readValues(topic).stream().map(v -> LatticeSerdes.codec(type).decode(v)).toList();
  }

  /**
   * The records of {@code type} on a topic that carries several types (a brand's topic holds offer
   * deliveries and insights); records of other types are read and skipped.
   */
  public <T extends SpecificRecord> List<T> readOnly(String topic, Class<T> type) {
    List<T> out = new ArrayList<>();
    for (byte[] v : readValues(topic)) {
      try {
        out.add(LatticeSerdes.codec(type).decode(v));
      } catch (dev.lattice.schemas.EventDecodingException e) {
        // another record type on the same topic
      }
    }
    return out;
  }

  /**
   * The member an audit record's reference names (audit records carry a reference that erasure
   * unlinks, never the member id), or the reference itself when it is linked to no member.
   */
  public String memberOf(String ref) {
    rememberMemberRefs();
    return rememberedRefs.getOrDefault(ref, ref);
  }

  private final Map<String, String> rememberedRefs = new HashMap<>();

  /**
   * Remembers which member each current audit reference names (an erasure unlinks them; a test that
   * checks decisions made before an erasure calls this first).
   */
  public void rememberMemberRefs() {
    org.apache.kafka.streams.state.KeyValueStore<String, byte[]> refs =
        driver.getKeyValueStore(dev.lattice.streams.internal.StoreNames.MEMBER_REFS);
    try (var it = refs.all()) {
      it.forEachRemaining(
          kv -> rememberedRefs.put(new String(kv.value, StandardCharsets.UTF_8), kv.key));
    }
  }

  public List<DecisionRecord> audit() {
    return read(topics.audit(), DecisionRecord.class);
  }

  public List<QuarantineRecord> quarantine() {
    return read(topics.quarantine(), QuarantineRecord.class);
  }

  public void advance(Duration d) {
    driver.advanceWallClockTime(d);
  }

  @Override
  public void close() {
    driver.close();
  }
}
