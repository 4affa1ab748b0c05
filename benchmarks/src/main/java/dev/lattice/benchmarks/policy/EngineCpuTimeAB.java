package dev.lattice.benchmarks.policy;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@link EngineCpuTime}'s cases for two builds in one JVM, alternating: each jar is loaded in a
 * class loader of its own, and every round runs each case on both builds back to back (which goes
 * first alternates), in CPU time of the measuring thread. On a machine other builds load, separate
 * runs of the old and the new jar drift by more than an engine change moves them; rounds taken back
 * to back see the same conditions, and the per-round ratio cancels most of the drift (as {@code
 * TopologyCpuTimeAB} does for the topology). The cases are built through the benchmarks' own
 * classes ({@link DecideBenchmark} with the shared-part memo, {@link ConsentPolicyBenchmark}'s Rego
 * engine), which older builds have too.
 *
 * <p>Run: {@code java -Xss4m -cp benchmarks/target/benchmarks.jar
 * dev.lattice.benchmarks.policy.EngineCpuTimeAB old.jar new.jar [operations per case and round]
 * [rounds]} (copy the old {@code benchmarks.jar} aside before rebuilding).
 */
public final class EngineCpuTimeAB {
  private EngineCpuTimeAB() {}

  private static final String[] CASES = {
    "offerAllowed",
    "offerToManyMembers",
    "memberDataAllowedWithObligations",
    "memberDataDenied",
    "consent regoEngine"
  };

  private static final int WARM_UP_ROUNDS = 3;

  /** One operation of a case: the index picks the consent input, as in EngineCpuTime. */
  private interface Operation {
    void run(int i) throws Throwable;
  }

  public static void main(String[] args) throws Throwable {
    if (args.length < 2) {
      throw new IllegalArgumentException(
          "usage: EngineCpuTimeAB <old.jar> <new.jar> [operations per case and round] [rounds]");
    }
    int n = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 9;
    Operation[][] builds = {cases(Path.of(args[0])), cases(Path.of(args[1]))};
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    double[][][] micros = new double[2][CASES.length][rounds];
    for (int round = -WARM_UP_ROUNDS; round < rounds; round++) {
      for (int k = 0; k < CASES.length; k++) {
        for (int turn = 0; turn < 2; turn++) {
          int build = Math.floorMod(round + k + turn, 2);
          Operation op = builds[build][k];
          long t0 = cpu.getCurrentThreadCpuTime();
          for (int i = 0; i < n; i++) op.run(i);
          double us = (cpu.getCurrentThreadCpuTime() - t0) / 1e3 / n;
          if (round >= 0) micros[build][k][round] = us;
        }
      }
    }
    System.out.printf(
        Locale.ROOT, "old %s, new %s, %d ops x %d rounds%n", args[0], args[1], n, rounds);
    for (int k = 0; k < CASES.length; k++) {
      double[] ratio = new double[rounds];
      for (int r = 0; r < rounds; r++) ratio[r] = micros[1][k][r] / micros[0][k][r];
      double[] old = micros[0][k].clone();
      double[] now = micros[1][k].clone();
      Arrays.sort(old);
      Arrays.sort(now);
      Arrays.sort(ratio);
      System.out.printf(
          Locale.ROOT,
          "%-34s old median %6.2f best %6.2f µs | new median %6.2f best %6.2f µs | per-round"
              + " ratio median %.3f (min %.3f, max %.3f)%n",
          CASES[k],
          old[rounds / 2],
          old[0],
          now[rounds / 2],
          now[0],
          ratio[rounds / 2],
          ratio[0],
          ratio[rounds - 1]);
    }
  }

  /** The cases of the build in {@code jar}, in the order of {@link #CASES}. */
  private static Operation[] cases(Path jar) throws Exception {
    // The platform loader as parent: nothing of Lattice or its libraries is shared between jars.
    ClassLoader loader =
        new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    MethodHandles.Lookup lookup = MethodHandles.lookup();
    Class<?> decideClass = loader.loadClass(DecideBenchmark.class.getName());
    Object decide = decideClass.getConstructor().newInstance();
    decideClass.getField("shared").setBoolean(decide, true);
    decideClass.getMethod("setUp").invoke(decide);
    Operation[] out = new Operation[CASES.length];
    for (int k = 0; k < 4; k++) {
      MethodHandle m = lookup.unreflect(decideClass.getMethod(CASES[k])).bindTo(decide);
      out[k] = i -> m.invoke();
    }
    Class<?> consentClass = loader.loadClass(ConsentPolicyBenchmark.class.getName());
    Object consent = consentClass.getConstructor().newInstance();
    consentClass.getMethod("setUp").invoke(consent);
    Field inputsField = consentClass.getDeclaredField("INPUTS");
    inputsField.setAccessible(true);
    List<?> inputs = (List<?>) inputsField.get(null);
    Method engine = consentClass.getDeclaredMethod("engineDecision", Map.class);
    engine.setAccessible(true);
    MethodHandle decision = lookup.unreflect(engine).bindTo(consent);
    out[4] = i -> decision.invoke((Map<?, ?>) inputs.get(i & 3));
    return out;
  }
}
