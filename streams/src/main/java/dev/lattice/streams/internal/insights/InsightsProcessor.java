package dev.lattice.streams.internal.insights;

import dev.lattice.policy.Decision;
import dev.lattice.policy.DecisionInput;
import dev.lattice.policy.DecisionService;
import dev.lattice.policy.ReasonCodes;
import dev.lattice.schemas.avro.AppliedObligations;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.schemas.avro.Destination;
import dev.lattice.schemas.avro.InsightRecord;
import dev.lattice.schemas.avro.ReasonEntry;
import dev.lattice.streams.DecisionInputs;
import dev.lattice.streams.InsightSettings;
import dev.lattice.streams.TopicNames;
import dev.lattice.streams.internal.StoreNames;
import dev.lattice.streams.internal.codec.AvroCodec;
import dev.lattice.streams.internal.codec.InsightTick;
import dev.lattice.streams.internal.codec.Outbound;
import dev.lattice.streams.internal.network.NetworkDirectory;
import dev.lattice.streams.internal.network.NetworkRules;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brand insights: counts offer deliveries and purchases per brand, network, category and tumbling
 * window; when a window closes, each cell is released only as an aggregate: a cell below the
 * network's k-anonymity threshold is suppressed, the policy decides on the release ({@code type:
 * insight}, {@code context.aggregate.count}), the release costs {@code epsilonPerRelease} of the
 * brand and network's daily budget (none left = not released), and the published count carries
 * two-sided geometric noise. Keyed by brand and network so that one task owns each budget.
 */
public final class InsightsProcessor implements Processor<String, InsightTick, byte[], Object> {
  private static final Logger LOGGER = LoggerFactory.getLogger(InsightsProcessor.class);
  private static final AvroCodec<InsightRecord> INSIGHTS = AvroCodec.of(InsightRecord.class);
  private static final AvroCodec<DecisionRecord> DECISIONS = AvroCodec.of(DecisionRecord.class);
  private static final char SEP = '\u0000';

  private final TopicNames topics;
  private final DecisionService decisions;
  private final NetworkDirectory networks;
  private final InsightSettings settings;
  private final PrivacyBudget budget;
  private final GeometricNoise noise;
  private ProcessorContext<byte[], Object> context;
  private KeyValueStore<String, Long> cells;
  private KeyValueStore<String, Long> spent;

  public InsightsProcessor(
      TopicNames topics,
      DecisionService decisions,
      NetworkDirectory networks,
      InsightSettings settings,
      GeometricNoise noise) {
    this.topics = topics;
    this.decisions = decisions;
    this.networks = networks;
    this.settings = settings;
    this.budget = new PrivacyBudget(settings.dailyEpsilon(), settings.epsilonPerRelease());
    this.noise = noise;
  }

  @Override
  public void init(ProcessorContext<byte[], Object> context) {
    this.context = context;
    cells = context.getStateStore(StoreNames.INSIGHT_CELLS);
    spent = context.getStateStore(StoreNames.PRIVACY_BUDGET);
    context.schedule(
        settings.checkEvery(), PunctuationType.WALL_CLOCK_TIME, this::releaseClosedWindows);
  }

  @Override
  public void process(Record<String, InsightTick> record) {
    InsightTick t = record.value();
    long size = settings.window().toMillis();
    long start = t.at() - Math.floorMod(t.at(), size);
    if (start + size + settings.grace().toMillis() <= context.currentSystemTimeMs()) {
      LOGGER.debug("late insight count dropped brand={} network={}", t.brand(), t.network());
      return;
    }
    String key =
        String.join(
            String.valueOf(SEP),
            t.brand(),
            t.network(),
            String.format("%019d", start),
            t.category(),
            t.metric());
    Long current = cells.get(key);
    cells.put(key, current == null ? 1L : current + 1);
  }

  private void releaseClosedWindows(long nowMs) {
    long size = settings.window().toMillis();
    long closedBefore = nowMs - settings.grace().toMillis();
    List<KeyValue<String, Long>> closed = new ArrayList<>();
    try (KeyValueIterator<String, Long> it = cells.all()) {
      while (it.hasNext()) {
        KeyValue<String, Long> kv = it.next();
        long start = Long.parseLong(kv.key.split(String.valueOf(SEP))[2]);
        if (start + size <= closedBefore) {
          closed.add(kv);
        }
      }
    }
    for (KeyValue<String, Long> kv : closed) {
      String[] p = kv.key.split(String.valueOf(SEP));
      release(p[0], p[1], Long.parseLong(p[2]), p[3], p[4], kv.value, nowMs);
      cells.delete(kv.key);
    }
  }

  private void release(
      String brand,
      String network,
      long start,
      String category,
      String metric,
      long count,
      long nowMs) {
    int k =
        networks
            .get(network)
            .map(NetworkRules::kAnonymity)
            .orElse(NetworkRules.DEFAULT_K_ANONYMITY);
    if (count < k) {
      LOGGER.debug("insight cell suppressed (below k) brand={} network={} k={}", brand, network, k);
      return;
    }
    String day = Instant.ofEpochMilli(start).atOffset(ZoneOffset.UTC).toLocalDate().toString();
    String budgetKey = brand + SEP + network + SEP + day;
    Long used = spent.get(budgetKey);
    long usedMicros = used == null ? 0 : used;
    if (!budget.allows(usedMicros)) {
      LOGGER.info(
          "insight not released: daily privacy budget spent brand={} network={} day={}",
          brand,
          network,
          day);
      return;
    }
    Instant now = Instant.ofEpochMilli(nowMs);
    Instant windowStart = Instant.ofEpochMilli(start);
    Instant windowEnd = windowStart.plus(settings.window());
    String eventId =
        "ins-"
            + UUID.nameUUIDFromBytes(
                (brand + SEP + network + SEP + start + SEP + category + SEP + metric)
                    .getBytes(StandardCharsets.UTF_8));
    DecisionInput input =
        DecisionInputs.insight(
            eventId, brand, network, category, metric, windowStart, windowEnd, count, now);
    Decision d;
    try {
      d = decisions.decide(input);
    } catch (RuntimeException e) {
      d =
          Decision.deny(
              ReasonCodes.POLICY_ERROR,
              "the decision service failed",
              decisions.activeRevision(),
              0);
    }
    if (d.allow()) {
      spent.put(budgetKey, usedMicros + budget.costMicros());
      long noisy = Math.max(0, noise.noisy(count, settings.epsilonPerRelease()));
      InsightRecord record =
          InsightRecord.newBuilder()
              .setBrand(brand)
              .setNetwork(network)
              .setCategory(category)
              .setWindowStart(windowStart)
              .setWindowEnd(windowEnd)
              .setMetric(metric)
              .setNoisyCount(noisy)
              .setEpsilon(settings.epsilonPerRelease())
              .build();
      emit(new Outbound(topics.brandOut(brand), Outbound.key(network), INSIGHTS.encode(record)));
    }
    DecisionRecord audit =
        DecisionRecord.newBuilder()
            .setDecisionId(
                "dec-"
                    + UUID.nameUUIDFromBytes(
                        (eventId + SEP + "brand" + SEP + brand).getBytes(StandardCharsets.UTF_8)))
            .setEventId(eventId)
            .setEventType("insight")
            .setPurpose("analytics")
            .setMemberId(null)
            .setSourceNetwork(network)
            .setDestination(new Destination("brand", brand))
            .setAllow(d.allow())
            .setReasons(
                d.reasons().stream().map(r -> new ReasonEntry(r.code(), r.message())).toList())
            .setObligations(new AppliedObligations(List.of(), List.of(), Map.of()))
            .setBundleRevision(d.bundleRevision())
            .setConsentVersion(0L)
            .setConsentReceiptId(null)
            .setDecidedAt(now)
            .setEvalNanos(d.evalNanos())
            .setCorrelationId(null)
            .build();
    emit(new Outbound(topics.audit(), Outbound.key(eventId), DECISIONS.encode(audit)));
  }

  private void emit(Outbound o) {
    context.forward(new Record<>(o.key(), o, context.currentSystemTimeMs()));
  }
}
