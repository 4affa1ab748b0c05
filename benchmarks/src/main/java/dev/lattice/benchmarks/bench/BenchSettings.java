package dev.lattice.benchmarks.bench;

import dev.lattice.demo.WorldSpec;
import java.time.Duration;

/**
 * What {@code lattice bench} runs. Validated on construction; a bad value fails with a message
 * naming the option.
 *
 * @param members synthetic members
 * @param networks synthetic networks
 * @param events ingest events in the throughput backlog
 * @param consentRatio probability that a member grants each purpose
 * @param seed seed of the world and the traffic
 * @param threads stream threads of each topology
 * @param latencyLoad the latency phase offers this fraction of the enforcing topology's measured
 *     throughput
 * @param latencyDuration how long each topology's latency phase lasts
 * @param maxTaskIdleMs Kafka Streams {@code max.task.idle.ms} of both topologies (default: what
 *     Lattice runs with, {@code LatticeStreams.DEFAULT_MAX_TASK_IDLE_MS}); to measure what waiting
 *     for a task's partitions costs
 * @param warmupEvents ingest events of a separate backlog that every topology drains, on its own
 *     topics, before anything is measured (0: none), so that the figures are the JIT-compiled
 *     steady state of a long-running gateway rather than the first seconds of a fresh JVM
 */
public record BenchSettings(
    int members,
    int networks,
    long events,
    double consentRatio,
    long seed,
    int threads,
    double latencyLoad,
    Duration latencyDuration,
    long maxTaskIdleMs,
    long warmupEvents) {

  /**
   * The default size of the warm-up backlog. Code run once per event reaches the JIT's optimising
   * tier only after some 15,000 calls: after a warm-up of 5,000 events the JIT still compiled for
   * 9.9 s of the measured enforcing drain's 13 s (idle 2-core machine), after 20,000 for 3.7 s.
   */
  public static final long DEFAULT_WARMUP_EVENTS = 20_000;

  public BenchSettings {
    if (members < 1 || members > WorldSpec.MAX_MEMBERS) {
      throw new IllegalArgumentException(
          "--members must be between 1 and " + WorldSpec.MAX_MEMBERS + ", was " + members);
    }
    if (networks < 2 || networks > WorldSpec.MAX_NETWORKS) {
      throw new IllegalArgumentException(
          "--networks must be between 2 and " + WorldSpec.MAX_NETWORKS + ", was " + networks);
    }
    if (events < 1 || events > 100_000_000L) {
      throw new IllegalArgumentException("--events must be between 1 and 100000000, was " + events);
    }
    if (!(consentRatio >= 0 && consentRatio <= 1)) {
      throw new IllegalArgumentException(
          "--consent-ratio must be between 0 and 1, was " + consentRatio);
    }
    if (threads < 1 || threads > 64) {
      throw new IllegalArgumentException("--threads must be between 1 and 64, was " + threads);
    }
    if (!(latencyLoad > 0 && latencyLoad <= 1)) {
      throw new IllegalArgumentException(
          "--latency-load must be above 0 and at most 1, was " + latencyLoad);
    }
    if (latencyDuration == null || latencyDuration.isNegative() || latencyDuration.isZero()) {
      throw new IllegalArgumentException("--latency-seconds must be positive");
    }
    if (maxTaskIdleMs < 0) {
      throw new IllegalArgumentException(
          "--max-task-idle-ms must be 0 or more, was " + maxTaskIdleMs);
    }
    if (warmupEvents < 0 || warmupEvents > 100_000_000L) {
      throw new IllegalArgumentException(
          "--warmup-events must be between 0 and 100000000, was " + warmupEvents);
    }
  }

  /** Settings with Lattice's own {@code max.task.idle.ms} and no warm-up backlog. */
  public BenchSettings(
      int members,
      int networks,
      long events,
      double consentRatio,
      long seed,
      int threads,
      double latencyLoad,
      Duration latencyDuration) {
    this(
        members,
        networks,
        events,
        consentRatio,
        seed,
        threads,
        latencyLoad,
        latencyDuration,
        dev.lattice.streams.LatticeStreams.DEFAULT_MAX_TASK_IDLE_MS,
        0);
  }

  /** Defaults that finish well within 3 minutes on 2 cores. */
  public static BenchSettings defaults() {
    return new BenchSettings(
        1000,
        6,
        10_000,
        0.6,
        42L,
        1,
        0.5,
        Duration.ofSeconds(10),
        dev.lattice.streams.LatticeStreams.DEFAULT_MAX_TASK_IDLE_MS,
        DEFAULT_WARMUP_EVENTS);
  }

  /** The settings of the warm-up pass: its backlog is {@code warmupEvents}, with no warm-up. */
  BenchSettings forWarmUp() {
    return new BenchSettings(
        members,
        networks,
        warmupEvents,
        consentRatio,
        seed,
        threads,
        latencyLoad,
        latencyDuration,
        maxTaskIdleMs,
        0);
  }

  public WorldSpec world() {
    return new WorldSpec(seed, networks, members, consentRatio);
  }
}
