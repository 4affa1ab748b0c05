package dev.lattice.streams.internal.enforce;

import dev.lattice.streams.internal.codec.Inbound;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Sends an offer to every partition of the member sub-topology: the members of a target network are
 * spread over all partitions, and each task offers it to the members it owns.
 */
public final class Broadcast implements StreamPartitioner<byte[], Inbound> {
  @Override
  public Optional<Set<Integer>> partitions(
      String topic, byte[] key, Inbound value, int numPartitions) {
    return Optional.of(
        IntStream.range(0, numPartitions).boxed().collect(Collectors.toUnmodifiableSet()));
  }
}
