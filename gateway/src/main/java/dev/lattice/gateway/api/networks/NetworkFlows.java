package dev.lattice.gateway.api.networks;

import dev.lattice.schemas.AvroCodec;
import dev.lattice.schemas.TopicCatalogue;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.schemas.avro.ReasonEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What left a network, from the audit ({@code lattice.audit.decisions}): for a window, per
 * destination (partner network or brand), purpose and data category, how many flows were allowed
 * and denied, and why they were denied. Only decisions whose source is the network count, so a
 * network admin sees what its agreements and export rules actually carry. Counts only: no member,
 * no event.
 *
 * <p>Each call reads the audit partitions from the window's start (found by timestamp) to their end
 * at the time of the call, at most {@code maxRecords} records (then {@code truncated}). Thread-safe
 * (one consumer per call).
 */
public final class NetworkFlows {
  private static final Logger LOGGER = LoggerFactory.getLogger(NetworkFlows.class);
  private static final AvroCodec<DecisionRecord> CODEC = AvroCodec.of(DecisionRecord.class);

  /** The longest window a report may cover. */
  public static final Duration MAX_WINDOW = Duration.ofDays(31);

  /** Records are stamped when the task writes them; the window is on decided_at. */
  private static final Duration SEEK_SLACK = Duration.ofMinutes(5);

  private final Map<String, Object> clientProperties;
  private final long maxRecords;

  public NetworkFlows(Map<String, Object> clientProperties, long maxRecords) {
    this.clientProperties = clientProperties;
    this.maxRecords = maxRecords;
  }

  /** One row: flows from the network to one destination, for one purpose and category. */
  public record Flow(
      String destinationKind,
      String destinationId,
      String purpose,
      String category,
      long allowed,
      long denied,
      Map<String, Long> deniedBy) {}

  /** The report of a window. */
  public record Report(
      String network,
      Instant from,
      Instant to,
      long decisions,
      long allowed,
      long denied,
      List<Flow> flows,
      boolean truncated) {}

  public Report report(String network, Instant from, Instant to) {
    Map<List<String>, long[]> counts = new HashMap<>();
    Map<List<String>, Map<String, Long>> reasons = new HashMap<>();
    long scanned = 0;
    boolean truncated = false;
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    String topic = TopicCatalogue.AUDIT_DECISIONS.name();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor(topic, Duration.ofSeconds(10))
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      consumer.assign(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      Map<TopicPartition, Long> seekTo = new HashMap<>();
      // (Kafka takes no time before the epoch: a window starting just after it seeks from 0)
      long seekMillis = Math.max(0L, from.minus(SEEK_SLACK).toEpochMilli());
      partitions.forEach(p -> seekTo.put(p, seekMillis));
      Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(seekTo);
      for (TopicPartition p : partitions) {
        OffsetAndTimestamp start = starts.get(p);
        consumer.seek(p, start == null ? ends.get(p) : start.offset());
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        if (System.nanoTime() > deadline || scanned >= maxRecords) {
          truncated = true;
          break;
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          if (r.offset() >= ends.get(tp)) {
            continue;
          }
          scanned++;
          DecisionRecord d;
          try {
            d = CODEC.decode(r.value());
          } catch (RuntimeException e) {
            LOGGER.warn(
                "undecodable audit record skipped in flow report partition={} offset={}",
                r.partition(),
                r.offset());
            continue;
          }
          if (!network.equals(d.getSourceNetwork())
              || d.getDecidedAt().isBefore(from)
              || !d.getDecidedAt().isBefore(to)) {
            continue;
          }
          List<String> categories =
              d.getCategories().isEmpty() ? List.of("uncategorised") : d.getCategories();
          for (String category : categories) {
            List<String> key =
                List.of(
                    d.getDestination().getKind(),
                    d.getDestination().getId(),
                    d.getPurpose() == null ? "none" : d.getPurpose(),
                    category);
            long[] c = counts.computeIfAbsent(key, k -> new long[2]);
            if (d.getAllow()) {
              c[0]++;
            } else {
              c[1]++;
              Map<String, Long> why = reasons.computeIfAbsent(key, k -> new TreeMap<>());
              for (ReasonEntry reason : d.getReasons()) {
                why.merge(reason.getCode(), 1L, Long::sum);
              }
            }
          }
          // decisions, allowed and denied count decisions once, whatever their categories
          counts.computeIfAbsent(List.of(), k -> new long[2])[d.getAllow() ? 0 : 1]++;
        }
      }
    }
    long[] totals = counts.getOrDefault(List.of(), new long[2]);
    List<Flow> flows = new ArrayList<>();
    counts.forEach(
        (k, c) -> {
          if (!k.isEmpty()) {
            flows.add(
                new Flow(
                    k.get(0),
                    k.get(1),
                    k.get(2),
                    k.get(3),
                    c[0],
                    c[1],
                    reasons.getOrDefault(k, Map.of())));
          }
        });
    flows.sort(
        Comparator.comparing(Flow::destinationKind)
            .thenComparing(Flow::destinationId)
            .thenComparing(Flow::purpose)
            .thenComparing(Flow::category));
    return new Report(
        network, from, to, totals[0] + totals[1], totals[0], totals[1], flows, truncated);
  }
}
