package dev.lattice.benchmarks.bench;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar per phase on a terminal ({@code \r} redraws, at most every 200 ms); on
 * anything else (a pipe, a CI log) one line per finished phase. Thread-safe.
 */
public final class ProgressBar {
  private static final int WIDTH = 30;
  private final PrintStream out;
  private final boolean interactive;
  private String phase;
  private long total;
  private long done;
  private long phaseStart;
  private long lastDraw;

  public ProgressBar(PrintStream out, boolean interactive) {
    this.out = out;
    this.interactive = interactive;
  }

  /** A bar that draws nothing. */
  public static ProgressBar silent() {
    return new ProgressBar(new PrintStream(java.io.OutputStream.nullOutputStream()), false);
  }

  /** Ends the current phase (if any) and starts one of {@code total} steps (0 = unknown). */
  public synchronized void phase(String name, long total) {
    finishPhase();
    this.phase = name;
    this.total = total;
    this.done = 0;
    this.phaseStart = System.nanoTime();
    this.lastDraw = 0;
    draw(true);
  }

  public synchronized long total() {
    return total;
  }

  public synchronized void update(long done) {
    this.done = done;
    draw(false);
  }

  /** Ends the last phase. */
  public synchronized void done() {
    finishPhase();
    phase = null;
  }

  private void finishPhase() {
    if (phase == null) {
      return;
    }
    done = Math.max(done, total);
    if (interactive) {
      draw(true);
      out.println();
    } else {
      out.printf(
          Locale.ROOT,
          "lattice bench: %s done in %.1f s%n",
          phase,
          (System.nanoTime() - phaseStart) / 1e9);
    }
    out.flush();
  }

  private void draw(boolean force) {
    if (!interactive || phase == null) {
      return;
    }
    long now = System.nanoTime();
    if (!force && now - lastDraw < 200_000_000L) {
      return;
    }
    lastDraw = now;
    out.print("\r" + render(phase, done, total, (now - phaseStart) / 1e9));
    out.flush();
  }

  /** One line: a bar of {@value #WIDTH} cells, the percentage and the elapsed time. */
  static String render(String phase, long done, long total, double seconds) {
    double fraction = total <= 0 ? 0 : Math.min(1, (double) done / total);
    int filled = (int) Math.round(fraction * WIDTH);
    String bar = "#".repeat(filled) + ".".repeat(WIDTH - filled);
    return String.format(
        Locale.ROOT, "[%s] %3d%%  %-40s %6.1f s", bar, Math.round(fraction * 100), phase, seconds);
  }
}
