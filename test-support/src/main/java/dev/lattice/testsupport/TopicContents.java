package dev.lattice.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a whole topic as it is now, from the beginning up to the end offsets seen at the start, for
 * assertions. Returns what it read within 30 s (callers polling with Awaitility retry on a short
 * read rather than fail on it).
 */
public final class TopicContents {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private TopicContents() {}

  /**
   * @param committedOnly {@code read_committed} when true, {@code read_uncommitted} otherwise (to
   *     see records of open or aborted transactions too)
   */
  public static List<ConsumerRecord<byte[], byte[]>> read(
      TestKafka kafka, String topic, boolean committedOnly) {
    Map<String, Object> props = kafka.consumerProperties(kafka.uniqueName("reader"));
    props.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        committedOnly ? "read_committed" : "read_uncommitted");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          consumer.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (System.nanoTime() < deadline
          && parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }
}
