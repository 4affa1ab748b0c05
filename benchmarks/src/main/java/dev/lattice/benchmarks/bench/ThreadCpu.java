package dev.lattice.benchmarks.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time of every live Java thread, read at one moment, so that two readings say where a drain's
 * process CPU went: the drained topology's stream threads, its producer's network thread, the
 * broker (an embedded one runs in this JVM), the bench itself, and what no Java thread accounts for
 * (the garbage collector, the JIT compiler, the VM).
 */
final class ThreadCpu {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** Where a thread's CPU is counted. */
  enum Group {
    STREAM_THREADS("stream_threads"),
    PRODUCER("producer"),
    BROKER("broker"),
    BENCH("bench"),
    VM("gc_jit_vm");

    final String wireName;

    Group(String wireName) {
      this.wireName = wireName;
    }
  }

  private final Map<Long, String> names;
  private final Map<Long, Long> cpuNanos;
  private final long processCpuNanos;

  private ThreadCpu(Map<Long, String> names, Map<Long, Long> cpuNanos, long processCpuNanos) {
    this.names = names;
    this.cpuNanos = cpuNanos;
    this.processCpuNanos = processCpuNanos;
  }

  /** A reading, or null where the JVM does not measure thread or process CPU time. */
  static ThreadCpu now() {
    if (!THREADS.isThreadCpuTimeSupported()
        || !THREADS.isThreadCpuTimeEnabled()
        || !(ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os)) {
      return null;
    }
    Map<Long, String> names = new HashMap<>();
    Map<Long, Long> cpu = new HashMap<>();
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info == null) {
        continue; // ended meanwhile
      }
      long nanos = THREADS.getThreadCpuTime(info.getThreadId());
      if (nanos >= 0) {
        names.put(info.getThreadId(), info.getThreadName());
        cpu.put(info.getThreadId(), nanos);
      }
    }
    return new ThreadCpu(names, cpu, os.getProcessCpuTime());
  }

  /**
   * CPU microseconds per event from this reading to {@code later}, by group, for a drain of the
   * topology {@code applicationId}. A thread that started meanwhile counts from zero; one that
   * ended meanwhile is lost to its group and lands in {@link Group#VM} (none do within a drain).
   * Threads of other topologies still open (the enforcing one idles through the replay) count as
   * {@link Group#BENCH}.
   */
  Map<String, Double> microsPerEventUntil(ThreadCpu later, String applicationId, double events) {
    Map<Group, Long> nanos = new LinkedHashMap<>();
    for (Group g : Group.values()) {
      nanos.put(g, 0L);
    }
    long javaThreads = 0;
    for (var e : later.cpuNanos.entrySet()) {
      long spent = e.getValue() - cpuNanos.getOrDefault(e.getKey(), 0L);
      javaThreads += spent;
      nanos.merge(groupOf(later.names.get(e.getKey()), applicationId), spent, Long::sum);
    }
    nanos.put(Group.VM, Math.max(0, later.processCpuNanos - processCpuNanos - javaThreads));
    Map<String, Double> perEvent = new LinkedHashMap<>();
    nanos.forEach((g, n) -> perEvent.put(g.wireName, events <= 0 ? 0 : n / 1e3 / events));
    return perEvent;
  }

  static Group groupOf(String thread, String applicationId) {
    if (thread.contains(applicationId)) {
      return thread.startsWith("kafka-producer-network-thread")
          ? Group.PRODUCER
          : Group.STREAM_THREADS;
    }
    if (thread.equals("main")
        || thread.startsWith("bench-")
        || thread.startsWith("lattice-bench-")
        || thread.contains("| lattice-bench-")
        || thread.startsWith("kafka-admin-client-thread")) {
      return Group.BENCH;
    }
    return Group.BROKER;
  }
}
