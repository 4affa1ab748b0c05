package dev.lattice.streams;

import java.util.Set;

/**
 * Tells the topology whether an output topic exists, so that an unknown destination (a brand or
 * network without its topic) is an audited deny ({@code destination.unknown}) instead of a task
 * that retries forever on a missing topic and stalls every member of its partitions.
 * Implementations must be thread-safe and answer quickly (they run on stream threads).
 */
@FunctionalInterface
public interface TopicDirectory {
  boolean exists(String topic);

  /** A fixed set of topics (tests). */
  static TopicDirectory of(Set<String> topics) {
    Set<String> copy = Set.copyOf(topics);
    return copy::contains;
  }
}
