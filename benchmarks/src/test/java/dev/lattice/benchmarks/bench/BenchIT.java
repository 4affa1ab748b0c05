package dev.lattice.benchmarks.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.kafka.embedded.EmbeddedKafkaCluster;
import dev.lattice.kafka.embedded.KafkaClusterSpec;
import dev.lattice.policy.ReasonCodes;
import dev.lattice.schemas.LatticeSerdes;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.streams.TopicNames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A tiny bench on a real (in-JVM) broker: both topologies must have processed every event they
 * consumed.
 */
class BenchIT {
  private static EmbeddedKafkaCluster kafka;

  @BeforeAll
  static void startKafka() {
    kafka =
        EmbeddedKafkaCluster.start(
            KafkaClusterSpec.of(
                1, Path.of("target", "it-data", "bench-" + UUID.randomUUID()).toAbsolutePath()));
  }

  @AfterAll
  static void stopKafka() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void aTinyBenchRunsBothTopologiesOverEveryEventAndReportsTheirFigures() throws Exception {
    BenchSettings settings =
        new BenchSettings(60, 3, 300, 0.6, 1, 1, 0.5, Duration.ofSeconds(2), 20, 100);
    TopicNames topics = Bench.prefixed("it-bench.");
    Bench bench =
        new Bench(
            settings,
            kafka.bootstrapServers(),
            "test",
            topics,
            "it",
            Path.of("target", "it-data", "bench-state-" + UUID.randomUUID()).toAbsolutePath(),
            ProgressBar.silent());

    BenchResult result = bench.run();

    assertThat(result.events()).isEqualTo(300);
    assertThat(result.enforceEps()).isPositive();
    assertThat(result.baselineEps()).isPositive();
    assertThat(result.decisions()).isPositive();
    assertThat(result.enforceLatency().count()).isPositive();
    assertThat(result.baselineLatency().count()).isPositive();
    BenchResult.Costs costs = result.profile().costs();
    assertThat(
            List.of(
                costs.enforce().cpuMicrosPerEvent(),
                costs.replay().cpuMicrosPerEvent(),
                costs.baseline().cpuMicrosPerEvent()))
        .as("the process's CPU per event of each drain")
        .allSatisfy(us -> assertThat(us).isPositive());
    assertThat(costs.enforce().byThread().get("stream_threads"))
        .as("the enforcing topology's stream threads' CPU per event")
        .isPositive();
    assertThat(costs.enforceCommits().avgMs())
        .as("the enforcing topology's commit latency in its latency phase")
        .isPositive();
    assertThat(result.toJson()).contains("\"warmup_events\":100", "\"cpu_us_per_event\":{");

    // The warm-up pass drained its own backlog, on its own topics, through all three topologies.
    try (Admin admin = admin()) {
      for (String group : List.of("baseline", "enforce", "replay")) {
        assertThat(
                admin
                    .listConsumerGroupOffsets("lattice-bench-" + group + "-warmup-it")
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS)
                    .keySet())
            .as("input partitions the warm-up's %s topology committed", group)
            .extracting(TopicPartition::topic)
            .anyMatch(topic -> topic.startsWith("lattice-bench-warmup-it."))
            .noneMatch(topic -> topic.startsWith("it-bench."));
      }
    }

    List<String> ingest =
        List.of(topics.memberData(), topics.content(), topics.purchases(), topics.offers());
    Map<String, List<String>> consumedByBaseline = consumed(bench.baselineApplicationId(), ingest);
    Map<String, List<String>> consumedByEnforcement =
        consumed(bench.enforceApplicationId(), ingest);
    assertThat(consumedByBaseline.values().stream().mapToInt(List::size).sum())
        .isGreaterThanOrEqualTo(300);
    assertThat(consumedByEnforcement.values().stream().mapToInt(List::size).sum())
        .isGreaterThanOrEqualTo(300);

    // The baseline passes every event it consumed through to its source network.
    Set<String> passedThrough = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll(networkOutputs(topics))) {
      Header h = r.headers().lastHeader(Bench.EVENT_HEADER);
      if (h != null) {
        passedThrough.add(new String(h.value(), StandardCharsets.UTF_8));
      }
    }
    consumedByBaseline.values().forEach(ids -> assertThat(passedThrough).containsAll(ids));

    // The enforcing topology audits a decision for every member data and content event it consumed.
    var decisions = LatticeSerdes.codec(DecisionRecord.class);
    Set<String> audited = new HashSet<>();
    Set<Boolean> outcomes = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll(List.of(topics.audit()))) {
      DecisionRecord d = decisions.decode(r.value());
      audited.add(d.getEventId());
      outcomes.add(d.getAllow());
    }
    assertThat(audited).containsAll(consumedByEnforcement.get(topics.memberData()));
    assertThat(audited).containsAll(consumedByEnforcement.get(topics.content()));
    assertThat(outcomes)
        .as("some flows allowed, some denied")
        .containsExactlyInAnyOrder(true, false);

    // The replay baseline answers with the enforcing run's decisions (same keyed decision ids), so
    // a decision both runs wrote has the same outcome, reasons and obligations in both. (The runs
    // can interleave consent changes, offer copies and events a little differently, so a few
    // questions of one run are not asked in the other: those the replay evaluates are counted.)
    Map<String, List<DecisionRecord>> byId = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll(List.of(topics.audit()))) {
      DecisionRecord d = decisions.decode(r.value());
      byId.computeIfAbsent(d.getDecisionId(), k -> new ArrayList<>()).add(d);
    }
    List<List<DecisionRecord>> replayed =
        byId.values().stream().filter(l -> l.size() == 2).toList();
    assertThat((long) replayed.size())
        .as("decisions written by both runs")
        .isGreaterThan(result.decisions() / 2)
        .isLessThanOrEqualTo(result.profile().replayDecisions());
    for (List<DecisionRecord> pair : replayed) {
      assertThat(
              List.of(
                  pair.get(1).getAllow(), policyReasons(pair.get(1)), pair.get(1).getObligations()))
          .isEqualTo(
              List.of(
                  pair.get(0).getAllow(),
                  policyReasons(pair.get(0)),
                  pair.get(0).getObligations()));
    }
    assertThat(result.profile().replayMisses()).isLessThan(result.profile().replayDecisions() / 2);
  }

  /**
   * The reasons the policy gave. The topology adds {@code consent.changed_after_event} when it
   * processed the event behind a grant appended after it, which depends on how the run interleaved
   * them (an offer copy, say, reaching the member's task after a later grant in one run and before
   * it in the other): the same policy answer, asked in both runs, is annotated in one only.
   */
  private static List<String> policyReasons(DecisionRecord d) {
    return d.getReasons().stream()
        .map(r -> r.getCode() + ": " + r.getMessage())
        .filter(r -> !r.startsWith(ReasonCodes.CONSENT_CHANGED_AFTER_EVENT + ":"))
        .toList();
  }

  private List<String> networkOutputs(TopicNames topics) {
    try (Admin admin = admin()) {
      return admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
          .filter(t -> t.startsWith(topics.networkOutPrefix()))
          .toList();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Bench event ids of the records a consumer group has committed, per topic. */
  private Map<String, List<String>> consumed(String group, List<String> topicNames)
      throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed;
    try (Admin admin = admin()) {
      committed =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
    }
    Map<String, List<String>> ids = new HashMap<>();
    topicNames.forEach(t -> ids.put(t, new ArrayList<>()));
    for (ConsumerRecord<byte[], byte[]> r : readAll(topicNames)) {
      OffsetAndMetadata c = committed.get(new TopicPartition(r.topic(), r.partition()));
      if (c != null && r.offset() < c.offset()) {
        ids.get(r.topic())
            .add(
                new String(
                    r.headers().lastHeader(Bench.EVENT_HEADER).value(), StandardCharsets.UTF_8));
      }
    }
    return ids;
  }

  private List<ConsumerRecord<byte[], byte[]>> readAll(List<String> topicNames) {
    Map<String, Object> props =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (Admin admin = admin();
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin
          .describeTopics(topicNames)
          .allTopicNames()
          .get(30, TimeUnit.SECONDS)
          .forEach(
              (name, d) ->
                  d.partitions()
                      .forEach(
                          p ->
                              latest.put(
                                  new TopicPartition(name, p.partition()), OffsetSpec.latest())));
      Map<TopicPartition, Long> ends = new HashMap<>();
      admin
          .listOffsets(latest)
          .all()
          .get(30, TimeUnit.SECONDS)
          .forEach((tp, info) -> ends.put(tp, info.offset()));
      consumer.assign(ends.keySet());
      consumer.seekToBeginning(ends.keySet());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "could not read " + topicNames + " to the end within 60 s");
        }
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Admin admin() {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
  }
}
