package dev.lattice.streams;

import dev.lattice.policy.DecisionService;
import dev.lattice.schemas.avro.ContentEvent;
import dev.lattice.schemas.avro.EventHeader;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.OfferEvent;
import dev.lattice.schemas.avro.PurchaseEvent;
import dev.lattice.streams.internal.StoreNames;
import dev.lattice.streams.internal.codec.AvroCodec;
import dev.lattice.streams.internal.codec.GateOutput;
import dev.lattice.streams.internal.codec.Inbound;
import dev.lattice.streams.internal.codec.InsightTick;
import dev.lattice.streams.internal.codec.Outbound;
import dev.lattice.streams.internal.codec.TopologyOutput;
import dev.lattice.streams.internal.dedup.DuplicateFilter;
import dev.lattice.streams.internal.enforce.AppendOrderTimestamps;
import dev.lattice.streams.internal.enforce.Broadcast;
import dev.lattice.streams.internal.enforce.ByMember;
import dev.lattice.streams.internal.enforce.Envelope;
import dev.lattice.streams.internal.enforce.MemberProcessor;
import dev.lattice.streams.internal.enforce.OfferGate;
import dev.lattice.streams.internal.insights.InsightPartitioner;
import dev.lattice.streams.internal.insights.InsightsProcessor;
import dev.lattice.streams.internal.insights.KeyedRandom;
import dev.lattice.streams.internal.network.NetworkDirectory;
import dev.lattice.streams.internal.network.NetworksProcessor;
import dev.lattice.streams.internal.obligations.ObligationsApplier;
import dev.lattice.streams.internal.obligations.Pseudonymiser;
import dev.lattice.streams.internal.policy.BundleActivator;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the Lattice enforcement topology (see streams/README.md for the picture):
 *
 * <ul>
 *   <li>global stores: network documents (also loaded into the policy engine as {@code
 *       data.networks.<id>}) and policy bundles (activated through the {@link DecisionService});
 *   <li>the member sub-topology, co-partitioned by member id: consent commands, member keys, member
 *       data, content, purchases, and a copy of every offer; it keeps the consent ledger,
 *       purchases, offer counters, memberships and the queryable decisions, decides and delivers;
 *   <li>the insights sub-topology, keyed by brand: windowed counts of distinct consenting members,
 *       bounded per member-day, released with exact keyed noise above a noisy threshold within
 *       daily and lifetime privacy budgets.
 * </ul>
 *
 * Every output goes through one sink (topic chosen per record), inside the task's exactly-once
 * transaction. Input topics that are read together must have the same number of partitions.
 */
public final class LatticeTopology {
  private LatticeTopology() {}

  public static Topology build(TopologySettings settings) {
    return build(settings, null);
  }

  /**
   * As {@link #build(TopologySettings)}, reporting the time enforcement spends per stage to {@code
   * timings} (benchmarks; null: no timing, no clock read).
   */
  public static Topology build(TopologySettings settings, StageTimings timings) {
    return build(settings, timings, null);
  }

  /**
   * As {@link #build(TopologySettings, StageTimings)}, with the DSL built under {@code config}
   * (benchmarks: e.g. a {@code processor.wrapper.class} that measures the processors; null: the
   * defaults).
   */
  public static Topology build(
      TopologySettings settings, StageTimings timings, TopologyConfig config) {
    TopicNames topics = settings.topics();
    DecisionService decisions = settings.decisionService();
    NetworkDirectory directory = new NetworkDirectory();
    Pseudonymiser pseudonymiser = new Pseudonymiser(settings.pseudonymSecret());
    ObligationsApplier obligations = new ObligationsApplier(pseudonymiser);
    // Without a directory (a bare topology, e.g. under TopologyTestDriver) every topic exists.
    TopicDirectory topicDirectory =
        settings.topicDirectory() == null ? topic -> true : settings.topicDirectory();
    Serde<byte[]> bytes = Serdes.ByteArray();
    Serde<String> strings = Serdes.String();

    StreamsBuilder builder = config == null ? new StreamsBuilder() : new StreamsBuilder(config);
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(StoreNames.NETWORKS), strings, bytes)
            .withLoggingDisabled(),
        topics.networks(),
        Consumed.with(strings, bytes).withName("networks-source"),
        () -> new NetworksProcessor(StoreNames.NETWORKS, directory, decisions));
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(StoreNames.BUNDLES), strings, bytes)
            .withLoggingDisabled(),
        topics.policyBundles(),
        Consumed.with(strings, bytes).withName("bundles-source"),
        () -> new BundleActivator(StoreNames.BUNDLES, decisions));

    for (StoreBuilder<?> store :
        List.of(
            kv(settings, StoreNames.CONSENT, bytes),
            kv(settings, StoreNames.MEMBER_KEYS, bytes),
            kv(settings, StoreNames.PURCHASES, bytes),
            kv(settings, StoreNames.OFFER_DELIVERIES, bytes),
            kv(settings, StoreNames.MEMBERSHIPS, Serdes.Long()),
            kv(settings, StoreNames.ACTIVITY, bytes),
            kv(settings, StoreNames.DECISIONS, bytes),
            kv(settings, StoreNames.MEMBER_REFS, bytes),
            kv(settings, StoreNames.CONTROLLER_NOTICES, Serdes.Long()),
            kv(settings, StoreNames.INSIGHT_CELLS, Serdes.Long()),
            kv(settings, StoreNames.PRIVACY_BUDGET, Serdes.Long()),
            kv(settings, StoreNames.INSIGHT_CONTRIBUTIONS, strings))) {
      builder.addStateStore(store);
    }
    // Idempotency: one store by event id in each sub-topology that takes ingest events.
    builder.addStateStore(
        DuplicateFilter.store(
            StoreNames.SEEN_EVENTS, settings.duplicateWindow(), settings.persistentStores()));
    builder.addStateStore(
        DuplicateFilter.store(
            StoreNames.SEEN_OFFERS, settings.duplicateWindow(), settings.persistentStores()));

    Map<String, KStream<byte[], Inbound>> keyed =
        builder.stream(
                topics.memberKeyedInputs(),
                Consumed.with(bytes, bytes)
                    .withName("member-inputs")
                    .withTimestampExtractor(new AppendOrderTimestamps(topics)))
            .processValues(() -> new Envelope(topics), Named.as("member-envelope"))
            .split(Named.as("member-key-"))
            .branch((k, v) -> ByMember.rekey(v) != null, Branched.as("mismatch"))
            .defaultBranch(Branched.as("ok"));
    // Events not keyed by their member id are repartitioned by it, so that one member's events and
    // consent changes meet in one task; the detour delays them, so they are decided after every
    // command appended before them (and maybe after some appended while they were re-keyed).
    // Consent commands are never re-keyed: a detour would let later events overtake a withdrawal,
    // so
    // a command not keyed by its member is rejected (consent.member_mismatch) where it lands.
    KStream<byte[], Inbound> memberInputs =
        keyed
            .get("member-key-ok")
            .merge(
                keyed
                    .get("member-key-mismatch")
                    .selectKey((k, v) -> ByMember.rekey(v), Named.as("member-rekey"))
                    .repartition(
                        Repartitioned.<byte[], Inbound>with(bytes, Inbound.serde())
                            .withName("by-member")),
                Named.as("member-inputs-by-member"))
            .processValues(
                () -> new DuplicateFilter(StoreNames.SEEN_EVENTS, settings.duplicateWindow()),
                Named.as("member-duplicates"),
                StoreNames.SEEN_EVENTS);

    Map<String, KStream<byte[], GateOutput>> gated =
        builder.stream(topics.offers(), Consumed.with(bytes, bytes).withName("offer-input"))
            .processValues(() -> new Envelope(topics), Named.as("offer-envelope"))
            .processValues(
                () -> new DuplicateFilter(StoreNames.SEEN_OFFERS, settings.duplicateWindow()),
                Named.as("offer-duplicates"),
                StoreNames.SEEN_OFFERS)
            .process(() -> new OfferGate(topics, directory), Named.as("offer-gate"))
            .split(Named.as("offer-"))
            .branch((k, v) -> v instanceof Inbound, Branched.as("accepted"))
            .defaultBranch(Branched.as("quarantined"));

    KStream<byte[], Inbound> offerCopies =
        gated
            .get("offer-accepted")
            .mapValues(v -> (Inbound) v, Named.as("offer-accepted-inbound"))
            .repartition(
                Repartitioned.<byte[], Inbound>with(bytes, Inbound.serde())
                    .withName("offer-broadcast")
                    .withStreamPartitioner(new Broadcast()));

    Map<String, KStream<byte[], TopologyOutput>> decided =
        memberInputs
            .merge(offerCopies, Named.as("member-and-offers"))
            .process(
                () ->
                    new MemberProcessor(
                        topics,
                        decisions,
                        directory,
                        obligations,
                        pseudonymiser,
                        topicDirectory,
                        settings.frequencyWindow(),
                        settings.purchaseMemory(),
                        settings.decisionRetention(),
                        settings.masterKey(),
                        // A cell closes a window plus the grace after its start and is released
                        // by a wall-clock check soon after; one more window covers a late check.
                        settings
                            .insights()
                            .window()
                            .multipliedBy(2)
                            .plus(settings.insights().grace()),
                        settings.membershipsTopic(),
                        timings),
                Named.as("member-processor"),
                MemberProcessor.STORES.toArray(String[]::new))
            .split(Named.as("member-"))
            .branch((k, v) -> v instanceof InsightTick, Branched.as("ticks"))
            .defaultBranch(Branched.as("outputs"));

    // The noise PRF's key: per installation, derived from the installation secret.
    byte[] noiseKey = KeyedRandom.deriveKey(settings.pseudonymSecret(), "insights/noise-key");
    KStream<byte[], Outbound> insights =
        decided
            .get("member-ticks")
            .map(
                (k, v) ->
                    org.apache.kafka.streams.KeyValue.pair(
                        ((InsightTick) v).cellOwnerKey(), (InsightTick) v),
                Named.as("insight-key"))
            .repartition(
                Repartitioned.<String, InsightTick>with(strings, InsightTick.serde())
                    .withName("insight-cells")
                    .withStreamPartitioner(new InsightPartitioner()))
            .process(
                () -> new InsightsProcessor(topics, decisions, settings.insights(), noiseKey),
                Named.as("insights-processor"),
                StoreNames.INSIGHT_CELLS,
                StoreNames.INSIGHT_CONTRIBUTIONS,
                StoreNames.PRIVACY_BUDGET)
            .mapValues(v -> (Outbound) v, Named.as("insight-outbound"));

    decided
        .get("member-outputs")
        .mapValues(v -> (Outbound) v, Named.as("outbound"))
        .merge(
            gated.get("offer-quarantined").mapValues(v -> (Outbound) v, Named.as("offer-outbound")),
            Named.as("outputs-and-offer-quarantine"))
        .merge(insights, Named.as("all-outputs"))
        .to(
            (key, value, ctx) -> value.topic(),
            Produced.with(bytes, Outbound.serde()).withName("lattice-sink"));
    return builder.build();
  }

  /**
   * Changelog settings of the stores keyed by member: what an erasure deletes (tombstones) is
   * compacted away within about two hours, and the tombstones (whose key is the member id) are
   * dropped a minute later, instead of when a week-long segment rolls and a day after that.
   */
  static final Map<String, String> MEMBER_CHANGELOG =
      Map.of(
          "segment.ms", "3600000",
          "max.compaction.lag.ms", "3600000",
          "delete.retention.ms", "60000");

  private static <V> StoreBuilder<?> kv(TopologySettings settings, String name, Serde<V> values) {
    return Stores.keyValueStoreBuilder(
            settings.persistentStores()
                ? Stores.persistentKeyValueStore(name)
                : Stores.inMemoryKeyValueStore(name),
            Serdes.String(),
            values)
        .withLoggingEnabled(MEMBER_CHANGELOG);
  }

  /**
   * A baseline for benchmarks (issue 8): the same input topics and serdes, no policy. Each member
   * data, content, purchase and offer event is decoded and re-encoded to {@code
   * lattice.out.network.<source network>}; undecodable records are skipped. Not for production: it
   * enforces nothing.
   */
  public static Topology passThrough(TopicNames topics) {
    Serde<byte[]> bytes = Serdes.ByteArray();
    StreamsBuilder builder = new StreamsBuilder();
    Map<String, AvroCodec<? extends SpecificRecordBase>> codecs =
        Map.of(
            topics.memberData(), AvroCodec.of(MemberDataEvent.class),
            topics.content(), AvroCodec.of(ContentEvent.class),
            topics.purchases(), AvroCodec.of(PurchaseEvent.class),
            topics.offers(), AvroCodec.of(OfferEvent.class));
    builder.stream(
            List.copyOf(codecs.keySet()),
            Consumed.with(bytes, bytes).withName("pass-through-inputs"))
        .processValues(
            () ->
                new org.apache.kafka.streams.processor.api.FixedKeyProcessor<
                    byte[], byte[], Outbound>() {
                  private org.apache.kafka.streams.processor.api.FixedKeyProcessorContext<
                          byte[], Outbound>
                      context;

                  @Override
                  public void init(
                      org.apache.kafka.streams.processor.api.FixedKeyProcessorContext<
                              byte[], Outbound>
                          context) {
                    this.context = context;
                  }

                  @Override
                  @SuppressWarnings("unchecked")
                  public void process(
                      org.apache.kafka.streams.processor.api.FixedKeyRecord<byte[], byte[]>
                          record) {
                    String topic = context.recordMetadata().orElseThrow().topic();
                    AvroCodec<SpecificRecordBase> codec =
                        (AvroCodec<SpecificRecordBase>) codecs.get(topic);
                    try {
                      SpecificRecordBase event = codec.decode(record.value());
                      EventHeader header = (EventHeader) event.get("header");
                      context.forward(
                          record.withValue(
                              new Outbound(
                                  topics.networkOut(header.getSourceNetwork()),
                                  record.key(),
                                  codec.encode(event))));
                    } catch (RuntimeException e) {
                      // Baseline only: nothing to quarantine into.
                    }
                  }
                },
            Named.as("pass-through"))
        .to(
            (key, value, ctx) -> value.topic(),
            Produced.with(bytes, Outbound.serde()).withName("pass-through-sink"));
    return builder.build();
  }
}
