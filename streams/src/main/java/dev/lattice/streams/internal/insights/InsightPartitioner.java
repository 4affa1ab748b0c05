package dev.lattice.streams.internal.insights;

import dev.lattice.streams.internal.codec.InsightTick;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Partitions the insight ticks: counts by brand (the default partitioning of the key), and a
 * member's consent change to every partition, since the member may have been counted for brands
 * owned by any task.
 */
public final class InsightPartitioner implements StreamPartitioner<String, InsightTick> {
  @Override
  public Optional<Set<Integer>> partitions(
      String topic, String key, InsightTick value, int numPartitions) {
    if (value != null && value.kind() == InsightTick.Kind.CONSENT_CHANGED) {
      return Optional.of(
          IntStream.range(0, numPartitions).boxed().collect(Collectors.toUnmodifiableSet()));
    }
    return Optional.empty();
  }
}
