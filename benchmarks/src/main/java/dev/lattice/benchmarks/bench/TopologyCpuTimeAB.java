package dev.lattice.benchmarks.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@link TopologyCpuTime} for two or more builds in one JVM, their rounds alternating: each jar is
 * loaded in a class loader of its own and its own {@code TopologyCpuTime} round runs in turn (who
 * goes first rotates). On a machine that other builds load, separate runs of the old and the new
 * jar drift by more than the change being measured (the JIT's compiler threads starve, caches are
 * shared); rounds taken back to back in one process see the same conditions, and the per-round
 * ratio against the first jar cancels most of the drift. Prints every round, then per jar the
 * median and best µs per event inside the topology's processors and the median of the per-round
 * ratios.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.lattice.benchmarks.bench.TopologyCpuTimeAB <events per round> <rounds> <warm-up rounds>
 * old.jar new.jar [more.jar ...]} (copy the old {@code benchmarks.jar} aside before rebuilding).
 */
public final class TopologyCpuTimeAB {
  private TopologyCpuTimeAB() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 5) {
      throw new IllegalArgumentException(
          "usage: TopologyCpuTimeAB <events> <rounds> <warm-up rounds> <jar> <jar> [<jar> ...]");
    }
    int events = Integer.parseInt(args[0]);
    int rounds = Integer.parseInt(args[1]);
    int warmup = Integer.parseInt(args[2]);
    int jars = args.length - 3;
    Method[] round = new Method[jars];
    String[] names = new String[jars];
    for (int i = 0; i < jars; i++) {
      Path jar = Path.of(args[3 + i]);
      names[i] = jar.getFileName().toString();
      // The platform loader as parent: nothing of Lattice or its libraries is shared between jars.
      URLClassLoader loader =
          new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
      loader.loadClass(QuietLogging.class.getName()).getMethod("toStandardError").invoke(null);
      round[i] =
          loader
              .loadClass(TopologyCpuTime.class.getName())
              .getDeclaredMethod("round", int.class, int.class, ThreadMXBean.class);
      round[i].setAccessible(true);
    }
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    double[][] inside = new double[jars][rounds];
    double[][] whole = new double[jars][rounds];
    for (int r = -warmup; r < rounds; r++) {
      for (int k = 0; k < jars; k++) {
        int i = Math.floorMod(r + k, jars);
        Thread.currentThread().setContextClassLoader(round[i].getDeclaringClass().getClassLoader());
        double[] us = (double[]) round[i].invoke(null, events, 1_000, cpu);
        if (r >= 0) {
          whole[i][r] = us[0];
          inside[i][r] = us[1];
        }
      }
      if (r >= 0) {
        StringBuilder line = new StringBuilder("round " + r + ":");
        for (int i = 0; i < jars; i++) {
          line.append(
              String.format(Locale.ROOT, " %s %.1f (%.1f)", names[i], inside[i][r], whole[i][r]));
        }
        System.out.println(line);
      }
    }
    for (int i = 0; i < jars; i++) {
      double[] sorted = inside[i].clone();
      Arrays.sort(sorted);
      double[] sortedWhole = whole[i].clone();
      Arrays.sort(sortedWhole);
      String line =
          String.format(
              Locale.ROOT,
              "%s: in the processors median %.1f, best %.1f µs/event (cpu); whole thread median %.1f",
              names[i],
              sorted[rounds / 2],
              sorted[0],
              sortedWhole[rounds / 2]);
      if (i > 0) {
        double[] ratio = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          ratio[r] = inside[i][r] / inside[0][r];
        }
        Arrays.sort(ratio);
        line +=
            String.format(
                Locale.ROOT,
                "; against %s, per-round ratio median %.3f (min %.3f, max %.3f)",
                names[0],
                ratio[rounds / 2],
                ratio[0],
                ratio[rounds - 1]);
      }
      System.out.println(line);
    }
  }
}
