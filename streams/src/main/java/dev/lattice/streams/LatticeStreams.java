package dev.lattice.streams;

import dev.lattice.schemas.LatticeSerdes;
import dev.lattice.schemas.avro.ConsentState;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.streams.internal.ClusterTopicDirectory;
import dev.lattice.streams.internal.StoreNames;
import dev.lattice.streams.internal.enforce.DecisionLog;
import dev.lattice.streams.internal.enforce.MemberActivityCodec;
import dev.lattice.streams.internal.enforce.MemberRefs;
import dev.lattice.streams.internal.insights.InsightBudgets;
import dev.lattice.streams.internal.insights.InsightsProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the Lattice topology: {@link #start()}, {@link #close(Duration)} (leaving the consumer group
 * so that another instance takes over at once), {@link #state()}, and read access to the local
 * stores for the gateway (decisions by event or member, consent state, member activity).
 *
 * <p>Queries see the partitions this instance hosts (all of them when it runs alone). They never
 * answer "nothing" for state they cannot see: while the instance is not {@code RUNNING}, or when a
 * member's partition is hosted by another instance, they throw {@link StateNotQueryableException}.
 * With several instances ({@code application.server} set on each), {@link #hostOf(String)} says
 * which instance hosts a member and {@link #instances()} lists the instances that together hold
 * every partition (for queries by event id, which are spread over all of them). Thread-safe.
 */
public final class LatticeStreams implements AutoCloseable {
  private static final Logger LOGGER = LoggerFactory.getLogger(LatticeStreams.class);
  private final KafkaStreams streams;
  private final HostInfo self;
  private final String memberTopic;
  private final AutoCloseable topicDirectory;
  private final InsightSettings insights;
  // The standby read open on this thread, if any (see readFromStandby).
  private final ThreadLocal<StandbyRead> standbyRead = new ThreadLocal<>();

  private LatticeStreams(
      KafkaStreams streams,
      HostInfo self,
      String memberTopic,
      AutoCloseable topicDirectory,
      InsightSettings insights) {
    this.streams = streams;
    this.self = self;
    this.memberTopic = memberTopic;
    this.topicDirectory = topicDirectory;
    this.insights = insights;
  }

  /** Where a member's queryable state (decisions about them, activity) lives. */
  public sealed interface MemberHost {
    /** This instance hosts it ({@code partition} -1 when this instance runs alone). */
    record Here(int partition) implements MemberHost {}

    /** Another instance, at its {@code application.server} address. */
    record Elsewhere(String host, int port, int partition) implements MemberHost {}
  }

  /** An instance of the application that hosts state, at its {@code application.server} address. */
  public record Instance(String host, int port, boolean local) {}

  /**
   * Every instance that holds a copy of a member's partition: the active host, if the group has one
   * right now, and the instances that keep a standby copy ({@code num.standby.replicas}).
   */
  public record MemberHosts(int partition, Optional<Instance> active, List<Instance> standbys) {
    public MemberHosts {
      standbys = List.copyOf(standbys);
    }
  }

  /**
   * The stores a member query reads (decisions about the member, their activity, their audit
   * reference); a standby read reports the largest lag among them.
   */
  private static final List<String> MEMBER_QUERY_STORES =
      List.of(StoreNames.DECISIONS, StoreNames.ACTIVITY, StoreNames.MEMBER_REFS);

  /**
   * A read of one member's state from this instance's own copy of the member's partition, whatever
   * its role: a standby copy, or an active one still restoring. Opened by {@link #readFromStandby};
   * while it is open on a thread, that thread's queries about the member ({@link #activity}, {@link
   * #decisionsForMember}, {@link #consent}) read that copy. The copy may lag behind the active one
   * by {@link #lag()} changelog records (measured when it was opened), so: what it holds is
   * answered (it was true at most {@code lag} records ago), but an absence is answered only when
   * the copy is fully caught up ({@code lag} 0); otherwise the query throws {@link
   * StateNotQueryableException}, never a wrong "not found". Close it on the same thread.
   */
  public final class StandbyRead implements AutoCloseable {
    private final String memberId;
    private final int partition;
    private final long lag;

    private StandbyRead(String memberId, int partition, long lag) {
      this.memberId = memberId;
      this.partition = partition;
      this.lag = lag;
    }

    /** The member's partition. */
    public int partition() {
      return partition;
    }

    /**
     * Changelog records of the member's stores this copy had not applied yet when it was opened
     * (the largest among the stores a member query reads).
     */
    public long lag() {
      return lag;
    }

    /** Throws when an absence read from this copy could be wrong. */
    private void requireCaughtUpForAbsence(String what) {
      if (lag > 0) {
        throw new StateNotQueryableException(
            "Only a standby copy of the member's state is reachable and it is "
                + lag
                + " records behind: it has no "
                + what
                + ", which may have been recorded since");
      }
    }

    @Override
    public void close() {
      if (standbyRead.get() == this) {
        standbyRead.remove();
      }
    }
  }

  /**
   * How long a task holding records of some input partitions waits for another of its partitions
   * that has just run empty before it goes on without it ({@code max.task.idle.ms}); see
   * docs/decision-contract.md, "Order of consent and events", for what it covers and costs. Kafka
   * Streams waits this long once after each time a partition runs empty, so every record on a
   * sparse input (a consent command, a purchase) holds its task's next records back by up to this
   * much: 100 ms added ~90 ms to the median end-to-end latency in the bench, 20 ms adds none
   * measurable, and 20 ms is still far beyond the skew between two brokers' fetch responses the
   * wait is there for.
   */
  public static final long DEFAULT_MAX_TASK_IDLE_MS = 20;

  /**
   * Creates (does not start) the topology's Kafka Streams instance.
   *
   * @param config Kafka Streams settings; {@code bootstrap.servers} and {@code application.id} are
   *     required; {@code processing.guarantee} is always {@code exactly_once_v2}; {@code
   *     max.task.idle.ms} defaults to {@link #DEFAULT_MAX_TASK_IDLE_MS} and must not be {@code -1}
   *     (that would process a task's partitions in whatever order they were fetched)
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
    props.putIfAbsent(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, DEFAULT_MAX_TASK_IDLE_MS);
    long idle;
    try {
      idle = Long.parseLong(String.valueOf(props.get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)));
    } catch (NumberFormatException e) {
      idle = -2;
    }
    if (idle < 0) {
      throw new IllegalArgumentException(
          "Kafka Streams setting "
              + StreamsConfig.MAX_TASK_IDLE_MS_CONFIG
              + " must be 0 or more milliseconds (the order of consent and events needs the task"
              + " to wait for partitions with unread records), was "
              + props.get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG));
    }
    props.putIfAbsent(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
    props.putIfAbsent(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
    ClusterTopicDirectory directory = null;
    if (settings.topicDirectory() == null) {
      // Unknown destinations are denied, not written to missing topics (which stalls the task).
      Map<String, Object> admin = new HashMap<>();
      props.forEach((k, v) -> admin.put(k.toString(), v));
      admin.keySet().retainAll(AdminClientConfig.configNames());
      directory = new ClusterTopicDirectory(admin);
      settings = settings.withTopicDirectory(directory);
    }
    KafkaStreams streams = new KafkaStreams(LatticeTopology.build(settings), props);
    streams.setUncaughtExceptionHandler(
        e -> {
          LOGGER.error("stream thread failed; replacing it", e);
          return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler
              .StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    String server = props.getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG);
    HostInfo self = server == null || server.isBlank() ? null : HostInfo.buildFromEndpoint(server);
    return new LatticeStreams(
        streams, self, settings.topics().consentCommands(), directory, settings.insights());
  }

  /**
   * Which instance hosts the member's state. Alone (no {@code application.server}), always this
   * one.
   *
   * @throws StateNotQueryableException while the topology is not running or the member's partition
   *     has no active host (rebalancing)
   */
  public MemberHost hostOf(String memberId) {
    return hostOf(StoreNames.DECISIONS, memberId, "member's");
  }

  /**
   * Which instance hosts the brand's insight state (its privacy budgets: one partition holds all of
   * a brand's). Alone (no {@code application.server}), always this one.
   *
   * @throws StateNotQueryableException while the topology is not running or the brand's partition
   *     has no active host (rebalancing)
   */
  public MemberHost insightsHostOf(String brandId) {
    return hostOf(StoreNames.PRIVACY_BUDGET, brandId, "brand's insight");
  }

  private MemberHost hostOf(String store, String key, String what) {
    requireRunning();
    if (self == null) {
      return new MemberHost.Here(-1);
    }
    KeyQueryMetadata metadata =
        streams.queryMetadataForKey(
            store, Objects.requireNonNull(key), Serdes.String().serializer());
    if (metadata == null
        || metadata.activeHost() == null
        || metadata.activeHost().port() < 0
        || metadata.partition() < 0) {
      throw new StateNotQueryableException(
          "No instance hosts the " + what + " partition right now (rebalancing)");
    }
    HostInfo host = metadata.activeHost();
    return host.equals(self)
        ? new MemberHost.Here(metadata.partition())
        : new MemberHost.Elsewhere(host.host(), host.port(), metadata.partition());
  }

  /**
   * Every instance holding a copy of the member's partition, as this instance's view of the group
   * has it; unlike {@link #hostOf} it answers while the group rebalances (the active host may then
   * be absent).
   *
   * @throws StateNotQueryableException while the topology is neither running nor rebalancing, or
   *     runs alone, or the group's metadata is not known yet
   */
  public MemberHosts hostsOf(String memberId) {
    KafkaStreams.State state = streams.state();
    if (self == null
        || state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
      throw new StateNotQueryableException(
          "The topology is " + state + "; no copy of the member's state can be located now");
    }
    KeyQueryMetadata metadata =
        streams.queryMetadataForKey(
            StoreNames.DECISIONS, Objects.requireNonNull(memberId), Serdes.String().serializer());
    if (metadata == null || metadata.partition() < 0) {
      throw new StateNotQueryableException("The group's metadata is not known yet (rebalancing)");
    }
    HostInfo active = metadata.activeHost();
    Optional<Instance> activeInstance =
        active == null || active.port() < 0
            ? Optional.empty()
            : Optional.of(new Instance(active.host(), active.port(), active.equals(self)));
    List<Instance> standbys =
        metadata.standbyHosts().stream()
            .filter(h -> h.port() >= 0)
            .map(h -> new Instance(h.host(), h.port(), h.equals(self)))
            .sorted(Comparator.comparing(Instance::host).thenComparing(Instance::port))
            .toList();
    return new MemberHosts(metadata.partition(), activeInstance, standbys);
  }

  /**
   * True when this instance hosts the active copy of the member's partition and can read it now
   * (false while it is restoring, for example just after it moved here).
   */
  public boolean queryableHere(String memberId) {
    try {
      if (!(hostOf(memberId) instanceof MemberHost.Here here)) {
        return false;
      }
      for (String name : MEMBER_QUERY_STORES) {
        queried(() -> memberStore(name, memberId).get(memberId));
      }
      return true;
    } catch (StateNotQueryableException e) {
      return false;
    }
  }

  /**
   * Opens a read of the member's state from this instance's own copy of the member's partition (a
   * standby copy, or an active one that is still restoring), for when the active copy cannot be
   * asked: its host is down, or the group is rebalancing. See {@link StandbyRead} for what such a
   * read answers.
   *
   * @param maxLag the most changelog records the copy may lag behind for the read to be opened
   * @throws StateNotQueryableException when this instance holds no copy of the member's partition,
   *     its lag cannot be measured now, or it lags more than {@code maxLag} records
   */
  public StandbyRead readFromStandby(String memberId, long maxLag) {
    int partition = hostsOf(memberId).partition();
    for (String name : MEMBER_QUERY_STORES) {
      // A read proves the copy is here: the store wrapper checks the partition lazily.
      queried(() -> staleStore(name, partition).get(memberId));
    }
    Map<String, Map<Integer, org.apache.kafka.streams.LagInfo>> lags;
    try {
      lags = streams.allLocalStorePartitionLags();
    } catch (RuntimeException e) {
      throw new StateNotQueryableException(
          "The lag of this instance's copy of the member's state cannot be measured now", e);
    }
    long lag = 0;
    for (String name : MEMBER_QUERY_STORES) {
      org.apache.kafka.streams.LagInfo info = lags.getOrDefault(name, Map.of()).get(partition);
      if (info == null) {
        throw new StateNotQueryableException(
            "This instance holds no copy of the member's partition of " + name);
      }
      lag = Math.max(lag, info.offsetLag());
    }
    if (lag > maxLag) {
      throw new StateNotQueryableException(
          "This instance's copy of the member's state is "
              + lag
              + " records behind (at most "
              + maxLag
              + " allowed)");
    }
    StandbyRead read = new StandbyRead(memberId, partition, lag);
    standbyRead.set(read);
    return read;
  }

  /** Where one partition of the member state lives: its active copy (if any now) and standbys. */
  public record PartitionHosts(int partition, Optional<Instance> active, List<Instance> standbys) {
    public PartitionHosts {
      standbys = List.copyOf(standbys);
    }
  }

  /**
   * Every partition of the member state with the instances hosting it, by partition; empty when
   * this instance runs alone (no {@code application.server}: it hosts everything). Unlike {@link
   * #instances} it answers while a partition has no active host (rebalancing) or its active host
   * has stopped without leaving the group, so that a query can fall back to a standby copy.
   *
   * @throws StateNotQueryableException while the topology is neither running nor rebalancing, or
   *     the group's metadata is not known yet
   */
  public List<PartitionHosts> partitionHosts() {
    KafkaStreams.State state = streams.state();
    if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
      throw new StateNotQueryableException(
          "The topology is " + state + "; the member state cannot be located now");
    }
    if (self == null) {
      return List.of();
    }
    Map<Integer, Instance> active = new java.util.TreeMap<>();
    Map<Integer, List<Instance>> standbys = new java.util.TreeMap<>();
    for (StreamsMetadata client : streams.metadataForAllStreamsClients()) {
      HostInfo host = client.hostInfo();
      if (host == null || host.port() < 0) {
        continue;
      }
      Instance instance = new Instance(host.host(), host.port(), host.equals(self));
      for (TopicPartition tp : client.topicPartitions()) {
        if (tp.topic().equals(memberTopic)) {
          active.put(tp.partition(), instance);
          standbys.computeIfAbsent(tp.partition(), p -> new ArrayList<>());
        }
      }
      for (TopicPartition tp : client.standbyTopicPartitions()) {
        if (tp.topic().equals(memberTopic)) {
          standbys.computeIfAbsent(tp.partition(), p -> new ArrayList<>()).add(instance);
        }
      }
    }
    if (standbys.isEmpty()) {
      throw new StateNotQueryableException("The group's metadata is not known yet (rebalancing)");
    }
    List<PartitionHosts> out = new ArrayList<>();
    standbys.forEach(
        (partition, copies) ->
            out.add(
                new PartitionHosts(
                    partition,
                    Optional.ofNullable(active.get(partition)),
                    copies.stream()
                        .sorted(Comparator.comparing(Instance::host).thenComparing(Instance::port))
                        .toList())));
    return List.copyOf(out);
  }

  /**
   * How many changelog records this instance's copies of the given partitions of the member state
   * lag behind at most (standby copies, or active ones still restoring).
   *
   * @throws StateNotQueryableException when this instance holds no copy of one of them, the lag
   *     cannot be measured now, or a copy lags more than {@code maxLag} records
   */
  public long standbyLag(java.util.Set<Integer> partitions, long maxLag) {
    Map<String, Map<Integer, org.apache.kafka.streams.LagInfo>> lags;
    try {
      lags = streams.allLocalStorePartitionLags();
    } catch (RuntimeException e) {
      throw new StateNotQueryableException(
          "The lag of this instance's copies of the member state cannot be measured now", e);
    }
    long lag = 0;
    for (int partition : partitions) {
      org.apache.kafka.streams.LagInfo info =
          lags.getOrDefault(StoreNames.DECISIONS, Map.of()).get(partition);
      if (info == null) {
        throw new StateNotQueryableException(
            "This instance holds no copy of partition " + partition + " of the member state");
      }
      lag = Math.max(lag, info.offsetLag());
    }
    if (lag > maxLag) {
      throw new StateNotQueryableException(
          "This instance's copy of the member state is "
              + lag
              + " records behind (at most "
              + maxLag
              + " allowed)");
    }
    return lag;
  }

  /**
   * The instances that together host every partition of the member state, this one included (it
   * alone when it runs alone).
   *
   * @throws StateNotQueryableException while the topology is not running or some partition has no
   *     active host (rebalancing)
   */
  public List<Instance> instances() {
    requireRunning();
    if (self == null) {
      return List.of(new Instance("localhost", -1, true));
    }
    Collection<StreamsMetadata> clients = streams.streamsMetadataForStore(StoreNames.DECISIONS);
    java.util.Set<Integer> known = new java.util.HashSet<>();
    java.util.Set<Integer> active = new java.util.HashSet<>();
    List<Instance> out = new ArrayList<>();
    for (StreamsMetadata client : streams.metadataForAllStreamsClients()) {
      client.topicPartitions().stream()
          .filter(tp -> tp.topic().equals(memberTopic))
          .forEach(
              tp -> {
                known.add(tp.partition());
                active.add(tp.partition());
              });
      client.standbyTopicPartitions().stream()
          .filter(tp -> tp.topic().equals(memberTopic))
          .forEach(tp -> known.add(tp.partition()));
    }
    for (StreamsMetadata client : clients) {
      HostInfo host = client.hostInfo();
      out.add(new Instance(host.host(), host.port(), host.equals(self)));
    }
    if (known.isEmpty() || !active.containsAll(known) || out.isEmpty()) {
      throw new StateNotQueryableException(
          "Not every partition has an active host right now (rebalancing)");
    }
    out.sort(Comparator.comparing(Instance::host).thenComparing(Instance::port));
    return List.copyOf(out);
  }

  private void requireRunning() {
    KafkaStreams.State state = streams.state();
    if (state != KafkaStreams.State.RUNNING) {
      throw new StateNotQueryableException(
          "The topology is " + state + ", not RUNNING; its state cannot be queried now");
    }
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
    boolean closed =
        streams.close(
            CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(timeout));
    if (topicDirectory != null) {
      try {
        topicDirectory.close();
      } catch (Exception e) {
        LOGGER.warn("closing the topic directory failed: {}", e.toString());
      }
    }
    return closed;
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }

  /**
   * The member's consent state, if they have one.
   *
   * @throws StateNotQueryableException when this instance cannot see the member's state now
   */
  public Optional<ConsentState> consent(String memberId) {
    byte[] state = queried(() -> memberStore(StoreNames.CONSENT, memberId).get(memberId));
    if (state == null) {
      absent(memberId, "consent state");
    }
    return Optional.ofNullable(state).map(b -> LatticeSerdes.codec(ConsentState.class).decode(b));
  }

  /**
   * What the topology has seen of the member.
   *
   * @throws StateNotQueryableException when this instance cannot see the member's state now
   */
  public Optional<MemberActivity> activity(String memberId) {
    byte[] activity = queried(() -> memberStore(StoreNames.ACTIVITY, memberId).get(memberId));
    if (activity == null) {
      absent(memberId, "activity");
    }
    return Optional.ofNullable(activity).map(MemberActivityCodec::fromBytes);
  }

  /**
   * The decisions made for one event (one per candidate destination) in the partitions this
   * instance hosts, oldest first. An offer is decided in every partition: with several instances,
   * ask each of {@link #instances()}.
   *
   * @throws StateNotQueryableException while the topology is not running or a local store is not
   *     ready
   */
  public List<DecisionRecord> decisionsForEvent(String eventId) {
    Objects.requireNonNull(eventId);
    ReadOnlyKeyValueStore<String, byte[]> store = allLocal(StoreNames.DECISIONS);
    return queried(() -> DecisionLog.forEvent(store, eventId));
  }

  /**
   * The decisions made for an event in the given partitions of this instance: its active copies,
   * or, when {@code stale}, whatever copy it holds (standby or restoring; check {@link #standbyLag}
   * first), oldest first.
   *
   * @throws StateNotQueryableException when one of the partitions cannot be read here now
   */
  public List<DecisionRecord> decisionsForEvent(
      String eventId, java.util.Set<Integer> partitions, boolean stale) {
    Objects.requireNonNull(eventId);
    if (!stale) {
      requireRunning();
    }
    List<DecisionRecord> out = new ArrayList<>();
    for (int partition : partitions) {
      StoreQueryParameters<ReadOnlyKeyValueStore<String, byte[]>> parameters =
          StoreQueryParameters.fromNameAndType(
                  StoreNames.DECISIONS, QueryableStoreTypes.<String, byte[]>keyValueStore())
              .withPartition(partition);
      ReadOnlyKeyValueStore<String, byte[]> store =
          store(stale ? parameters.enableStaleStores() : parameters);
      out.addAll(queried(() -> DecisionLog.forEvent(store, eventId)));
    }
    out.sort(Comparator.comparing(DecisionRecord::getDecidedAt));
    return out;
  }

  /**
   * The most recent decisions about a member (within the retention), newest first.
   *
   * @throws StateNotQueryableException when this instance cannot see the member's state now
   */
  public List<DecisionRecord> decisionsForMember(String memberId, int limit) {
    Objects.requireNonNull(memberId);
    // Decisions name the member by a reference that erasure unlinks: no reference, no decisions.
    Optional<String> ref =
        queried(() -> MemberRefs.lookup(memberStore(StoreNames.MEMBER_REFS, memberId), memberId));
    List<DecisionRecord> all =
        new ArrayList<>(
            ref.map(
                    r ->
                        queried(
                            () ->
                                DecisionLog.forMember(
                                    memberStore(StoreNames.DECISIONS, memberId), r)))
                .orElseGet(List::of));
    if (all.isEmpty()) {
      absent(memberId, "decisions");
    }
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
          InsightsProcessor.budgetOf(insights),
          insights.delta());
    } catch (org.apache.kafka.streams.errors.InvalidStateStoreException e) {
      return List.of();
    }
  }

  /**
   * The member an audit reference ({@code mbr-…}) names, looked up in every copy of the member
   * partitions this instance keeps (active, still restoring, or standby: a reference names its
   * member for good, so a copy a little behind is only missing the newest references); empty when
   * none knows it, or once the member was erased. Readable while the group rebalances.
   *
   * @throws StateNotQueryableException while the topology is neither running nor rebalancing, or
   *     its stores are closed
   */
  public Optional<String> memberOfReference(String reference) {
    Objects.requireNonNull(reference);
    KafkaStreams.State state = streams.state();
    if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
      throw new StateNotQueryableException(
          "The topology is " + state + "; its state cannot be queried now");
    }
    ReadOnlyKeyValueStore<String, byte[]> store =
        store(
            StoreQueryParameters.fromNameAndType(
                    StoreNames.MEMBER_REFS, QueryableStoreTypes.<String, byte[]>keyValueStore())
                .enableStaleStores());
    return queried(() -> MemberRefs.memberOf(store, reference));
  }

  /** Runs a store read; a store that went away meanwhile (rebalance) is "not queryable". */
  private static <T> T queried(java.util.function.Supplier<T> read) {
    try {
      return read.get();
    } catch (InvalidStateStoreException e) {
      throw new StateNotQueryableException("A store is not queryable now (rebalancing)", e);
    }
  }

  /** The store partition holding the member, which this instance must host. */
  private ReadOnlyKeyValueStore<String, byte[]> memberStore(String name, String memberId) {
    StandbyRead standby = standbyRead.get();
    if (standby != null && standby.memberId.equals(memberId)) {
      return staleStore(name, standby.partition);
    }
    MemberHost host = hostOf(memberId);
    if (host instanceof MemberHost.Elsewhere elsewhere) {
      throw new StateNotQueryableException(
          "The member's partition is hosted by "
              + elsewhere.host()
              + ":"
              + elsewhere.port()
              + ", not by this instance");
    }
    int partition = ((MemberHost.Here) host).partition();
    StoreQueryParameters<ReadOnlyKeyValueStore<String, byte[]>> parameters =
        StoreQueryParameters.fromNameAndType(
            name, QueryableStoreTypes.<String, byte[]>keyValueStore());
    return store(partition < 0 ? parameters : parameters.withPartition(partition));
  }

  /** This instance's copy of one partition of a store, active, restoring or standby. */
  private ReadOnlyKeyValueStore<String, byte[]> staleStore(String name, int partition) {
    return store(
        StoreQueryParameters.fromNameAndType(
                name, QueryableStoreTypes.<String, byte[]>keyValueStore())
            .enableStaleStores()
            .withPartition(partition));
  }

  /**
   * In a standby read of the member, an absence is an answer only from a caught-up copy (see {@link
   * StandbyRead}).
   */
  private void absent(String memberId, String what) {
    StandbyRead standby = standbyRead.get();
    if (standby != null && standby.memberId.equals(memberId)) {
      standby.requireCaughtUpForAbsence(what);
    }
  }

  private ReadOnlyKeyValueStore<String, byte[]> allLocal(String name) {
    requireRunning();
    return store(
        StoreQueryParameters.fromNameAndType(
            name, QueryableStoreTypes.<String, byte[]>keyValueStore()));
  }

  private ReadOnlyKeyValueStore<String, byte[]> store(
      StoreQueryParameters<ReadOnlyKeyValueStore<String, byte[]>> parameters) {
    try {
      return streams.store(parameters);
    } catch (InvalidStateStoreException e) {
      throw new StateNotQueryableException(
          "Store " + parameters.storeName() + " is not queryable now (rebalancing)", e);
    }
  }

  /** The underlying Kafka Streams instance (for metrics and health). */
  public KafkaStreams kafkaStreams() {
    return streams;
  }
}
