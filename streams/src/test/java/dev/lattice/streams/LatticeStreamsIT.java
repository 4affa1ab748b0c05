package dev.lattice.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.schemas.LatticeSerdes;
import dev.lattice.schemas.avro.ConsentCommand;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.streams.support.Fixtures;
import dev.lattice.streams.support.Policies;
import dev.lattice.testsupport.TestKafka;
import dev.lattice.testsupport.WithKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/**
 * The whole path on a real broker: networks, consent, member data in; deliveries and audit out
 * under exactly_once_v2; an instance is killed mid-stream (closed without waiting) and a second one
 * with an empty state directory takes over: no duplicate delivery, no missing audit record.
 */
@WithKafka
class LatticeStreamsIT {
  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final int MEMBERS = 10;
  private static final int EVENTS = 120;

  @Test
  void aTakeOverMidStreamLosesNoAuditAndDuplicatesNoDelivery(TestKafka kafka) throws Exception {
    String p = kafka.uniqueName("lat") + ".";
    TopicNames topics =
        new TopicNames(
            p + "member-data",
            p + "content",
            p + "offers",
            p + "purchases",
            p + "consent-commands",
            p + "consent-ledger",
            p + "consent-rejections",
            p + "member-keys",
            p + "networks",
            p + "policy-bundles",
            p + "audit",
            p + "quarantine",
            p + "out.network.",
            p + "out.brand.");
    for (String t : topics.memberKeyedInputs()) kafka.createTopic(t, 2, 1, Map.of());
    kafka.createTopic(topics.offers(), 2, 1, Map.of());
    for (String t : List.of(topics.networks(), topics.policyBundles()))
      kafka.createTopic(t, 1, 1, Map.of("cleanup.policy", "compact"));
    for (String t :
        List.of(
            topics.consentLedger(),
            topics.consentRejections(),
            topics.audit(),
            topics.quarantine(),
            topics.networkOut("book-circle"),
            topics.brandOut("acme"))) {
      kafka.createTopic(t, 2, 1, Map.of());
    }
    TopologySettings settings =
        TopologySettings.of(Policies.defaultBundle(), SECRET).withTopics(topics);
    String appId = kafka.uniqueName("lattice-app");

    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            kafka.producerProperties(), new ByteArraySerializer(), new ByteArraySerializer())) {
      send(
          producer, topics.networks(), "ski-club", Fixtures.network("ski-club", Policies.SKI_CLUB));
      send(
          producer,
          topics.networks(),
          "book-circle",
          Fixtures.network("book-circle", Policies.BOOK_CIRCLE));
      for (int m = 0; m < MEMBERS; m++) {
        ConsentCommand grant =
            Fixtures.grant("c-" + m, "m-" + m, "sharing", List.of("profile", "interests"));
        send(producer, topics.consentCommands(), "m-" + m, grant);
      }
      LatticeStreams first = LatticeStreams.create(settings, props(kafka, appId));
      first.start();
      for (int i = 0; i < EVENTS / 2; i++) {
        send(
            producer,
            topics.memberData(),
            "m-" + (i % MEMBERS),
            Fixtures.memberData("e-" + i, "ski-club", "m-" + (i % MEMBERS), "sharing"));
      }
      producer.flush();
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> count(kafka, topics.audit()) >= EVENTS / 4);
      // Kill the first instance: no waiting for a clean commit.
      first.close(Duration.ZERO);
      LatticeStreams second = LatticeStreams.create(settings, props(kafka, appId));
      second.start();
      for (int i = EVENTS / 2; i < EVENTS; i++) {
        send(
            producer,
            topics.memberData(),
            "m-" + (i % MEMBERS),
            Fixtures.memberData("e-" + i, "ski-club", "m-" + (i % MEMBERS), "sharing"));
      }
      producer.flush();
      try {
        await()
            .atMost(Duration.ofSeconds(120))
            .until(() -> consumedEverything(kafka, appId, topics));
        List<DecisionRecord> audit =
            read(kafka, topics.audit()).stream()
                .map(b -> LatticeSerdes.codec(DecisionRecord.class).decode(b))
                .toList();
        assertThat(audit).hasSize(2 * EVENTS);
        assertThat(audit).extracting(DecisionRecord::getDecisionId).doesNotHaveDuplicates();
        assertThat(audit)
            .allSatisfy(d -> assertThat(d.getAllow()).as("%s", d.getReasons()).isTrue());
        List<String> delivered =
            read(kafka, topics.networkOut("book-circle")).stream()
                .map(
                    b ->
                        LatticeSerdes.codec(MemberDataEvent.class)
                            .decode(b)
                            .getHeader()
                            .getEventId())
                .toList();
        assertThat(delivered).hasSize(EVENTS).doesNotHaveDuplicates();
        assertThat(read(kafka, topics.brandOut("acme"))).hasSize(EVENTS);
        assertThat(second.decisionsForEvent("e-" + (EVENTS - 1))).hasSize(2);
        assertThat(second.consent("m-1"))
            .hasValueSatisfying(c -> assertThat(c.getVersion()).isEqualTo(1L));
      } finally {
        second.close(Duration.ofSeconds(30));
      }
    }
  }

  private static Properties props(TestKafka kafka, String appId) {
    Properties props = new Properties();
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
    props.put(
        StreamsConfig.STATE_DIR_CONFIG,
        Path.of("target", "tmp", "streams-" + UUID.randomUUID()).toString());
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, kafka.brokerCount());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    return props;
  }

  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecord> void send(
      KafkaProducer<byte[], byte[]> producer, String topic, String key, T value) throws Exception {
    producer
        .send(
            new ProducerRecord<>(
                topic,
                key.getBytes(StandardCharsets.UTF_8),
                LatticeSerdes.codec((Class<T>) value.getClass()).encode(value)))
        .get(30, TimeUnit.SECONDS);
  }

  private static boolean consumedEverything(TestKafka kafka, String appId, TopicNames topics)
      throws Exception {
    try (Admin admin = kafka.admin()) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(appId)
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
      for (int part = 0; part < 2; part++)
        ask.put(new TopicPartition(topics.memberData(), part), OffsetSpec.latest());
      var ends = admin.listOffsets(ask).all().get(30, TimeUnit.SECONDS);
      for (var e : ends.entrySet()) {
        OffsetAndMetadata c = committed.get(e.getKey());
        if (c == null || c.offset() < e.getValue().offset()) return false;
      }
      return true;
    }
  }

  private static long count(TestKafka kafka, String topic) {
    return read(kafka, topic).size();
  }

  private static List<byte[]> read(TestKafka kafka, String topic) {
    Map<String, Object> props = kafka.consumerProperties(kafka.uniqueName("reader"));
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<byte[]> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          consumer.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline
          && parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
      }
    }
    return out;
  }
}
