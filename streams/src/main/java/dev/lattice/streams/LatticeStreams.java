package dev.lattice.streams;

import dev.lattice.schemas.LatticeSerdes;
import dev.lattice.schemas.avro.ConsentState;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.streams.internal.StoreNames;
import dev.lattice.streams.internal.enforce.DecisionLog;
import dev.lattice.streams.internal.enforce.MemberActivityCodec;
import dev.lattice.streams.internal.insights.InsightBudgets;
import dev.lattice.streams.internal.insights.InsightsProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the Lattice topology: {@link #start()}, {@link #close(Duration)} (leaving the consumer group
 * so that another instance takes over at once), {@link #state()}, and read access to the local
 * stores for the gateway (decisions by event or member, consent state, member activity).
 *
 * <p>Queries see the partitions this instance hosts (all of them when it runs alone); they return
 * empty results while the instance is not {@code RUNNING}. Thread-safe.
 */
public final class LatticeStreams implements AutoCloseable {
  private static final Logger LOGGER = LoggerFactory.getLogger(LatticeStreams.class);
  private final KafkaStreams streams;
  private final InsightSettings insights;

  private LatticeStreams(KafkaStreams streams, InsightSettings insights) {
    this.streams = streams;
    this.insights = insights;
  }

  /**
   * Creates (does not start) the topology's Kafka Streams instance.
   *
   * @param config Kafka Streams settings; {@code bootstrap.servers} and {@code application.id} are
   *     required; {@code processing.guarantee} is always {@code exactly_once_v2}
   */
  public static LatticeStreams create(TopologySettings settings, Properties config) {
    Properties props = new Properties();
    props.putAll(config);
    for (String required :
        List.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, StreamsConfig.APPLICATION_ID_CONFIG)) {
      if (props.getProperty(required) == null) {
        throw new IllegalArgumentException("Kafka Streams setting " + required + " is required");
      }
    }
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.putIfAbsent(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
    props.putIfAbsent(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
    KafkaStreams streams = new KafkaStreams(LatticeTopology.build(settings), props);
    streams.setUncaughtExceptionHandler(
        e -> {
          LOGGER.error("stream thread failed; replacing it", e);
          return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler
              .StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    return new LatticeStreams(streams, settings.insights());
  }

  public void start() {
    streams.start();
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  public boolean isRunning() {
    return streams.state() == KafkaStreams.State.RUNNING;
  }

  /** Stops processing, commits, and leaves the group so that partitions move at once. */
  public boolean close(Duration timeout) {
    return streams.close(
        CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(timeout));
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }

  /** The member's consent state, if this instance hosts the member and has one. */
  public Optional<ConsentState> consent(String memberId) {
    return store(StoreNames.CONSENT)
        .map(s -> s.get(memberId))
        .map(b -> LatticeSerdes.codec(ConsentState.class).decode(b));
  }

  /** What the topology has seen of the member. */
  public Optional<MemberActivity> activity(String memberId) {
    return store(StoreNames.ACTIVITY).map(s -> s.get(memberId)).map(MemberActivityCodec::fromBytes);
  }

  /** The decisions made for one event (one per candidate destination), oldest first. */
  public List<DecisionRecord> decisionsForEvent(String eventId) {
    Objects.requireNonNull(eventId);
    return store(StoreNames.DECISIONS_BY_EVENT)
        .map(s -> DecisionLog.forEvent(s, eventId))
        .orElseGet(List::of);
  }

  /** The most recent decisions about a member (within the retention), newest first. */
  public List<DecisionRecord> decisionsForMember(String memberId, int limit) {
    Objects.requireNonNull(memberId);
    List<DecisionRecord> all =
        new ArrayList<>(
            store(StoreNames.DECISIONS_BY_MEMBER)
                .map(s -> DecisionLog.forMember(s, memberId))
                .orElseGet(List::of));
    all.sort(Comparator.comparing(DecisionRecord::getDecidedAt).reversed());
    return all.size() > limit ? List.copyOf(all.subList(0, limit)) : all;
  }

  /** The insight parameters this topology runs with (privacy unit, ε, L, δ, τ, budgets). */
  public InsightSettings insightSettings() {
    return insights;
  }

  /**
   * A brand's insight privacy budgets, one per network in which a cell of the brand was evaluated:
   * spent today (UTC) and for good, and the limits. Empty while not running or when another
   * instance hosts the brand's insights.
   */
  public List<InsightBudget> insightBudgets(String brandId, java.time.Instant now) {
    if (!isRunning()) {
      return List.of();
    }
    try {
      ReadOnlyKeyValueStore<String, Long> budgets =
          streams.store(
              StoreQueryParameters.fromNameAndType(
                  StoreNames.PRIVACY_BUDGET, QueryableStoreTypes.<String, Long>keyValueStore()));
      return InsightBudgets.of(
          budgets,
          Objects.requireNonNull(brandId),
          now.toEpochMilli(),
          InsightsProcessor.budgetOf(insights));
    } catch (org.apache.kafka.streams.errors.InvalidStateStoreException e) {
      return List.of();
    }
  }

  private Optional<ReadOnlyKeyValueStore<String, byte[]>> store(String name) {
    if (!isRunning()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          streams.store(
              StoreQueryParameters.fromNameAndType(
                  name, QueryableStoreTypes.<String, byte[]>keyValueStore())));
    } catch (org.apache.kafka.streams.errors.InvalidStateStoreException e) {
      return Optional.empty();
    }
  }

  /** The underlying Kafka Streams instance (for metrics and health). */
  public KafkaStreams kafkaStreams() {
    return streams;
  }
}
