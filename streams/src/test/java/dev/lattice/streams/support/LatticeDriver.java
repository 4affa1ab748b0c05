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
                (Instant) null));
  }

  /** Pipes a record with the time its producer set (TopologyTestDriver keeps pipe order). */
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
