package dev.lattice.benchmarks.bench;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * End-to-end latency samples of one run, in nanoseconds, and their percentiles, overall and per
 * kind of event (a p99 over a mix says little when one kind takes another path through the
 * topology). Thread-safe (synchronised): one consumer thread records while the progress thread
 * reads the count.
 */
public final class Latencies {
  private long[] samples = new long[1024];
  private int size;
  private final Map<String, Latencies> byKind = new TreeMap<>();

  /** Records a sample of an event of {@code kind}, in the overall and in the kind's figures. */
  public synchronized void record(String kind, long nanos) {
    record(nanos);
    byKind.computeIfAbsent(kind, k -> new Latencies()).record(nanos);
  }

  public synchronized void record(long nanos) {
    if (nanos < 0) {
      throw new IllegalArgumentException("a latency cannot be negative, was " + nanos + " ns");
    }
    if (size == samples.length) {
      samples = Arrays.copyOf(samples, size * 2);
    }
    samples[size++] = nanos;
  }

  public synchronized int count() {
    return size;
  }

  /** The percentiles of what was recorded so far; all zero when nothing was. */
  public synchronized Summary summary() {
    if (size == 0) {
      return new Summary(0, 0, 0, 0);
    }
    long[] sorted = Arrays.copyOf(samples, size);
    Arrays.sort(sorted);
    Map<String, Summary> kinds = new TreeMap<>();
    byKind.forEach((kind, l) -> kinds.put(kind, l.summary()));
    return new Summary(
        size,
        millis(percentile(sorted, 50)),
        millis(percentile(sorted, 99)),
        millis(sorted[size - 1]),
        kinds);
  }

  /**
   * Nearest-rank percentile: the smallest sample with at least {@code p} percent of samples at or
   * below it.
   */
  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  private static double millis(long nanos) {
    return nanos / 1_000_000.0;
  }

  /**
   * @param count samples
   * @param p50Ms median in milliseconds
   * @param p99Ms 99th percentile in milliseconds
   * @param maxMs largest sample in milliseconds
   * @param byKind the same per kind of event (empty when samples were recorded without a kind)
   */
  public record Summary(
      int count, double p50Ms, double p99Ms, double maxMs, Map<String, Summary> byKind) {
    public Summary {
      byKind = java.util.Collections.unmodifiableMap(new TreeMap<>(byKind));
    }

    public Summary(int count, double p50Ms, double p99Ms, double maxMs) {
      this(count, p50Ms, p99Ms, maxMs, Map.of());
    }
  }
}
