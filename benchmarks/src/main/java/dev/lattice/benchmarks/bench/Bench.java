package dev.lattice.benchmarks.bench;

import dev.lattice.demo.DemoWorld;
import dev.lattice.demo.Traffic;
import dev.lattice.policy.DecisionService;
import dev.lattice.policy.DecisionServiceConfig;
import dev.lattice.schemas.LatticeSerdes;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.streams.LatticeTopology;
import dev.lattice.streams.StageTimings;
import dev.lattice.streams.TopicNames;
import dev.lattice.streams.TopologySettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures the enforcing topology against a pass-through baseline on the same Kafka, topics, serdes
 * and synthetic traffic, in one process.
 *
 * <ol>
 *   <li>Publishes the world (network documents, members' initial grants) and a backlog of {@code
 *       events} ingest events.
 *   <li>Throughput: the baseline drains the backlog, then the enforcing topology does (recording
 *       its decisions), then the replay baseline (the enforcing topology answering with those
 *       decisions, evaluating nothing: {@link ReplayedDecisions}) does. A topology has processed
 *       the backlog when its consumer group has committed (in its exactly-once transaction, with
 *       the outputs) every input offset, and, for the enforcing topology, every offer copy it
 *       broadcast.
 *   <li>Latency: the enforcing topology, still running, gets events at a steady rate ({@code
 *       latencyLoad} of its throughput) for {@code latencyDuration}; an event's latency is the time
 *       from just before it is sent to the moment its first output (an audit record) is visible to
 *       a {@code read_committed} consumer. Then the baseline is started again, catches up, and gets
 *       the same rate; its outputs are matched by a header.
 * </ol>
 *
 * Not thread-safe; run once.
 */
public final class Bench {
  private static final Logger LOGGER = LoggerFactory.getLogger(Bench.class);

  /**
   * Header naming the event on every record the bench produces (the baseline keeps headers;
   * enforcement does not).
   */
  static final String EVENT_HEADER = "lattice-bench-event";

  private static final Duration PHASE_TIMEOUT = Duration.ofMinutes(10);
  private static final Traffic.Mix MIX = new Traffic.Mix(70, 14, 10, 1, 5);

  private final BenchSettings settings;
  private final String bootstrapServers;
  private final String kafkaLabel;
  private final TopicNames topics;
  private final String runId;
  private final Path stateDir;
  private final ProgressBar progress;
  private final DemoWorld world;
  private final Traffic traffic;
  private final java.util.concurrent.atomic.AtomicLong sendFailures =
      new java.util.concurrent.atomic.AtomicLong();
  private final AtomicReference<Exception> lastSendFailure = new AtomicReference<>();
  private List<String> createdTopics = List.of();

  /**
   * @param topics the topics both topologies read and write (created when missing)
   * @param runId distinguishes this run's consumer groups and event ids from earlier runs on the
   *     same cluster
   * @param stateDir Kafka Streams state of both topologies goes below it
   */
  public Bench(
      BenchSettings settings,
      String bootstrapServers,
      String kafkaLabel,
      TopicNames topics,
      String runId,
      Path stateDir,
      ProgressBar progress) {
    this.settings = settings;
    this.bootstrapServers = bootstrapServers;
    this.kafkaLabel = kafkaLabel;
    this.topics = topics;
    this.runId = runId;
    this.stateDir = stateDir;
    this.progress = progress;
    this.world = DemoWorld.generate(settings.world());
    this.traffic = new Traffic(world, settings.seed(), runId, MIX, Instant::now);
  }

  /** Topic names with a prefix, for a run on a shared cluster. */
  public static TopicNames prefixed(String prefix) {
    TopicNames d = TopicNames.defaults();
    Function<String, String> p = name -> prefix + name;
    return new TopicNames(
        p.apply(d.memberData()),
        p.apply(d.content()),
        p.apply(d.offers()),
        p.apply(d.purchases()),
        p.apply(d.consentCommands()),
        p.apply(d.consentLedger()),
        p.apply(d.consentRejections()),
        p.apply(d.memberKeys()),
        p.apply(d.networks()),
        p.apply(d.policyBundles()),
        p.apply(d.audit()),
        p.apply(d.quarantine()),
        p.apply(d.networkOutPrefix()),
        p.apply(d.brandOutPrefix()),
        p.apply(d.notices()));
  }

  public String baselineApplicationId() {
    return "lattice-bench-baseline-" + runId;
  }

  public String enforceApplicationId() {
    return "lattice-bench-enforce-" + runId;
  }

  public String replayApplicationId() {
    return "lattice-bench-replay-" + runId;
  }

  /**
   * The share of the backlog a drain runs before its clock starts: the JIT, caches and the memo of
   * shared decisions warm up on it, and the figures are the steady state after it.
   */
  static final double WARMUP_FRACTION = 0.1;

  public BenchResult run() {
    long begin = System.nanoTime();
    if (settings.warmupEvents() > 0) {
      // Its run id must not extend this one: consumer groups and internal topics are found by
      // prefix (see progress).
      new Bench(
              settings.forWarmUp(),
              bootstrapServers,
              kafkaLabel,
              prefixed("lattice-bench-warmup-" + runId + "."),
              "warmup-" + runId,
              stateDir.resolve("warmup"),
              progress)
          .warmUp();
    }
    try (Admin admin =
            Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        KafkaProducer<byte[], byte[]> producer = producer()) {
      createTopics(admin);
      awaitTopicsReady(admin, producer);
      long events = publishWorldAndBacklog(producer);
      checkSent();
      List<String> baselineInputs = baselineInputs();
      List<String> enforceInputs = enforceInputs();
      Map<TopicPartition, Long> baselineEnds = endOffsets(admin, baselineInputs);
      Map<TopicPartition, Long> enforceEnds = endOffsets(admin, enforceInputs);

      progress.phase("baseline: draining the backlog", events);
      ProcessCost.Spent baselineSpent;
      ProcessCost.Spent enforceSpent;
      ProcessCost.Spent replaySpent;
      BenchResult.CommitLatency enforceCommits;
      BenchResult.CommitLatency baselineCommits;
      double baselineEps;
      RecordCounts baselineRecords;
      try (KafkaStreams baseline =
          start(LatticeTopology.passThrough(topics), baselineApplicationId())) {
        baselineEps = drain(admin, baseline, baselineApplicationId(), baselineEnds, events, null);
        baselineSpent = lastDrainSpent;
        baselineRecords = RecordCounts.sentBy(baseline, baselineApplicationId());
        close(baseline);
      }

      byte[] secret = freshSecret();
      ReplayedDecisions replay = new ReplayedDecisions();
      DecisionService decisions =
          replay.recording(DecisionService.create(DecisionServiceConfig.defaults()));
      StageTotals stages = new StageTotals();
      Topology enforcing =
          LatticeTopology.build(TopologySettings.of(decisions, secret).withTopics(topics), stages);
      progress.phase("enforcing: draining the backlog", events);
      double enforceEps;
      long decided;
      Latencies enforceLatency = new Latencies();
      double rate;
      RecordCounts enforceRecords;
      Map<StageTimings.Stage, Double> stageMicros;
      double replayEps;
      RecordCounts replayRecords;
      long replayDecided;
      try (KafkaStreams enforce = start(enforcing, enforceApplicationId())) {
        long auditBefore = auditEnd(admin);
        Map<StageTimings.Stage, Long> initial = stages.snapshot();
        List<Map<StageTimings.Stage, Long>> atWarm = new ArrayList<>();
        atWarm.add(initial);
        enforceEps =
            drain(
                admin,
                enforce,
                enforceApplicationId(),
                enforceEnds,
                events,
                () -> atWarm.set(0, stages.snapshot()));
        enforceSpent = lastDrainSpent;
        // The timings of the same events as the throughput: the steady state after the warm-up.
        stageMicros =
            lastDrainSteady
                ? StageTotals.microsPerEvent(
                    atWarm.get(0), stages.snapshot(), events * (1 - WARMUP_FRACTION))
                : StageTotals.microsPerEvent(initial, stages.snapshot(), events);
        enforceRecords = RecordCounts.sentBy(enforce, enforceApplicationId());
        // Exact from the producer's count; the end offsets also count transaction markers.
        decided =
            enforceRecords.byTopic().getOrDefault(topics.audit(), auditEnd(admin) - auditBefore);

        // The replay baseline: the same topology answering with the decisions just recorded, so
        // that it writes exactly what enforcing wrote. The enforcing topology idles meanwhile.
        DecisionService replaying =
            replay.replaying(DecisionService.create(DecisionServiceConfig.defaults()));
        Topology replayTopology =
            LatticeTopology.build(TopologySettings.of(replaying, secret).withTopics(topics));
        progress.phase("replay (decisions not evaluated): draining the backlog", events);
        try (KafkaStreams replayed = start(replayTopology, replayApplicationId())) {
          long before = auditEnd(admin);
          replayEps = drain(admin, replayed, replayApplicationId(), enforceEnds, events, null);
          replaySpent = lastDrainSpent;
          replayRecords = RecordCounts.sentBy(replayed, replayApplicationId());
          replayDecided =
              replayRecords.byTopic().getOrDefault(topics.audit(), auditEnd(admin) - before);
          close(replayed);
        }

        rate = Math.max(1, enforceEps * settings.latencyLoad());
        progress.phase(
            String.format("enforcing: latency at %.0f events/s", rate),
            (long) (rate * settings.latencyDuration().toSeconds()));
        measureLatency(
            admin,
            producer,
            enforce,
            enforceApplicationId(),
            enforceInputs,
            rate,
            List.of(topics.audit()),
            Bench::auditedEvent,
            Expectation.ENFORCED,
            enforceLatency);
        enforceCommits = commitLatency(enforce);
        close(enforce);
      }

      Latencies baselineLatency = new Latencies();
      try (KafkaStreams baseline =
          start(LatticeTopology.passThrough(topics), baselineApplicationId())) {
        progress.phase("baseline: catching up", 0);
        awaitCaughtUp(admin, baselineApplicationId(), endOffsets(admin, baselineInputs), baseline);
        progress.phase(
            String.format("baseline: latency at %.0f events/s", rate),
            (long) (rate * settings.latencyDuration().toSeconds()));
        measureLatency(
            admin,
            producer,
            baseline,
            baselineApplicationId(),
            baselineInputs,
            rate,
            networkOutputs(),
            Bench::headerEvent,
            Expectation.INGEST,
            baselineLatency);
        baselineCommits = commitLatency(baseline);
        close(baseline);
      }
      progress.done();
      return new BenchResult(
          settings,
          events,
          decided,
          enforceEps,
          baselineEps,
          replayEps,
          rate,
          enforceLatency.summary(),
          baselineLatency.summary(),
          kafkaLabel,
          (System.nanoTime() - begin) / 1e9,
          new BenchResult.Profile(
              enforceRecords,
              replayRecords,
              baselineRecords,
              stageMicros,
              replayDecided,
              replay.misses(),
              new BenchResult.Costs(
                  enforceSpent, replaySpent, baselineSpent, enforceCommits, baselineCommits)));
    }
  }

  /**
   * The warm-up pass: this bench's world and backlog on its own topics, drained by the pass-through
   * baseline, the enforcing topology and the replay in turn, nothing measured. A fresh JVM spends
   * its first tens of seconds compiling (the broker, the clients, Kafka Streams, the engine: the
   * JIT used about a core of this 2-core machine through a cold run's enforcing drain), and that
   * would be counted against whichever topology runs then; a gateway runs for days.
   */
  private void warmUp() {
    try (Admin admin =
            Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        KafkaProducer<byte[], byte[]> producer = producer()) {
      createTopics(admin);
      awaitTopicsReady(admin, producer);
      long events = publishWorldAndBacklog(producer, "warm-up (not measured): publishing");
      checkSent();
      List<String> baselineInputs = baselineInputs();
      List<String> enforceInputs = enforceInputs();
      Map<TopicPartition, Long> enforceEnds = endOffsets(admin, enforceInputs);
      progress.phase("warm-up (not measured): baseline", events);
      try (KafkaStreams baseline =
          start(LatticeTopology.passThrough(topics), baselineApplicationId())) {
        drain(
            admin,
            baseline,
            baselineApplicationId(),
            endOffsets(admin, baselineInputs),
            events,
            null);
        close(baseline);
      }
      byte[] secret = freshSecret();
      ReplayedDecisions replay = new ReplayedDecisions();
      DecisionService decisions =
          replay.recording(DecisionService.create(DecisionServiceConfig.defaults()));
      progress.phase("warm-up (not measured): enforcing", events);
      try (KafkaStreams enforce =
          start(
              LatticeTopology.build(
                  TopologySettings.of(decisions, secret).withTopics(topics), new StageTotals()),
              enforceApplicationId())) {
        drain(admin, enforce, enforceApplicationId(), enforceEnds, events, null);
        close(enforce);
      }
      DecisionService replaying =
          replay.replaying(DecisionService.create(DecisionServiceConfig.defaults()));
      progress.phase("warm-up (not measured): replay", events);
      try (KafkaStreams replayed =
          start(
              LatticeTopology.build(TopologySettings.of(replaying, secret).withTopics(topics)),
              replayApplicationId())) {
        drain(admin, replayed, replayApplicationId(), enforceEnds, events, null);
        close(replayed);
      }
    }
  }

  /** The topics the pass-through baseline reads. */
  private List<String> baselineInputs() {
    return List.of(topics.memberData(), topics.content(), topics.purchases(), topics.offers());
  }

  /** The topics the enforcing topology (and the replay) reads: member-keyed inputs and offers. */
  private List<String> enforceInputs() {
    List<String> inputs = new ArrayList<>(topics.memberKeyedInputs());
    inputs.add(topics.offers());
    return inputs;
  }

  /**
   * The stream threads' transaction commit time (Kafka Streams' {@code commit-latency-avg} and
   * {@code -max}, over its recent metric sample windows: read right after a latency phase, mostly
   * that phase's commits).
   */
  private static BenchResult.CommitLatency commitLatency(KafkaStreams streams) {
    double sum = 0;
    int threads = 0;
    double max = Double.NaN;
    for (var e : streams.metrics().entrySet()) {
      if (!"stream-thread-metrics".equals(e.getKey().group())
          || !(e.getValue().metricValue() instanceof Double value)
          || value.isNaN()) {
        continue;
      }
      switch (e.getKey().name()) {
        case "commit-latency-avg" -> {
          sum += value;
          threads++;
        }
        case "commit-latency-max" -> max = Double.isNaN(max) ? value : Math.max(max, value);
        default -> {}
      }
    }
    return new BenchResult.CommitLatency(threads == 0 ? Double.NaN : sum / threads, max);
  }

  /** A pseudonym secret for one enforcing run and its replay (the replay must use the same). */
  private static byte[] freshSecret() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return secret;
  }

  // ---------------------------------------------------------------- set-up

  private KafkaProducer<byte[], byte[]> producer() {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "lattice-bench-" + runId);
    return new KafkaProducer<>(props);
  }

  private void createTopics(Admin admin) {
    int brokers;
    try {
      brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
    } catch (InterruptedException | ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new BenchFailedException("Kafka at " + bootstrapServers + " does not answer: " + e, e);
    }
    short replication = (short) Math.min(3, brokers);
    int partitions = dev.lattice.schemas.TopicCatalogue.MEMBER_PARTITIONS;
    List<NewTopic> wanted = new ArrayList<>();
    // The member-keyed inputs carry the broker's append time, as the catalogue provisions them:
    // the topology orders a member's consent commands and events by it.
    for (String t : topics.memberKeyedInputs()) {
      wanted.add(
          new NewTopic(t, partitions, replication)
              .configs(Map.of("message.timestamp.type", "LogAppendTime")));
    }
    wanted.add(
        new NewTopic(topics.offers(), partitions, replication)
            .configs(Map.of("message.timestamp.type", "LogAppendTime")));
    for (String t :
        List.of(
            topics.consentLedger(),
            topics.consentRejections(),
            topics.audit(),
            topics.quarantine())) {
      wanted.add(new NewTopic(t, partitions, replication));
    }
    wanted.add(
        new NewTopic(topics.networks(), 1, replication)
            .configs(Map.of("cleanup.policy", "compact")));
    wanted.add(new NewTopic(topics.policyBundles(), 1, replication));
    for (DemoWorld.Network n : world.networks()) {
      wanted.add(new NewTopic(topics.networkOut(n.id()), partitions, replication));
    }
    for (DemoWorld.Brand b : world.brands()) {
      wanted.add(new NewTopic(topics.brandOut(b.id()), partitions, replication));
    }
    var result = admin.createTopics(wanted);
    createdTopics = wanted.stream().map(NewTopic::name).toList();
    for (var entry : result.values().entrySet()) {
      try {
        entry.getValue().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new BenchFailedException(
              "cannot create topic " + entry.getKey() + ": " + e.getCause().getMessage(), e);
        }
      } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
        throw new BenchFailedException("cannot create topic " + entry.getKey() + ": " + e, e);
      }
    }
  }

  /**
   * Waits until every partition of the topics just created has a leader and the producer knows it:
   * a record sent to a partition that is still being created can wait for its whole delivery
   * timeout.
   */
  private void awaitTopicsReady(Admin admin, KafkaProducer<byte[], byte[]> producer) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        var described =
            admin.describeTopics(createdTopics).allTopicNames().get(30, TimeUnit.SECONDS);
        boolean ready =
            described.values().stream()
                .allMatch(
                    d ->
                        d.partitions().stream()
                            .allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
        if (ready) {
          // A leader in the metadata is not yet a leader that hosts the partition: ask each leader
          // for its end.
          Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
          described.forEach(
              (name, d) ->
                  d.partitions()
                      .forEach(
                          p ->
                              latest.put(
                                  new TopicPartition(name, p.partition()), OffsetSpec.latest())));
          admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
          break;
        }
      } catch (ExecutionException e) {
        // not all topics visible or hosted yet: ask again
      } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
        throw new BenchFailedException("topics not ready: " + e, e);
      }
      if (System.nanoTime() > deadline) {
        throw new BenchFailedException(
            "the bench topics have no leader after 60 s; is the cluster healthy?");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
    for (String topic : createdTopics) {
      producer.partitionsFor(topic);
    }
  }

  private long publishWorldAndBacklog(KafkaProducer<byte[], byte[]> producer) {
    return publishWorldAndBacklog(producer, "publishing the backlog");
  }

  private long publishWorldAndBacklog(KafkaProducer<byte[], byte[]> producer, String phase) {
    Instant now = Instant.now();
    for (DemoWorld.Network n : world.networks()) {
      send(producer, topics.networks(), n.id(), DemoWorld.document(n, now), null);
    }
    for (var command : world.initialGrants(now)) {
      send(producer, topics.consentCommands(), command.getMemberId(), command, null);
    }
    progress.phase(phase, settings.events());
    long events = 0;
    while (events < settings.events()) {
      Traffic.Item item = traffic.next();
      send(producer, topicOf(item.kind()), item.key(), item.value(), item.eventId());
      if (item.kind().isIngest()) {
        events++;
        if (events % 1000 == 0) {
          progress.update(events);
        }
      }
    }
    producer.flush();
    return events;
  }

  private String topicOf(Traffic.Kind kind) {
    return switch (kind) {
      case MEMBER_DATA -> topics.memberData();
      case CONTENT -> topics.content();
      case PURCHASE -> topics.purchases();
      case OFFER -> topics.offers();
      case CONSENT -> topics.consentCommands();
    };
  }

  /** Every record of the run must have been written: the counts would be wrong otherwise. */
  private void checkSent() {
    if (sendFailures.get() > 0) {
      throw new BenchFailedException(
          sendFailures.get()
              + " bench record(s) could not be written to Kafka; last error: "
              + lastSendFailure.get(),
          lastSendFailure.get());
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void send(
      KafkaProducer<byte[], byte[]> producer,
      String topic,
      String key,
      SpecificRecord value,
      String eventId) {
    byte[] bytes = LatticeSerdes.codec((Class) value.getClass()).encode(value);
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), bytes);
    if (eventId != null) {
      record.headers().add(EVENT_HEADER, eventId.getBytes(StandardCharsets.UTF_8));
    }
    producer.send(
        record,
        (metadata, error) -> {
          if (error != null) {
            sendFailures.incrementAndGet();
            lastSendFailure.set(error);
          }
        });
  }

  // ---------------------------------------------------------------- topologies

  private KafkaStreams start(Topology topology, String applicationId) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.threads());
    props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, settings.maxTaskIdleMs());
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(applicationId).toString());
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    KafkaStreams streams = new KafkaStreams(topology, props);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    streams.setUncaughtExceptionHandler(
        e -> {
          failure.set(e);
          LOGGER.error(
              "bench topology failed applicationId={} reason={}", applicationId, e.toString());
          return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler
              .StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.start();
    long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
    while (streams.state() != KafkaStreams.State.RUNNING) {
      if (streams.state() == KafkaStreams.State.ERROR
          || streams.state() == KafkaStreams.State.NOT_RUNNING
          || streams.state() == KafkaStreams.State.PENDING_ERROR
          || System.nanoTime() > deadline) {
        streams.close(Duration.ofSeconds(10));
        throw new BenchFailedException(
            "topology "
                + applicationId
                + " did not start (state "
                + streams.state()
                + (failure.get() == null ? "" : ", " + failure.get())
                + ")",
            failure.get());
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    return streams;
  }

  private static void close(KafkaStreams streams) {
    streams.close(
        CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(Duration.ofSeconds(30)));
  }

  /** Records on the audit topic so far (with transaction markers, as every count here). */
  private long auditEnd(Admin admin) {
    return endOffsets(admin, List.of(topics.audit())).values().stream()
        .mapToLong(Long::longValue)
        .sum();
  }

  /**
   * Waits until the topology has committed everything published so far; returns events per second
   * in the steady state: the clock starts once {@link #WARMUP_FRACTION} of the backlog is
   * committed, and only the events after it count.
   */
  private double drain(
      Admin admin,
      KafkaStreams streams,
      String applicationId,
      Map<TopicPartition, Long> ends,
      long events,
      Runnable atWarm) {
    long t0 = System.nanoTime();
    ProcessCost cost0 = ProcessCost.now();
    long[] warm = {0};
    ProcessCost[] costAtWarm = {cost0};
    long total = ends.values().stream().mapToLong(Long::longValue).sum();
    awaitCaughtUp(
        admin,
        applicationId,
        ends,
        streams,
        committed -> {
          if (warm[0] == 0 && committed >= total * WARMUP_FRACTION) {
            warm[0] = System.nanoTime();
            costAtWarm[0] = ProcessCost.now();
            if (atWarm != null) {
              atWarm.run();
            }
          }
        });
    long end = System.nanoTime();
    ProcessCost costAtEnd = ProcessCost.now();
    if (warm[0] == 0 || end - warm[0] < (end - t0) / 4) {
      // Too short to see the warm-up pass (a small backlog drained between two polls).
      lastDrainSteady = false;
      lastDrainSpent = cost0.until(costAtEnd, events, applicationId);
      return events / Math.max(1e-3, (end - t0) / 1e9);
    }
    lastDrainSteady = true;
    lastDrainSpent = costAtWarm[0].until(costAtEnd, events * (1 - WARMUP_FRACTION), applicationId);
    return events * (1 - WARMUP_FRACTION) / ((end - warm[0]) / 1e9);
  }

  /** Whether the last drain's figure is the steady state (false: the whole drain counted). */
  private boolean lastDrainSteady;

  /** The process CPU and JIT time of the last drain, over the same events as its throughput. */
  private ProcessCost.Spent lastDrainSpent = ProcessCost.Spent.NONE;

  private void awaitCaughtUp(
      Admin admin, String applicationId, Map<TopicPartition, Long> ends, KafkaStreams streams) {
    awaitCaughtUp(admin, applicationId, ends, streams, committed -> {});
  }

  private void awaitCaughtUp(
      Admin admin,
      String applicationId,
      Map<TopicPartition, Long> ends,
      KafkaStreams streams,
      java.util.function.LongConsumer committedSoFar) {
    long total = ends.values().stream().mapToLong(Long::longValue).sum();
    long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
    while (true) {
      if (streams.state() != KafkaStreams.State.RUNNING
          && streams.state() != KafkaStreams.State.REBALANCING) {
        throw new BenchFailedException(
            "topology "
                + applicationId
                + " stopped while processing (state "
                + streams.state()
                + "); see the log above");
      }
      Progress p = progress(admin, applicationId, ends);
      committedSoFar.accept(p.committed);
      progress.update(total == 0 ? 0 : Math.round((double) p.committed / total * progress.total()));
      if (p.caughtUp) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new BenchFailedException(
            "topology "
                + applicationId
                + " did not process the backlog within "
                + PHASE_TIMEOUT.toMinutes()
                + " minutes");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  private record Progress(long committed, boolean caughtUp) {}

  /**
   * Committed input offsets against {@code ends}; and the offer copies the enforcing topology
   * broadcast through its repartition topic. Every write to that topic is transactional, so once
   * the inputs are committed its last offset is a commit marker, which a consumer passes without
   * committing: committed {@code >= end - 1} means done.
   */
  private Progress progress(Admin admin, String applicationId, Map<TopicPartition, Long> ends) {
    try {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(applicationId)
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      long done = 0;
      boolean inputsDone = true;
      for (var e : ends.entrySet()) {
        OffsetAndMetadata c = committed.get(e.getKey());
        long offset = c == null ? 0 : c.offset();
        done += Math.min(offset, e.getValue());
        inputsDone &= offset >= e.getValue();
      }
      if (!inputsDone) {
        return new Progress(done, false);
      }
      Set<TopicPartition> broadcast = new HashSet<>();
      for (String t : admin.listTopics().names().get(30, TimeUnit.SECONDS)) {
        if (t.startsWith(applicationId + "-")
            && t.contains("offer-broadcast")
            && t.endsWith("-repartition")) {
          int partitions =
              admin
                  .describeTopics(List.of(t))
                  .allTopicNames()
                  .get(30, TimeUnit.SECONDS)
                  .get(t)
                  .partitions()
                  .size();
          for (int i = 0; i < partitions; i++) {
            broadcast.add(new TopicPartition(t, i));
          }
        }
      }
      if (broadcast.isEmpty()) {
        return new Progress(done, true);
      }
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      broadcast.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
      var endOffsets = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
      for (TopicPartition tp : broadcast) {
        long end = endOffsets.get(tp).offset();
        OffsetAndMetadata c = committed.get(tp);
        if (end > 0 && (c == null || c.offset() < end - 1)) {
          return new Progress(done, false);
        }
      }
      return new Progress(done, true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchFailedException("interrupted", e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new BenchFailedException("cannot read the progress of " + applicationId + ": " + e, e);
    }
  }

  private static Map<TopicPartition, Long> endOffsets(Admin admin, List<String> topicNames) {
    try {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      var described = admin.describeTopics(topicNames).allTopicNames().get(30, TimeUnit.SECONDS);
      described.forEach(
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
      return ends;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchFailedException("interrupted", e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new BenchFailedException("cannot read end offsets of " + topicNames + ": " + e, e);
    }
  }

  private List<String> networkOutputs() {
    return world.networks().stream().map(n -> topics.networkOut(n.id())).toList();
  }

  // ---------------------------------------------------------------- latency

  /**
   * Which generated records are expected to produce an output whose first sighting is their
   * latency.
   */
  private enum Expectation {
    /**
     * Enforcing: member data, content and offers have candidate destinations, so each yields an
     * audit record.
     */
    ENFORCED,
    /** Baseline: every ingest event is passed through. */
    INGEST;

    boolean expectsOutput(Traffic.Kind kind) {
      return switch (this) {
        case ENFORCED ->
            kind == Traffic.Kind.MEMBER_DATA
                || kind == Traffic.Kind.CONTENT
                || kind == Traffic.Kind.OFFER;
        case INGEST -> kind.isIngest();
      };
    }
  }

  private static final dev.lattice.schemas.AvroCodec<DecisionRecord> DECISIONS =
      LatticeSerdes.codec(DecisionRecord.class);

  private static String auditedEvent(ConsumerRecord<byte[], byte[]> record) {
    try {
      return DECISIONS.decode(record.value()).getEventId();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String headerEvent(ConsumerRecord<byte[], byte[]> record) {
    Header h = record.headers().lastHeader(EVENT_HEADER);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** An event of the latency phase whose output has not been seen yet. */
  private record PendingEvent(String kind, long sentNanos) {}

  private void measureLatency(
      Admin admin,
      KafkaProducer<byte[], byte[]> producer,
      KafkaStreams streams,
      String applicationId,
      List<String> inputs,
      double rate,
      List<String> outputTopics,
      Function<ConsumerRecord<byte[], byte[]>, String> eventOf,
      Expectation expected,
      Latencies latencies) {
    Map<String, PendingEvent> pending = new ConcurrentHashMap<>();
    AtomicBoolean stop = new AtomicBoolean();
    try (KafkaConsumer<byte[], byte[]> consumer = outputConsumer(outputTopics)) {
      Thread reader =
          Thread.ofPlatform()
              .name("bench-latency-reader")
              .start(
                  () -> {
                    while (!stop.get()) {
                      for (ConsumerRecord<byte[], byte[]> r :
                          consumer.poll(Duration.ofMillis(50))) {
                        long seen = System.nanoTime();
                        String id = eventOf.apply(r);
                        PendingEvent sent = id == null ? null : pending.remove(id);
                        if (sent != null) {
                          latencies.record(sent.kind(), seen - sent.sentNanos());
                        }
                      }
                    }
                  });
      long count = Math.max(1, Math.round(rate * settings.latencyDuration().toMillis() / 1000.0));
      long intervalNanos = (long) (1e9 / rate);
      long start = System.nanoTime();
      long sent = 0;
      while (sent < count) {
        long due = start + sent * intervalNanos;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        Traffic.Item item = traffic.next();
        if (item.kind().isIngest() && expected.expectsOutput(item.kind())) {
          pending.put(
              item.eventId(),
              new PendingEvent(
                  item.kind().name().toLowerCase(java.util.Locale.ROOT), System.nanoTime()));
        }
        send(producer, topicOf(item.kind()), item.key(), item.value(), item.eventId());
        if (item.kind().isIngest()) {
          sent++;
          if (sent % 50 == 0) {
            progress.update(sent);
          }
        }
      }
      producer.flush();
      checkSent();
      awaitCaughtUp(admin, applicationId, endOffsets(admin, inputs), streams);
      // Outputs are committed with the inputs; give the reader one more poll cycle to see the last
      // of them.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!pending.isEmpty() && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
      if (!pending.isEmpty()) {
        LOGGER.info(
            "events without output in the latency phase applicationId={} count={}",
            applicationId,
            pending.size());
      }
      stop.set(true);
      try {
        reader.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private KafkaConsumer<byte[], byte[]> outputConsumer(List<String> outputTopics) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
    List<TopicPartition> partitions = new ArrayList<>();
    for (String t : outputTopics) {
      consumer.partitionsFor(t).forEach(p -> partitions.add(new TopicPartition(t, p.partition())));
    }
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // resolve the end now, before any latency event is sent
    return consumer;
  }
}
