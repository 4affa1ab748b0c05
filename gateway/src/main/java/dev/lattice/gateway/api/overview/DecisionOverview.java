package dev.lattice.gateway.api.overview;

import dev.lattice.gateway.events.TopicTail;
import dev.lattice.schemas.AvroCodec;
import dev.lattice.schemas.TopicCatalogue;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.schemas.avro.QuarantineRecord;
import dev.lattice.schemas.avro.ReasonEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Running totals of the decision log and the quarantine for the console's overview: decisions per
 * time bucket (allowed, denied), denials by reason, totals per destination network and brand, and
 * quarantined records by error class. Reads {@code lattice.audit.decisions} and {@code
 * lattice.quarantine} from their beginning, starting on the first request (an installation that
 * never opens the overview pays nothing). Holds counters only, never an event or a member id.
 * Thread-safe.
 */
public final class DecisionOverview implements AutoCloseable {

  /** Width of one bucket of the decision-rate series. */
  public static final Duration BUCKET = Duration.ofSeconds(10);

  /** How many buckets are kept (one hour). */
  public static final int BUCKETS = 360;

  private final Map<String, Object> clientProperties;
  private final Clock clock;
  private final AvroCodec<DecisionRecord> decisions = AvroCodec.of(DecisionRecord.class);
  private final AvroCodec<QuarantineRecord> quarantined = AvroCodec.of(QuarantineRecord.class);
  private final TreeMap<Long, long[]> series = new TreeMap<>();
  private final Map<String, Long> denialsByReason = new HashMap<>();
  private final Map<String, long[]> byNetwork = new HashMap<>();
  private final Map<String, long[]> byBrand = new HashMap<>();
  private final Map<String, Long> quarantineByError = new HashMap<>();
  private long allowed;
  private long denied;
  private long quarantine;
  private final Object tails = new Object();
  private TopicTail auditTail;
  private TopicTail quarantineTail;

  public DecisionOverview(Map<String, Object> clientProperties, Clock clock) {
    this.clientProperties = Map.copyOf(clientProperties);
    this.clock = clock;
  }

  /** Counts per destination: allowed and denied. */
  public record Split(String id, long allowed, long denied) {}

  /** Decisions made in one bucket starting at {@code at}. */
  public record Bucket(Instant at, long allowed, long denied) {}

  /** How often one reason denied. */
  public record ReasonCount(String code, long count) {}

  /**
   * What the overview shows.
   *
   * @param ratePerSecond decisions per second over the last minute (by decision time)
   * @param series the last {@code minutes} minutes in {@link #BUCKET} buckets, oldest first
   */
  public record Snapshot(
      Instant generatedAt,
      boolean caughtUp,
      long allowed,
      long denied,
      double ratePerSecond,
      List<Bucket> series,
      List<ReasonCount> topDenyReasons,
      long quarantined,
      List<ReasonCount> quarantineByError,
      List<Split> networks,
      List<Split> brands) {}

  /** The current totals; starts following the topics on the first call. */
  public Snapshot snapshot(int minutes) {
    boolean caughtUp = start();
    Instant now = clock.instant();
    long bucketMillis = BUCKET.toMillis();
    long last = Math.floorDiv(now.toEpochMilli(), bucketMillis);
    int count = (int) Math.max(1, Math.min(BUCKETS, Duration.ofMinutes(minutes).dividedBy(BUCKET)));
    synchronized (this) {
      List<Bucket> buckets = new ArrayList<>(count);
      for (long b = last - count + 1; b <= last; b++) {
        long[] c = series.getOrDefault(b, new long[2]);
        buckets.add(new Bucket(Instant.ofEpochMilli(b * bucketMillis), c[0], c[1]));
      }
      long lastMinute = 0;
      int perMinute = (int) (Duration.ofMinutes(1).toMillis() / bucketMillis);
      for (long b = last - perMinute + 1; b <= last; b++) {
        long[] c = series.get(b);
        lastMinute += c == null ? 0 : c[0] + c[1];
      }
      return new Snapshot(
          now,
          caughtUp,
          allowed,
          denied,
          lastMinute / 60.0,
          buckets,
          top(denialsByReason, 10),
          quarantine,
          top(quarantineByError, 10),
          splits(byNetwork),
          splits(byBrand));
    }
  }

  private boolean start() {
    TopicTail audit;
    TopicTail quarantineTopic;
    synchronized (tails) {
      if (auditTail == null) {
        auditTail =
            new TopicTail(
                    TopicCatalogue.AUDIT_DECISIONS.name(),
                    clientProperties,
                    r -> {
                      if (r.value() != null) {
                        count(decisions.decode(r.value()));
                      }
                    })
                .start();
        quarantineTail =
            new TopicTail(
                    TopicCatalogue.QUARANTINE.name(),
                    clientProperties,
                    r -> {
                      if (r.value() != null) {
                        count(quarantined.decode(r.value()));
                      }
                    })
                .start();
      }
      audit = auditTail;
      quarantineTopic = quarantineTail;
    }
    // Not under the counters' lock: the tails' threads need it to count what they read.
    return audit.awaitCaughtUp(Duration.ofSeconds(2))
        && quarantineTopic.awaitCaughtUp(Duration.ofSeconds(1));
  }

  private synchronized void count(DecisionRecord d) {
    int column = d.getAllow() ? 0 : 1;
    if (d.getAllow()) {
      allowed++;
    } else {
      denied++;
      for (ReasonEntry reason : d.getReasons()) {
        denialsByReason.merge(reason.getCode(), 1L, Long::sum);
      }
    }
    long bucket = Math.floorDiv(d.getDecidedAt().toEpochMilli(), BUCKET.toMillis());
    series.computeIfAbsent(bucket, b -> new long[2])[column]++;
    while (series.size() > BUCKETS) {
      series.pollFirstEntry();
    }
    Map<String, long[]> destinations =
        "brand".equals(d.getDestination().getKind()) ? byBrand : byNetwork;
    destinations.computeIfAbsent(d.getDestination().getId(), k -> new long[2])[column]++;
  }

  private synchronized void count(QuarantineRecord q) {
    quarantine++;
    quarantineByError.merge(q.getErrorClass(), 1L, Long::sum);
  }

  private static List<ReasonCount> top(Map<String, Long> counts, int limit) {
    return counts.entrySet().stream()
        .sorted(
            Map.Entry.<String, Long>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .limit(limit)
        .map(e -> new ReasonCount(e.getKey(), e.getValue()))
        .toList();
  }

  private static List<Split> splits(Map<String, long[]> counts) {
    return counts.entrySet().stream()
        .map(e -> new Split(e.getKey(), e.getValue()[0], e.getValue()[1]))
        .sorted(Comparator.comparing(Split::id))
        .toList();
  }

  @Override
  public void close() {
    synchronized (tails) {
      if (auditTail != null) {
        auditTail.close();
        quarantineTail.close();
      }
    }
  }
}
