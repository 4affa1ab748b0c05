package dev.lattice.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.schemas.LatticeSerdes;
import dev.lattice.schemas.avro.ConsentCommand;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.QuarantineRecord;
import dev.lattice.streams.support.FaultInjectingDecisions;
import dev.lattice.streams.support.Fixtures;
import dev.lattice.streams.support.LatticeProcess;
import dev.lattice.streams.support.Policies;
import dev.lattice.testsupport.TestKafka;
import dev.lattice.testsupport.TopicContents;
import dev.lattice.testsupport.WithKafka;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The whole path on a real broker under exactly_once_v2: networks, consent, member data in;
 * deliveries, audit and quarantine out. One test kills the topology's process for real (SIGKILL, in
 * the middle of a record, inside an open transaction) and restarts it; another sends every class of
 * bad input and reads the quarantine topic.
 */
@WithKafka
class LatticeStreamsIT {
  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final int MEMBERS = 10;
  private static final int EVENTS = 200;

  @Test
  void aProcessKilledMidTransactionAndRestartedLosesNoDecisionAndDuplicatesNoDelivery(
      TestKafka kafka) throws Exception {
    String prefix = kafka.uniqueName("crash");
    TopicNames topics = LatticeProcess.topics(prefix);
    createTopics(kafka, topics);
    String appId = kafka.uniqueName("lattice-crash");
    Path stateDir = Path.of("target", "tmp", "streams-" + UUID.randomUUID()).toAbsolutePath();
    Files.createDirectories(stateDir);
    String stallOn = "e-" + EVENTS / 2;

    try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
      publishWorld(producer, topics);
      for (int i = 0; i < EVENTS; i++) {
        String member = "m-" + (i % MEMBERS);
        send(
            producer,
            topics.memberData(),
            member,
            Fixtures.memberData("e-" + i, "ski-club", member, "sharing"));
      }
      producer.flush();
    }

    // Given a Lattice process that has committed part of the stream and is inside a record
    LatticeProcess.Child child =
        LatticeProcess.start(
            Path.of("target", prefix + "-process.log"),
            kafka.bootstrapServers(),
            appId,
            prefix,
            stateDir.toString(),
            stallOn);
    long committedAtKill;
    try {
      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> child.printed("STALLED") || !child.process().isAlive());
      assertThat(child.process().isAlive()).as("process output: %s", child.lines()).isTrue();
      // The stream thread is stuck inside the record: nothing more is committed until the kill.
      committedAtKill = read(kafka, topics.audit(), true).size();
    } finally {
      // When it is killed: SIGKILL, no close, no commit
      LatticeProcess.kill(child);
    }
    long writtenAtKill = read(kafka, topics.audit(), false).size();
    assertThat(committedAtKill)
        .as("the kill comes after committed progress and before the end of the stream")
        .isPositive()
        .isLessThan(2L * EVENTS);

    // and restarted on the same state directory
    LatticeStreams restarted =
        LatticeStreams.create(
            TopologySettings.of(Policies.defaultBundle(), SECRET).withTopics(topics),
            LatticeProcess.properties(kafka.bootstrapServers(), appId, stateDir));
    restarted.start();
    try {
      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> consumedEverything(kafka, appId, topics.memberData()));

      // Then every (event, destination) has exactly one committed decision and delivery
      List<DecisionRecord> audit =
          read(kafka, topics.audit(), true).stream()
              .map(b -> LatticeSerdes.codec(DecisionRecord.class).decode(b))
              .toList();
      Set<String> expected = new HashSet<>();
      for (int i = 0; i < EVENTS; i++) {
        expected.add("e-" + i + "|book-circle");
        expected.add("e-" + i + "|acme");
      }
      assertThat(audit).extracting(DecisionRecord::getDecisionId).doesNotHaveDuplicates();
      assertThat(audit)
          .extracting(d -> d.getEventId() + "|" + d.getDestination().getId())
          .doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(expected);
      assertThat(audit).allSatisfy(d -> assertThat(d.getAllow()).as("%s", d.getReasons()).isTrue());
      Set<String> events =
          expected.stream().map(k -> k.split("\\|")[0]).collect(Collectors.toSet());
      // Partners and brands get event ids of their own (keyed per destination, so stable across
      // the restart): one delivery per event, none twice.
      assertThat(deliveredEventIds(kafka, topics.networkOut("book-circle")))
          .doesNotHaveDuplicates()
          .hasSameSizeAs(events)
          .doesNotContainAnyElementsOf(events);
      assertThat(deliveredEventIds(kafka, topics.brandOut("acme")))
          .doesNotHaveDuplicates()
          .hasSameSizeAs(events)
          .doesNotContainAnyElementsOf(events);
      // The restarted instance restored the ledger and the decision stores from the changelogs
      assertThat(restarted.consent("m-1"))
          .hasValueSatisfying(c -> assertThat(c.getVersion()).isEqualTo(1L));
      assertThat(restarted.decisionsForEvent("e-1")).hasSize(2);
      assertThat(restarted.decisionsForEvent(stallOn)).hasSize(2);
      System.out.printf(
          "crash recovery: committed audit at kill %d, written (incl. the open transaction) %d,"
              + " after recovery %d committed%n",
          committedAtKill, writtenAtKill, audit.size());
    } finally {
      restarted.close(Duration.ofSeconds(30));
    }
  }

  @Test
  void aCleanlyStoppedInstanceRestartsFromItsLocalStateWithoutRestoringAnyStore(TestKafka kafka)
      throws Exception {
    String prefix = kafka.uniqueName("restart");
    TopicNames topics = LatticeProcess.topics(prefix);
    createTopics(kafka, topics);
    String appId = kafka.uniqueName("lattice-restart");
    Path stateDir = Path.of("target", "tmp", "streams-" + UUID.randomUUID()).toAbsolutePath();
    Files.createDirectories(stateDir);
    TopologySettings settings =
        TopologySettings.of(Policies.defaultBundle(), SECRET).withTopics(topics);
    int events = 40;

    try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
      publishWorld(producer, topics);
      for (int i = 0; i < events; i++) {
        String member = "m-" + (i % MEMBERS);
        send(
            producer,
            topics.memberData(),
            member,
            Fixtures.memberData("r-" + i, "ski-club", member, "sharing"));
      }
      producer.flush();

      // Given an instance (persistent stores, exactly_once_v2) that decided every event and then
      // stopped cleanly
      try (LatticeStreams first =
          LatticeStreams.create(
              settings, LatticeProcess.properties(kafka.bootstrapServers(), appId, stateDir))) {
        first.start();
        await()
            .atMost(Duration.ofSeconds(120))
            .until(() -> consumedEverything(kafka, appId, topics.memberData()));
        assertThat(first.close(Duration.ofSeconds(30))).as("clean close").isTrue();
      }

      // When it starts again on the same state directory
      Map<String, Long> restored = new java.util.concurrent.ConcurrentHashMap<>();
      LatticeStreams again =
          LatticeStreams.create(
              settings, LatticeProcess.properties(kafka.bootstrapServers(), appId, stateDir));
      again
          .kafkaStreams()
          .setGlobalStateRestoreListener(
              new org.apache.kafka.streams.processor.StateRestoreListener() {
                @Override
                public void onRestoreStart(
                    TopicPartition partition, String store, long start, long end) {}

                @Override
                public void onBatchRestored(
                    TopicPartition partition, String store, long batchEnd, long count) {
                  restored.merge(store, count, Long::sum);
                }

                @Override
                public void onRestoreEnd(TopicPartition partition, String store, long total) {}
              });
      again.start();
      try {
        // and an event already decided arrives again, next to a new one
        send(
            producer,
            topics.memberData(),
            "m-1",
            Fixtures.memberData("r-1", "ski-club", "m-1", "sharing"));
        send(
            producer,
            topics.memberData(),
            "m-2",
            Fixtures.memberData("r-new", "ski-club", "m-2", "sharing"));
        producer.flush();
        await()
            .atMost(Duration.ofSeconds(120))
            .until(() -> consumedEverything(kafka, appId, topics.memberData()));

        // Then no task's store was restored from its changelog: their local state was trusted (the
        // network directory is an in-memory global store, read from its topic on every start)
        restored.remove(dev.lattice.streams.internal.StoreNames.NETWORKS);
        assertThat(restored).as("records restored per store").isEmpty();
        // and the state it kept is whole: the repeat is dropped, the new event decided
        List<DecisionRecord> audit =
            read(kafka, topics.audit(), true).stream()
                .map(b -> LatticeSerdes.codec(DecisionRecord.class).decode(b))
                .toList();
        assertThat(audit)
            .extracting(d -> d.getEventId() + "|" + d.getDestination().getId())
            .doesNotHaveDuplicates()
            .contains("r-new|book-circle", "r-new|acme")
            .hasSize(2 * (events + 1));
        assertThat(again.decisionsForEvent("r-1")).hasSize(2);
        assertThat(again.consent("m-1"))
            .hasValueSatisfying(c -> assertThat(c.getVersion()).isEqualTo(1L));
      } finally {
        again.close(Duration.ofSeconds(30));
      }
    }
  }

  @Test
  void everyClassOfBadInputIsQuarantinedWithItsOriginalRecordAndNothingOfItIsDelivered(
      TestKafka kafka) throws Exception {
    String prefix = kafka.uniqueName("quarantine");
    TopicNames topics = LatticeProcess.topics(prefix);
    createTopics(kafka, topics);
    String appId = kafka.uniqueName("lattice-quarantine");
    FaultInjectingDecisions decisions =
        new FaultInjectingDecisions(Policies.defaultBundle())
            .throwOn("bad-policy")
            .allowWithUnenforceableObligationOn("bad-obligation");
    Map<String, Sent> sent = new HashMap<>();

    try (KafkaProducer<byte[], byte[]> producer = producer(kafka);
        LatticeStreams lattice =
            LatticeStreams.create(
                TopologySettings.of(decisions, SECRET).withTopics(topics).withInMemoryStores(),
                LatticeProcess.properties(
                    kafka.bootstrapServers(),
                    appId,
                    Path.of("target", "tmp", "streams-" + UUID.randomUUID())))) {
      publishWorld(producer, topics);
      lattice.start();
      MemberDataEvent wrongType = Fixtures.memberData("bad-type", "ski-club", "m-1", "sharing");
      wrongType.getHeader().setEventType("purchase");

      sent.put(
          "record.undecodable",
          sendRaw(producer, topics.memberData(), "m-1", new byte[] {0, 1, 2, 3}, "t-undecodable"));
      sent.put(
          "event.schema_violation",
          sendRaw(producer, topics.memberData(), "m-1", encode(wrongType), "t-schema"));
      sent.put(
          "network.unknown",
          sendRaw(
              producer,
              topics.memberData(),
              "m-2",
              encode(Fixtures.memberData("bad-network", "nowhere", "m-2", "sharing")),
              "t-network"));
      sent.put(
          "policy.error",
          sendRaw(
              producer,
              topics.memberData(),
              "m-3",
              encode(Fixtures.memberData("bad-policy", "ski-club", "m-3", "sharing")),
              "t-policy"));
      sent.put(
          "obligation.unenforceable",
          sendRaw(
              producer,
              topics.memberData(),
              "m-4",
              encode(Fixtures.memberData("bad-obligation", "ski-club", "m-4", "sharing")),
              "t-obligation"));
      producer.flush();

      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> consumedEverything(kafka, appId, topics.memberData()));
      List<QuarantineRecord> quarantined =
          read(kafka, topics.quarantine(), true).stream()
              .map(b -> LatticeSerdes.codec(QuarantineRecord.class).decode(b))
              .toList();

      assertThat(quarantined)
          .extracting(QuarantineRecord::getErrorClass)
          .containsExactlyInAnyOrderElementsOf(sent.keySet());
      for (QuarantineRecord q : quarantined) {
        Sent original = sent.get(q.getErrorClass());
        assertThat(q.getTopic()).isEqualTo(topics.memberData());
        assertThat(q.getPartition()).isEqualTo(original.metadata().partition());
        assertThat(q.getOffset()).isEqualTo(original.metadata().offset());
        assertThat(q.getOriginalKey()).isEqualTo(ByteBuffer.wrap(original.key()));
        assertThat(q.getOriginalValue()).isEqualTo(ByteBuffer.wrap(original.value()));
        assertThat(q.getHeaders())
            .extracting(h -> h.getKey() + "=" + StandardCharsets.UTF_8.decode(h.getValue()))
            .containsExactly("trace-id=" + original.trace());
        assertThat(q.getErrorMessage()).as(q.getErrorClass()).isNotBlank();
      }
      assertThat(messageOf(quarantined, "event.schema_violation"))
          .contains("header.event_type is 'purchase'");
      assertThat(messageOf(quarantined, "network.unknown")).contains("nowhere");
      assertThat(messageOf(quarantined, "obligation.unenforceable"))
          .contains("payload.no_such_field");
      assertThat(deliveredEventIds(kafka, topics.networkOut("book-circle"))).isEmpty();
      assertThat(deliveredEventIds(kafka, topics.brandOut("acme"))).isEmpty();
      assertThat(
              read(kafka, topics.audit(), true).stream()
                  .map(b -> LatticeSerdes.codec(DecisionRecord.class).decode(b))
                  .toList())
          .extracting(
              d -> d.getEventId() + ":" + d.getAllow() + ":" + d.getReasons().get(0).getCode())
          .containsExactlyInAnyOrder(
              "bad-policy:false:policy.error",
              "bad-policy:false:policy.error",
              "bad-obligation:false:obligation.unenforceable",
              "bad-obligation:false:obligation.unenforceable");
    }
  }

  // ---------------------------------------------------------------- helpers

  private record Sent(byte[] key, byte[] value, String trace, RecordMetadata metadata) {}

  private static String messageOf(List<QuarantineRecord> quarantined, String errorClass) {
    return quarantined.stream()
        .filter(q -> q.getErrorClass().equals(errorClass))
        .findFirst()
        .orElseThrow()
        .getErrorMessage();
  }

  private static void createTopics(TestKafka kafka, TopicNames topics) {
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
  }

  /** Two networks (ski-club exports to book-circle and acme) and members consenting to sharing. */
  private static void publishWorld(KafkaProducer<byte[], byte[]> producer, TopicNames topics)
      throws Exception {
    send(producer, topics.networks(), "ski-club", Fixtures.network("ski-club", Policies.SKI_CLUB));
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
  }

  private static KafkaProducer<byte[], byte[]> producer(TestKafka kafka) {
    return new KafkaProducer<>(
        kafka.producerProperties(), new ByteArraySerializer(), new ByteArraySerializer());
  }

  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecord> byte[] encode(T value) {
    return LatticeSerdes.codec((Class<T>) value.getClass()).encode(value);
  }

  private static <T extends SpecificRecord> void send(
      KafkaProducer<byte[], byte[]> producer, String topic, String key, T value) throws Exception {
    producer
        .send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), encode(value)))
        .get(30, TimeUnit.SECONDS);
  }

  private static Sent sendRaw(
      KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value, String trace)
      throws Exception {
    byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
    RecordHeaders headers = new RecordHeaders();
    headers.add("trace-id", trace.getBytes(StandardCharsets.UTF_8));
    RecordMetadata metadata =
        producer
            .send(new ProducerRecord<>(topic, null, keyBytes, value, headers))
            .get(30, TimeUnit.SECONDS);
    return new Sent(keyBytes, value, trace, metadata);
  }

  /** Whether the application has committed every offset of {@code input}. */
  private static boolean consumedEverything(TestKafka kafka, String appId, String input)
      throws Exception {
    try (Admin admin = kafka.admin()) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(appId)
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
      for (int part = 0; part < 2; part++)
        ask.put(new TopicPartition(input, part), OffsetSpec.latest());
      var ends = admin.listOffsets(ask).all().get(30, TimeUnit.SECONDS);
      for (var e : ends.entrySet()) {
        OffsetAndMetadata c = committed.get(e.getKey());
        if (c == null || c.offset() < e.getValue().offset()) return false;
      }
      return true;
    }
  }

  private static List<String> deliveredEventIds(TestKafka kafka, String topic) {
    return read(kafka, topic, true).stream()
        .map(b -> LatticeSerdes.codec(MemberDataEvent.class).decode(b).getHeader().getEventId())
        .toList();
  }

  /**
   * Every record of {@code topic}: committed only ({@code read_committed}), or also those of open
   * and aborted transactions.
   */
  private static List<byte[]> read(TestKafka kafka, String topic, boolean committedOnly) {
    return TopicContents.read(kafka, topic, committedOnly).stream()
        .map(ConsumerRecord::value)
        .toList();
  }
}
