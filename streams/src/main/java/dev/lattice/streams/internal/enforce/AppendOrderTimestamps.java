package dev.lattice.streams.internal.enforce;

import dev.lattice.streams.TopicNames;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.streams.processor.TimestampExtractor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The time by which a task chooses among its member-keyed input partitions: the broker's append
 * time of the record (the topics are {@code LogAppendTime}), with consent commands and member keys
 * counted one millisecond earlier so that, at equal broker time, a member's state is applied before
 * an event is decided. Kafka Streams picks the buffered record with the smallest time across a
 * task's partitions; this makes that order the broker's append order (docs/decision-contract.md,
 * "Order of consent and events").
 *
 * <p>A record that carries the producer's time instead ({@code CreateTime}: the topic was not
 * created from the catalogue) is still used, with one warning per topic: its order against the
 * other topics then follows the producers' clocks. A record without a time keeps its partition's
 * time (it is never dropped). Thread-safe.
 */
public final class AppendOrderTimestamps implements TimestampExtractor {
  private static final Logger LOGGER = LoggerFactory.getLogger(AppendOrderTimestamps.class);
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private final Set<String> stateTopics;

  public AppendOrderTimestamps(TopicNames topics) {
    this.stateTopics = Set.of(topics.consentCommands(), topics.memberKeys());
  }

  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    if (record.timestampType() != TimestampType.LOG_APPEND_TIME && WARNED.add(record.topic())) {
      LOGGER.warn(
          "input topic carries producer time, not the broker's append time: the order of consent"
              + " commands and events across topics follows producers' clocks until"
              + " message.timestamp.type=LogAppendTime is set topic={} timestampType={}",
          record.topic(),
          record.timestampType());
    }
    long time = record.timestamp() >= 0 ? record.timestamp() : Math.max(partitionTime, 0);
    return stateTopics.contains(record.topic()) ? Math.max(time - 1, 0) : time;
  }
}
