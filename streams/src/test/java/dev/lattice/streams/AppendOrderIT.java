package dev.lattice.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.schemas.LatticeSerdes;
import dev.lattice.schemas.avro.ConsentRejection;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.streams.support.Fixtures;
import dev.lattice.streams.support.Policies;
import dev.lattice.testsupport.TestKafka;
import dev.lattice.testsupport.TopicContents;
import dev.lattice.testsupport.WithKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/**
 * The order of consent and events on a real broker, with services writing straight to Kafka (no
 * gateway): for many members, grants, withdrawals and member data are interleaved across topics by
 * producers whose clocks are hours apart (explicit record times up to two hours in the past and
 * close to an hour in the future); a first part is written before Lattice starts and reaches it
 * through deliberately small fetches, behind a backlog of other members' events (its partitions
 * arrive late and piecemeal), a second part is written while Lattice runs. Each write of a member
 * waits for the broker's acknowledgement of the member's previous write, so the append order of one
 * member's records is known: every event appended after the member's withdrawal must be denied,
 * every event appended before it (and after the grant) allowed. A withdrawal not keyed by its
 * member is rejected, not re-keyed, and so withdraws nothing.
 */
@WithKafka
class AppendOrderIT {
  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final int MEMBERS = 10;
  private static final int PARTITIONS = 3;
  private static final int FILLERS_PER_ROUND = 4;
  private static final Duration COMMANDS_CLOCK = Duration.ofMinutes(40);
  private static final Duration EVENTS_CLOCK = Duration.ofHours(-2);

  /** One member's writes, in the order the member's service makes them. */
  private static final List<String> BEFORE_START =
      List.of("grant", "share+", "share+", "withdraw", "share-", "share-");

  private static final List<String> WHILE_RUNNING =
      List.of("grant", "share+", "withdraw", "share-");

  /** Member m-0's second withdrawal has no key: it is rejected, so m-0 stays granted. */
  private static final List<String> WHILE_RUNNING_UNKEYED =
      List.of("grant", "share+", "withdraw-unkeyed", "share+");

  private final Random random = new Random(19);
  private final Map<String, Boolean> expected = new HashMap<>();
  private int fillers;

  @Test
  void everyEventAppendedAfterAWithdrawalIsDeniedAndEveryEventBeforeItIsAllowed(TestKafka kafka)
      throws Exception {
    TopicNames topics = topics(kafka);
    String appId = kafka.uniqueName("append-order");
    TopologySettings settings =
        TopologySettings.of(Policies.defaultBundle(), SECRET)
            .withTopics(topics)
            .withInMemoryStores();
    long startedAt = System.currentTimeMillis();
    try (KafkaProducer<byte[], byte[]> commands = producer(kafka);
        KafkaProducer<byte[], byte[]> events = producer(kafka);
        KafkaProducer<byte[], byte[]> others = producer(kafka)) {
      send(others, topics.networks(), "ski-club", Fixtures.network("ski-club", Policies.SKI_CLUB))
          .get(30, TimeUnit.SECONDS);
      send(
              others,
              topics.networks(),
              "book-circle",
              Fixtures.network("book-circle", Policies.BOOK_CIRCLE))
          .get(30, TimeUnit.SECONDS);

      writeInterleaved(topics, commands, events, others, "a", m -> BEFORE_START);

      LatticeStreams lattice = LatticeStreams.create(settings, props(kafka, appId));
      lattice.start();
      try {
        writeInterleaved(
            topics,
            commands,
            events,
            others,
            "b",
            m -> m == 0 ? WHILE_RUNNING_UNKEYED : WHILE_RUNNING);

        int decisions = 2 * (expected.size() + fillers);
        await()
            .atMost(Duration.ofSeconds(120))
            .until(() -> read(kafka, topics.audit()).size() >= decisions);

        Map<String, Boolean> decided = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : read(kafka, topics.audit())) {
          DecisionRecord d = LatticeSerdes.codec(DecisionRecord.class).decode(r.value());
          if (expected.containsKey(d.getEventId())) {
            assertThat(d.getAllow())
                .as("%s to %s: %s", d.getEventId(), d.getDestination().getId(), d.getReasons())
                .isEqualTo(expected.get(d.getEventId()));
            decided.merge(d.getEventId(), true, (a, b) -> a && b);
          }
        }
        assertThat(decided.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        assertThat(read(kafka, topics.consentRejections()))
            .extracting(r -> LatticeSerdes.codec(ConsentRejection.class).decode(r.value()))
            // one rejection, for the unkeyed withdrawal; rejections name no member (privacy core)
            .extracting(ConsentRejection::getMemberId, ConsentRejection::getReasonCode)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("", "consent.member_mismatch"));
      } finally {
        lattice.close(Duration.ofSeconds(30));
      }
    }
    long endedAt = System.currentTimeMillis();
    assertThat(read(kafka, topics.consentCommands()))
        .as("the broker, not the producers' clocks, stamped every command")
        .allSatisfy(
            r -> {
              assertThat(r.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
              assertThat(r.timestamp()).isBetween(startedAt - 1_000, endedAt + 1_000);
            });
  }

  /**
   * Each member runs through its script from a random starting round; within a round the writes of
   * all members (and a backlog of other members' events) are sent in random order, then every
   * acknowledgement is awaited before the next round: a member's writes are appended in script
   * order, different members' writes interleave freely.
   */
  private void writeInterleaved(
      TopicNames topics,
      KafkaProducer<byte[], byte[]> commands,
      KafkaProducer<byte[], byte[]> events,
      KafkaProducer<byte[], byte[]> others,
      String part,
      java.util.function.IntFunction<List<String>> scripts)
      throws Exception {
    int[] start = new int[MEMBERS];
    int rounds = 0;
    for (int m = 0; m < MEMBERS; m++) {
      start[m] = random.nextInt(3);
      rounds = Math.max(rounds, start[m] + scripts.apply(m).size());
    }
    for (int round = 0; round < rounds; round++) {
      List<Runnable> writes = new ArrayList<>();
      List<Future<RecordMetadata>> acks = Collections.synchronizedList(new ArrayList<>());
      for (int m = 0; m < MEMBERS; m++) {
        int step = round - start[m];
        List<String> script = scripts.apply(m);
        if (step < 0 || step >= script.size()) {
          continue;
        }
        String member = "m-" + m;
        String id = part + "-" + member + "-" + step;
        String what = script.get(step);
        writes.add(
            () ->
                acks.add(
                    switch (what) {
                      case "grant" ->
                          send(
                              commands,
                              topics.consentCommands(),
                              member,
                              Fixtures.grant("c-" + id, member, "sharing", List.of("profile")),
                              COMMANDS_CLOCK);
                      case "withdraw" ->
                          send(
                              commands,
                              topics.consentCommands(),
                              member,
                              Fixtures.withdraw("c-" + id, member, "sharing"),
                              COMMANDS_CLOCK);
                      case "withdraw-unkeyed" ->
                          send(
                              commands,
                              topics.consentCommands(),
                              null,
                              Fixtures.withdraw("c-" + id, member, "sharing"),
                              COMMANDS_CLOCK);
                      default -> {
                        expected.put("e-" + id, what.equals("share+"));
                        yield send(
                            events,
                            topics.memberData(),
                            member,
                            Fixtures.memberData("e-" + id, "ski-club", member, "sharing"),
                            EVENTS_CLOCK);
                      }
                    }));
      }
      for (int f = 0; f < FILLERS_PER_ROUND; f++) {
        String filler = "f-" + fillers++;
        writes.add(
            () ->
                acks.add(
                    send(
                        others,
                        topics.memberData(),
                        filler,
                        Fixtures.memberData("e-" + filler, "ski-club", filler, "sharing"),
                        Duration.ZERO)));
      }
      Collections.shuffle(writes, random);
      writes.forEach(Runnable::run);
      for (Future<RecordMetadata> ack : acks) {
        ack.get(30, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * Sends with the producer's skewed clock plus up to a quarter of an hour of jitter either way (a
   * broker refuses producer times more than an hour ahead by default,
   * message.timestamp.after.max.ms).
   */
  @SuppressWarnings("unchecked")
  private <T extends SpecificRecord> Future<RecordMetadata> send(
      KafkaProducer<byte[], byte[]> producer, String topic, String key, T value, Duration clock) {
    long jitter = (long) ((random.nextDouble() - 0.5) * Duration.ofMinutes(30).toMillis());
    return producer.send(
        new ProducerRecord<>(
            topic,
            null,
            System.currentTimeMillis() + clock.toMillis() + jitter,
            key == null ? null : key.getBytes(StandardCharsets.UTF_8),
            LatticeSerdes.codec((Class<T>) value.getClass()).encode(value)));
  }

  private <T extends SpecificRecord> Future<RecordMetadata> send(
      KafkaProducer<byte[], byte[]> producer, String topic, String key, T value) {
    return send(producer, topic, key, value, Duration.ZERO);
  }

  private static TopicNames topics(TestKafka kafka) {
    String p = kafka.uniqueName("order") + ".";
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
            p + "out.brand.",
            p + "notices");
    // As the catalogue provisions them: the member-keyed inputs carry the broker's append time.
    Map<String, String> appendTime = Map.of("message.timestamp.type", "LogAppendTime");
    for (String t : topics.memberKeyedInputs()) kafka.createTopic(t, PARTITIONS, 1, appendTime);
    kafka.createTopic(topics.offers(), PARTITIONS, 1, appendTime);
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
      kafka.createTopic(t, PARTITIONS, 1, Map.of());
    }
    return topics;
  }

  private static KafkaProducer<byte[], byte[]> producer(TestKafka kafka) {
    return new KafkaProducer<>(
        kafka.producerProperties(), new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static Properties props(TestKafka kafka, String appId) {
    Properties props = new Properties();
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
    props.put(
        StreamsConfig.STATE_DIR_CONFIG,
        Path.of("target", "tmp", "streams-" + UUID.randomUUID()).toString());
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, kafka.brokerCount());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    // Small fetches: the backlog reaches the tasks partition by partition, a few records at a time,
    // so some of a task's partitions are always behind the others.
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), 1024);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG), 2048);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 20);
    return props;
  }

  private static List<ConsumerRecord<byte[], byte[]>> read(TestKafka kafka, String topic) {
    return TopicContents.read(kafka, topic, true);
  }
}
