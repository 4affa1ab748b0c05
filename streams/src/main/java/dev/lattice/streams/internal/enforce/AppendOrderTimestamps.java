package dev.lattice.streams.internal.enforce;

import dev.lattice.streams.TopicNames;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * The time by which a task chooses among its member-keyed input partitions: the broker's append
 * time of the record (the topics are {@code LogAppendTime}), with consent commands and member keys
 * counted one millisecond earlier so that, at equal broker time, a member's state is applied before
 * an event is decided. Kafka Streams picks the buffered record with the smallest time across a
 * task's partitions; this makes that order the broker's append order (docs/decision-contract.md,
 * "Order of consent and events").
 *
 * <p>Kafka Streams hands extractors a copy of the record that always says {@code CreateTime}, so
 * the topic's timestamp type cannot be checked here: the gateway's topic check reports a
 * member-keyed input that is not {@code LogAppendTime}. A record without a time keeps its
 * partition's time (it is never dropped). Thread-safe.
 */
public final class AppendOrderTimestamps implements TimestampExtractor {
  private final Set<String> stateTopics;

  public AppendOrderTimestamps(TopicNames topics) {
    this.stateTopics = Set.of(topics.consentCommands(), topics.memberKeys());
  }

  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    long time = record.timestamp() >= 0 ? record.timestamp() : Math.max(partitionTime, 0);
    return stateTopics.contains(record.topic()) ? Math.max(time - 1, 0) : time;
  }
}
