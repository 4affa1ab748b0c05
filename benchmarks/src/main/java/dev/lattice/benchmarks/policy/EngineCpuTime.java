package dev.lattice.benchmarks.policy;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The cases of {@link DecideBenchmark} (shared-decision memo on) and of {@link
 * ConsentPolicyBenchmark}, measured in CPU time of the measuring thread rather than wall-clock: on
 * a machine other processes load, JMH's throughput swings by 10x between iterations, CPU time much
 * less. Rounds alternate the cases; per case the best and the median round are printed, as
 * microseconds per operation and as operations per CPU-second (of the best round: on a loaded
 * machine the best round is the one least disturbed by other processes sharing the core's caches).
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.lattice.benchmarks.policy.EngineCpuTime [operations per case and round]}
 */
public final class EngineCpuTime {

  private EngineCpuTime() {}

  private record Case(String name, IntConsumer op) {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    DecideBenchmark decide = new DecideBenchmark();
    decide.shared = true;
    decide.setUp();
    ConsentPolicyBenchmark consent = new ConsentPolicyBenchmark();
    consent.setUp();
    List<Map<String, Object>> consentInputs = ConsentPolicyBenchmark.INPUTS;
    List<Case> cases =
        List.of(
            new Case("decide offerAllowed", i -> decide.offerAllowed()),
            new Case("decide offerToManyMembers", i -> decide.offerToManyMembers()),
            new Case(
                "decide memberDataAllowedWithObligations",
                i -> decide.memberDataAllowedWithObligations()),
            new Case("decide memberDataDenied", i -> decide.memberDataDenied()),
            new Case("consent regoEngine", i -> consent.engineDecision(consentInputs.get(i & 3))),
            new Case(
                "consent handWrittenJava",
                i ->
                    ConsentDecisionInJava.decide(
                        consentInputs.get(i & 3), ConsentPolicyBenchmark.DATA)));
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    List<double[]> micros = new ArrayList<>();
    for (int k = 0; k < cases.size(); k++) micros.add(new double[rounds]);
    int warmup = 2;
    for (int round = -warmup; round < rounds; round++) {
      for (int k = 0; k < cases.size(); k++) {
        IntConsumer op = cases.get(k).op();
        long t0 = cpu.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) op.accept(i);
        double us = (cpu.getCurrentThreadCpuTime() - t0) / 1e3 / n;
        if (round >= 0) micros.get(k)[round] = us;
      }
    }
    double engine = 0, java = 0;
    for (int k = 0; k < cases.size(); k++) {
      double[] m = micros.get(k);
      Arrays.sort(m);
      double best = m[0];
      if (cases.get(k).name().endsWith("regoEngine")) engine = best;
      if (cases.get(k).name().endsWith("handWrittenJava")) java = best;
      System.out.printf(
          Locale.ROOT,
          "%-42s best %7.2f µs/op %,10.0f ops/cpu-s  median %7.2f µs/op%n",
          cases.get(k).name(),
          best,
          1e6 / best,
          m[m.length / 2]);
    }
    System.out.printf(Locale.ROOT, "consent engine/java: %.1fx%n", engine / java);
  }
}
