package dev.lattice.streams.internal.enforce;

import dev.lattice.streams.StageTimings;
import dev.lattice.streams.StageTimings.Stage;

/**
 * Times the stages of one task's enforcement into a {@link StageTimings}, or does nothing (reads no
 * clock) when there is none. Nested stages (writes inside a delivery) are not counted twice: {@link
 * #stopExcludingWrites} subtracts the writes timed since its start. One task uses an instance; not
 * thread-safe.
 */
final class StageClock {
  static final StageClock OFF = new StageClock(null);

  private final StageTimings timings;
  private long writeNanos;

  StageClock(StageTimings timings) {
    this.timings = timings;
  }

  static StageClock of(StageTimings timings) {
    return timings == null ? OFF : new StageClock(timings);
  }

  boolean on() {
    return timings != null;
  }

  /** A start time, or 0 when off. */
  long start() {
    return timings == null ? 0 : System.nanoTime();
  }

  /** The writes timed so far (to pass to {@link #stopExcludingWrites}). */
  long writesSoFar() {
    return writeNanos;
  }

  void stop(Stage stage, long start) {
    if (timings != null) {
      long nanos = System.nanoTime() - start;
      if (stage == Stage.WRITE) {
        writeNanos += nanos;
      }
      timings.add(stage, nanos);
    }
  }

  /** Stops {@code stage}, minus the writes timed since {@code writesAtStart}. */
  void stopExcludingWrites(Stage stage, long start, long writesAtStart) {
    if (timings != null) {
      long nanos = System.nanoTime() - start - (writeNanos - writesAtStart);
      timings.add(stage, Math.max(0, nanos));
    }
  }
}
