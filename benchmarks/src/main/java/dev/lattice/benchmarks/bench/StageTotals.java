package dev.lattice.benchmarks.bench;

import dev.lattice.streams.StageTimings;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sums the time the enforcing topology spends per stage (its {@link StageTimings} hook), across
 * stream threads. Thread-safe.
 */
final class StageTotals implements StageTimings {
  private final Map<Stage, LongAdder> nanos = new EnumMap<>(Stage.class);

  StageTotals() {
    for (Stage s : Stage.values()) {
      nanos.put(s, new LongAdder());
    }
  }

  @Override
  public void add(Stage stage, long n) {
    nanos.get(stage).add(n);
  }

  /** The totals so far, in nanoseconds. */
  Map<Stage, Long> snapshot() {
    Map<Stage, Long> out = new EnumMap<>(Stage.class);
    nanos.forEach((s, a) -> out.put(s, a.sum()));
    return out;
  }

  /** {@code later} minus {@code earlier}, per stage, in microseconds per event. */
  static Map<Stage, Double> microsPerEvent(
      Map<Stage, Long> earlier, Map<Stage, Long> later, double events) {
    Map<Stage, Double> out = new EnumMap<>(Stage.class);
    for (Stage s : Stage.values()) {
      long d = later.getOrDefault(s, 0L) - earlier.getOrDefault(s, 0L);
      out.put(s, events <= 0 ? 0 : d / 1e3 / events);
    }
    return out;
  }
}
