package dev.lattice.streams.internal.insights;

import dev.lattice.policy.Decision;
import dev.lattice.policy.DecisionInput;
import dev.lattice.policy.DecisionService;
import dev.lattice.policy.ReasonCodes;
import dev.lattice.schemas.avro.AppliedObligations;
import dev.lattice.schemas.avro.ConsentState;
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
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
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
 * Brand insights with differential privacy for the member-day (docs/privacy.md):
 *
 * <ol>
 *   <li><b>Counting</b>: a cell (brand, network, window, category, metric) counts distinct members.
 *       A member counts only if the policy allows the contribution ({@code type:
 *       insight_contribution}: consent to analytics covering the brand and network, insights
 *       enabled) and is not erased; per brand and UTC day a member is counted in at most L cells.
 *       When a member's consent changes or the member is erased, the member is taken out of the
 *       brand's open cells the policy no longer allows.
 *   <li><b>Budget</b>: when a window closes, each cell is evaluated only if its cost ε/L (rounded
 *       up) fits the brand and network's daily and lifetime budgets; otherwise it is audited as
 *       refused. Every evaluated cell is charged, published or not.
 *   <li><b>Noise</b>: discrete Laplace of scale L/ε, drawn exactly from a keyed PRF of the insight
 *       id: a retried transaction or a re-evaluated window gives the same value, and a cell is
 *       evaluated (and charged) once: ticks for a cell already evaluated are not counted.
 *   <li><b>Threshold</b>: published only if the noisy count reaches τ (for δ) and the policy allows
 *       the release with {@code context.aggregate.count} = the noisy count (the network's k is a
 *       floor there). Every evaluated or refused cell is audited.
 * </ol>
 *
 * Keyed by brand: one task owns a brand's cells, member bounds and budgets.
 */
public final class InsightsProcessor implements Processor<String, InsightTick, byte[], Object> {
  private static final Logger LOGGER = LoggerFactory.getLogger(InsightsProcessor.class);
  private static final AvroCodec<InsightRecord> INSIGHTS = AvroCodec.of(InsightRecord.class);
  private static final AvroCodec<DecisionRecord> DECISIONS = AvroCodec.of(DecisionRecord.class);
  private static final AvroCodec<ConsentState> STATES = AvroCodec.of(ConsentState.class);
  static final String SEP = "\u0000";
  private static final String LIST_SEP = "\u0001";
  private static final long DAY_MS = 86_400_000L;
  private static final String COUNTED = "c";
  private static final String REFUSED = "x";

  private final TopicNames topics;
  private final DecisionService decisions;
  private final InsightSettings settings;
  private final PrivacyBudget budget;
  private final DiscreteLaplace noise;
  private final long tau;
  private final byte[] noiseKey;
  private final MemberRefs memberRefs;
  private ProcessorContext<byte[], Object> context;
  private KeyValueStore<String, Long> cells;
  private KeyValueStore<String, String> contributions;
  private KeyValueStore<String, Long> spent;
  private long lastPurgeMs = Long.MIN_VALUE;

  /**
   * @param noiseKey the installation's secret key of the noise PRF (at least 32 bytes)
   */
  public InsightsProcessor(
      TopicNames topics, DecisionService decisions, InsightSettings settings, byte[] noiseKey) {
    this.topics = topics;
    this.decisions = decisions;
    this.settings = settings;
    this.budget = budgetOf(settings);
    this.noise = noiseOf(settings);
    this.tau = tauOf(settings);
    this.noiseKey = noiseKey.clone();
    this.memberRefs = new MemberRefs(KeyedRandom.deriveKey(noiseKey, "insights/member-ref"));
  }

  /** The budget arithmetic of these settings. */
  public static PrivacyBudget budgetOf(InsightSettings s) {
    return PrivacyBudget.of(
        s.memberDayEpsilonMicros(), s.cellsPerMemberDay(), s.dailyEpsilon(), s.lifetimeEpsilon());
  }

  /** Discrete Laplace of scale L/ε (exactly: L·10⁶ / ε-in-micros). */
  public static DiscreteLaplace noiseOf(InsightSettings s) {
    return new DiscreteLaplace(
        s.cellsPerMemberDay() * PrivacyBudget.MICROS, s.memberDayEpsilonMicros());
  }

  /** The release threshold τ of these settings. */
  public static long tauOf(InsightSettings s) {
    DiscreteLaplace n = noiseOf(s);
    return NoisyThreshold.tau((double) n.scaleNumerator() / n.scaleDenominator(), s.delta());
  }

  /** The noise of the cell {@code insightId} under {@code noiseKey} (deterministic). */
  public static long noiseFor(DiscreteLaplace noise, byte[] noiseKey, String insightId) {
    return noise.sample(new KeyedRandom(noiseKey, "insights/noise/" + insightId));
  }

  @Override
  public void init(ProcessorContext<byte[], Object> context) {
    this.context = context;
    cells = context.getStateStore(StoreNames.INSIGHT_CELLS);
    contributions = context.getStateStore(StoreNames.INSIGHT_CONTRIBUTIONS);
    spent = context.getStateStore(StoreNames.PRIVACY_BUDGET);
    context.schedule(
        settings.checkEvery(), PunctuationType.WALL_CLOCK_TIME, this::releaseClosedWindows);
  }

  @Override
  public void process(Record<String, InsightTick> record) {
    InsightTick t = record.value();
    switch (t.kind()) {
      case COUNT -> count(t);
      case CONSENT_CHANGED -> recheck(t);
    }
  }

  // ------------------------------------------------------------------ counting

  private void count(InsightTick t) {
    long size = settings.window().toMillis();
    long start = t.at() - Math.floorMod(t.at(), size);
    if (start + size + settings.grace().toMillis() <= context.currentSystemTimeMs()) {
      LOGGER.debug("late insight count not counted brand={} network={}", t.brand(), t.network());
      return;
    }
    Cell cell = new Cell(t.brand(), t.network(), start, t.category(), t.metric());
    if (spent.get(Keys.evaluated(cell.insightId())) != null) {
      // The cell was evaluated already (a window re-opened by a late or replayed tick): counting
      // into it again would mean a second release of the same cell.
      LOGGER.debug(
          "count for an evaluated insight cell not counted insightId={}", cell.insightId());
      return;
    }
    if (t.erased()) {
      return;
    }
    String ref = memberRefs.of(t.member());
    String mark = Keys.member(cell.key(), ref);
    if (contributions.get(mark) != null) {
      // Distinct members: one member counts once per cell; and a member the policy refused for
      // this cell is not asked about again until the cell closes.
      return;
    }
    String dayKey = Keys.memberDay(t.brand(), ref, utcDay(t.at()));
    List<String> ofDay = split(contributions.get(dayKey));
    if (ofDay.size() >= settings.cellsPerMemberDay()) {
      return; // contribution bound: at most L cells per member, brand and day
    }
    if (!contributionAllowed(cell, t.member(), t.consent(), Instant.ofEpochMilli(t.at()))) {
      contributions.put(mark, REFUSED);
      return;
    }
    ofDay.add(cell.key());
    contributions.put(dayKey, String.join(LIST_SEP, ofDay));
    contributions.put(mark, COUNTED);
    Long n = cells.get(cell.key());
    cells.put(cell.key(), n == null ? 1L : n + 1);
  }

  /** Takes the member out of the open cells (of this task's brands) the policy no longer allows. */
  private void recheck(InsightTick t) {
    String ref = memberRefs.of(t.member());
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    List<String> days = new ArrayList<>();
    try (KeyValueIterator<String, String> it =
        contributions.prefixScan(Keys.memberDayPrefix(ref), Serdes.String().serializer())) {
      while (it.hasNext()) {
        days.add(it.next().value);
      }
    }
    for (String day : days) {
      for (String cellKey : split(day)) {
        String mark = Keys.member(cellKey, ref);
        if (!COUNTED.equals(contributions.get(mark))) {
          continue; // released already, or taken out before
        }
        Cell cell = Cell.parse(cellKey);
        if (t.erased() || !contributionAllowed(cell, t.member(), t.consent(), now)) {
          contributions.put(mark, REFUSED);
          Long n = cells.get(cellKey);
          if (n == null || n <= 1) {
            cells.delete(cellKey);
          } else {
            cells.put(cellKey, n - 1);
          }
        }
      }
    }
  }

  /**
   * The policy's word on counting this member in this cell ({@code type: insight_contribution}).
   */
  private boolean contributionAllowed(Cell cell, String member, byte[] consent, Instant at) {
    ConsentState state = consent == null ? null : STATES.decode(consent);
    DecisionInput input =
        DecisionInputs.insightContribution(
            "contrib-" + cell.insightId(),
            member,
            state,
            cell.brand(),
            cell.network(),
            cell.category(),
            cell.metric(),
            at);
    try {
      return decisions.decide(input).allow();
    } catch (RuntimeException e) {
      LOGGER.warn("decision service failed on an insight contribution reason={}", e.toString());
      return false; // fail closed: not counted
    }
  }

  // ------------------------------------------------------------------ release

  private void releaseClosedWindows(long nowMs) {
    long size = settings.window().toMillis();
    long closedBefore = nowMs - settings.grace().toMillis();
    List<KeyValue<String, Long>> closed = new ArrayList<>();
    try (KeyValueIterator<String, Long> it = cells.all()) {
      while (it.hasNext()) {
        KeyValue<String, Long> kv = it.next();
        if (Cell.parse(kv.key).start() + size <= closedBefore) {
          closed.add(kv);
        }
      }
    }
    for (KeyValue<String, Long> kv : closed) {
      Cell cell = Cell.parse(kv.key);
      evaluate(cell, kv.value, nowMs);
      cells.delete(kv.key);
      List<String> marks = new ArrayList<>();
      try (KeyValueIterator<String, String> it =
          contributions.prefixScan(Keys.memberPrefix(kv.key), Serdes.String().serializer())) {
        while (it.hasNext()) {
          marks.add(it.next().key);
        }
      }
      marks.forEach(contributions::delete);
    }
    purge(nowMs);
  }

  private void evaluate(Cell cell, long count, long nowMs) {
    String day = utcDay(cell.start());
    String dailyKey = Keys.daily(cell.brand(), cell.network(), day);
    String lifetimeKey = Keys.lifetime(cell.brand(), cell.network());
    long usedToday = orZero(spent.get(dailyKey));
    long usedLifetime = orZero(spent.get(lifetimeKey));
    Instant now = Instant.ofEpochMilli(nowMs);
    spent.put(Keys.evaluated(cell.insightId()), cell.start());
    PrivacyBudget.Refusal refusal = budget.refusal(usedToday, usedLifetime);
    Decision d;
    if (refusal != null) {
      d =
          refusal == PrivacyBudget.Refusal.LIFETIME_SPENT
              ? Decision.deny(
                  ReasonCodes.INSIGHT_LIFETIME_BUDGET_SPENT,
                  "the lifetime privacy budget of "
                      + cell.brand()
                      + " in "
                      + cell.network()
                      + " is spent: no further insights",
                  decisions.activeRevision(),
                  0)
              : Decision.deny(
                  ReasonCodes.INSIGHT_DAILY_BUDGET_SPENT,
                  "the privacy budget of "
                      + cell.brand()
                      + " in "
                      + cell.network()
                      + " for "
                      + day
                      + " is spent",
                  decisions.activeRevision(),
                  0);
      LOGGER.info(
          "insight cell not evaluated: privacy budget spent brand={} network={} limit={}",
          cell.brand(),
          cell.network(),
          refusal);
      audit(cell, d, now);
      return;
    }
    spent.put(dailyKey, usedToday + budget.cellCostMicros());
    spent.put(lifetimeKey, usedLifetime + budget.cellCostMicros());
    long noisy = count + noiseFor(noise, noiseKey, cell.insightId());
    if (noisy < tau) {
      d =
          Decision.deny(
              ReasonCodes.INSIGHT_BELOW_THRESHOLD,
              "the noisy count did not reach the release threshold " + tau,
              decisions.activeRevision(),
              0);
    } else {
      d = decideRelease(cell, noisy, now);
      if (d.allow()) {
        InsightRecord record =
            InsightRecord.newBuilder()
                .setBrand(cell.brand())
                .setNetwork(cell.network())
                .setCategory(cell.category())
                .setWindowStart(Instant.ofEpochMilli(cell.start()))
                .setWindowEnd(Instant.ofEpochMilli(cell.start()).plus(settings.window()))
                .setMetric(cell.metric())
                .setNoisyCount(noisy)
                .setEpsilon(budget.cellCostMicros() / (double) PrivacyBudget.MICROS)
                .build();
        emit(
            new Outbound(
                topics.brandOut(cell.brand()),
                Outbound.key(cell.network()),
                INSIGHTS.encode(record)));
      }
    }
    audit(cell, d, now);
  }

  private Decision decideRelease(Cell cell, long noisy, Instant now) {
    Instant windowStart = Instant.ofEpochMilli(cell.start());
    DecisionInput input =
        DecisionInputs.insight(
            cell.insightId(),
            cell.brand(),
            cell.network(),
            cell.category(),
            cell.metric(),
            windowStart,
            windowStart.plus(settings.window()),
            noisy,
            now);
    try {
      return decisions.decide(input);
    } catch (RuntimeException e) {
      return Decision.deny(
          ReasonCodes.POLICY_ERROR, "the decision service failed", decisions.activeRevision(), 0);
    }
  }

  private void audit(Cell cell, Decision d, Instant now) {
    String eventId = cell.insightId();
    DecisionRecord audit =
        DecisionRecord.newBuilder()
            .setDecisionId(
                "dec-"
                    + UUID.nameUUIDFromBytes(
                        (eventId + SEP + "brand" + SEP + cell.brand())
                            .getBytes(StandardCharsets.UTF_8)))
            .setEventId(eventId)
            .setEventType("insight")
            .setPurpose("analytics")
            .setMemberId(null)
            .setSourceNetwork(cell.network())
            .setDestination(new Destination("brand", cell.brand()))
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
            .setCategories(cell.category() == null ? List.of() : List.of(cell.category()))
            .build();
    emit(new Outbound(topics.audit(), Outbound.key(eventId), DECISIONS.encode(audit)));
  }

  /**
   * Forgets member-day bounds, member marks and evaluation marks that can no longer matter: a tick
   * older than window + grace is not counted anyway. Runs at most once an hour.
   */
  private void purge(long nowMs) {
    if (lastPurgeMs != Long.MIN_VALUE && nowMs - lastPurgeMs < 3_600_000L) {
      return;
    }
    lastPurgeMs = nowMs;
    long horizon = nowMs - settings.window().toMillis() - settings.grace().toMillis() - 2 * DAY_MS;
    String oldestDay = utcDay(horizon);
    List<String> stale = new ArrayList<>();
    try (KeyValueIterator<String, String> it =
        contributions.prefixScan(Keys.MEMBER_DAY, Serdes.String().serializer())) {
      while (it.hasNext()) {
        String key = it.next().key;
        if (key.substring(key.lastIndexOf(SEP) + 1).compareTo(oldestDay) < 0) {
          stale.add(key);
        }
      }
    }
    // Marks of cells that closed without being evaluated (every counted member left, or only
    // refused members ever came): nothing counts into those windows any more.
    long closedBefore = nowMs - settings.window().toMillis() - settings.grace().toMillis();
    try (KeyValueIterator<String, String> it =
        contributions.prefixScan(Keys.MEMBER, Serdes.String().serializer())) {
      while (it.hasNext()) {
        String key = it.next().key;
        if (Long.parseLong(key.split(SEP, -1)[3]) < closedBefore) {
          stale.add(key);
        }
      }
    }
    stale.forEach(contributions::delete);
    List<String> evaluated = new ArrayList<>();
    try (KeyValueIterator<String, Long> it =
        spent.prefixScan(Keys.EVALUATED, Serdes.String().serializer())) {
      while (it.hasNext()) {
        KeyValue<String, Long> kv = it.next();
        if (kv.value < horizon) {
          evaluated.add(kv.key);
        }
      }
    }
    evaluated.forEach(spent::delete);
  }

  private void emit(Outbound o) {
    context.forward(new Record<>(o.key(), o, context.currentSystemTimeMs()));
  }

  static String utcDay(long epochMs) {
    return Instant.ofEpochMilli(epochMs).atOffset(ZoneOffset.UTC).toLocalDate().toString();
  }

  private static long orZero(Long v) {
    return v == null ? 0 : v;
  }

  private static List<String> split(String list) {
    List<String> out = new ArrayList<>();
    if (list != null && !list.isEmpty()) {
      out.addAll(List.of(list.split(LIST_SEP)));
    }
    return out;
  }

  /** One cell of the insights: brand, network, window start, category, metric. */
  record Cell(String brand, String network, long start, String category, String metric) {
    String key() {
      return String.join(SEP, brand, network, String.format("%019d", start), category, metric);
    }

    static Cell parse(String key) {
      String[] p = key.split(SEP, -1);
      return new Cell(p[0], p[1], Long.parseLong(p[2]), p[3], p[4]);
    }

    /** Stable id of the cell's (single) release; the noise PRF's input. */
    String insightId() {
      return "ins-"
          + UUID.nameUUIDFromBytes(
              (brand + SEP + network + SEP + start + SEP + category + SEP + metric)
                  .getBytes(StandardCharsets.UTF_8));
    }
  }
}
