package dev.lattice.demo;

import dev.lattice.schemas.AvroCodec;
import dev.lattice.schemas.LatticeSerdes;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.schemas.avro.ReasonEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the audit topic from its end and keeps running totals of the decisions the topology
 * makes: allowed, denied, denials by reason, and the most recent decisions (so the demo can point
 * at a real event to explain). Thread-safe: one reader thread updates, any thread reads a {@link
 * Snapshot}.
 */
public final class DecisionFeed implements AutoCloseable {
  private static final Logger LOGGER = LoggerFactory.getLogger(DecisionFeed.class);
  private static final AvroCodec<DecisionRecord> DECISIONS =
      LatticeSerdes.codec(DecisionRecord.class);
  private static final String INSIGHT = "insight";

  /**
   * What happened so far. Insight releases are counted apart from member decisions: released cells
   * passed the noisy threshold, withheld ones did not (or found the budget spent).
   */
  public record Snapshot(
      long allowed,
      long denied,
      Map<String, Long> denialsByReason,
      DecisionRecord lastAllowed,
      DecisionRecord lastDenied,
      long insightsReleased,
      long insightsWithheld) {}

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final Thread reader;
  private long allowed;
  private long denied;
  private final Map<String, Long> reasons = new HashMap<>();
  private DecisionRecord lastAllowed;
  private DecisionRecord lastDenied;
  private long insightsReleased;
  private long insightsWithheld;
  private final List<DecisionRecord> newReleases = new ArrayList<>();

  public DecisionFeed(Map<String, Object> clientProperties, String auditTopic) {
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "lattice-demo-decision-feed");
    consumer = new KafkaConsumer<>(props);
    List<TopicPartition> partitions = new ArrayList<>();
    consumer
        .partitionsFor(auditTopic)
        .forEach(p -> partitions.add(new TopicPartition(auditTopic, p.partition())));
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    reader = Thread.ofPlatform().daemon().name("lattice-demo-decision-feed").start(this::read);
  }

  private void read() {
    try {
      while (!stop.get()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          try {
            count(DECISIONS.decode(r.value()));
          } catch (RuntimeException e) {
            LOGGER.warn(
                "audit record not readable partition={} offset={}", r.partition(), r.offset());
          }
        }
      }
    } catch (org.apache.kafka.common.errors.WakeupException e) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private synchronized void count(DecisionRecord d) {
    if (INSIGHT.equals(d.getEventType())) {
      if (d.getAllow()) {
        insightsReleased++;
        newReleases.add(d);
      } else {
        insightsWithheld++;
      }
      return;
    }
    if (d.getAllow()) {
      allowed++;
      lastAllowed = d;
    } else {
      denied++;
      lastDenied = d;
      for (ReasonEntry reason : d.getReasons()) {
        reasons.merge(reason.getCode(), 1L, Long::sum);
      }
    }
  }

  public synchronized Snapshot snapshot() {
    return new Snapshot(
        allowed,
        denied,
        Map.copyOf(reasons),
        lastAllowed,
        lastDenied,
        insightsReleased,
        insightsWithheld);
  }

  /** Insight releases seen since the last call (the audit record of each released cell). */
  public synchronized List<DecisionRecord> takeNewReleases() {
    List<DecisionRecord> taken = List.copyOf(newReleases);
    newReleases.clear();
    return taken;
  }

  @Override
  public void close() {
    stop.set(true);
    consumer.wakeup();
  }
}
