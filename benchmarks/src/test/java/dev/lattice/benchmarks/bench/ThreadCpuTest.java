package dev.lattice.benchmarks.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.benchmarks.bench.ThreadCpu.Group;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {
  private static final String APP = "lattice-bench-enforce-abc";

  @Test
  void threadsAreCountedUnderTheTopologyTheBrokerOrTheBench() {
    assertThat(ThreadCpu.groupOf(APP + "-5f1c-StreamThread-1", APP))
        .isEqualTo(Group.STREAM_THREADS);
    assertThat(
            ThreadCpu.groupOf(
                "kafka-producer-network-thread | " + APP + "-5f1c-StreamThread-1-producer", APP))
        .isEqualTo(Group.PRODUCER);
    assertThat(ThreadCpu.groupOf("data-plane-kafka-request-handler-3", APP))
        .isEqualTo(Group.BROKER);
    assertThat(ThreadCpu.groupOf("TxnMarkerSenderThread-1", APP)).isEqualTo(Group.BROKER);
    // Another topology still open, the bench's own producer and its latency reader.
    assertThat(ThreadCpu.groupOf("lattice-bench-replay-abc-77-StreamThread-1", APP))
        .isEqualTo(Group.BENCH);
    assertThat(ThreadCpu.groupOf("kafka-producer-network-thread | lattice-bench-abc", APP))
        .isEqualTo(Group.BENCH);
    assertThat(ThreadCpu.groupOf("bench-latency-reader", APP)).isEqualTo(Group.BENCH);
    // The warm-up's topology of the same kind is another application.
    assertThat(ThreadCpu.groupOf("lattice-bench-enforce-warmup-abc-1-StreamThread-1", APP))
        .isEqualTo(Group.BENCH);
  }

  @Test
  void aReadingSplitsTheProcessCpuOverEveryGroupAndTheRemainderIsTheVm() {
    ThreadCpu before = ThreadCpu.now();
    long sink = 0;
    for (int i = 0; i < 5_000_000; i++) {
      sink += Integer.toString(i).hashCode();
    }
    ThreadCpu after = ThreadCpu.now();

    Map<String, Double> perEvent = before.microsPerEventUntil(after, APP, 1);

    assertThat(perEvent)
        .containsOnlyKeys("stream_threads", "producer", "broker", "bench", "gc_jit_vm");
    assertThat(perEvent.values()).allSatisfy(us -> assertThat(us).isNotNegative());
    Group busy = ThreadCpu.groupOf(Thread.currentThread().getName(), APP);
    assertThat(perEvent.get(busy.wireName))
        .as("the group of this busy thread (%s)", sink)
        .isGreaterThan(1_000);
  }
}
