package dev.lattice.benchmarks.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * The CPU time of this whole process (every thread: the topologies, the Kafka clients, an embedded
 * broker, the garbage collector, the JIT compiler) and the JIT's accumulated compile time, read at
 * one moment. Two readings give what a drain cost the machine, which a loaded machine distorts far
 * less than wall-clock throughput. With an external Kafka cluster the broker's CPU is not in it.
 *
 * @param cpuNanos process CPU time, or -1 where the JVM does not report it
 * @param jitMillis accumulated JIT compile time, or -1 where the JVM does not report it
 * @param threads every Java thread's CPU time at the same moment, or null where not reported
 */
record ProcessCost(long cpuNanos, long jitMillis, ThreadCpu threads) {

  static ProcessCost now() {
    long cpu = -1;
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      cpu = os.getProcessCpuTime();
    }
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    long compile =
        jit != null && jit.isCompilationTimeMonitoringSupported()
            ? jit.getTotalCompilationTime()
            : -1;
    return new ProcessCost(cpu, compile, ThreadCpu.now());
  }

  /**
   * What happened between this reading and a later one, over {@code events} events of a drain of
   * the topology {@code applicationId} (whose threads are told apart from the others').
   */
  Spent until(ProcessCost later, double events, String applicationId) {
    double cpu =
        cpuNanos < 0 || later.cpuNanos < 0 || events <= 0
            ? Double.NaN
            : (later.cpuNanos - cpuNanos) / 1e3 / events;
    double jit = jitMillis < 0 || later.jitMillis < 0 ? Double.NaN : later.jitMillis - jitMillis;
    Map<String, Double> byThread =
        threads == null || later.threads == null
            ? Map.of()
            : threads.microsPerEventUntil(later.threads, applicationId, events);
    return new Spent(cpu, jit, byThread);
  }

  /**
   * @param cpuMicrosPerEvent process CPU per event (NaN: not reported)
   * @param jitMillis JIT compile time meanwhile, summed over compiler threads (NaN: not reported)
   * @param byThread process CPU per event by group of threads ({@link ThreadCpu.Group}); empty: not
   *     reported
   */
  record Spent(double cpuMicrosPerEvent, double jitMillis, Map<String, Double> byThread) {
    static final Spent NONE = new Spent(Double.NaN, Double.NaN);

    Spent {
      byThread = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(byThread));
    }

    Spent(double cpuMicrosPerEvent, double jitMillis) {
      this(cpuMicrosPerEvent, jitMillis, Map.of());
    }
  }
}
