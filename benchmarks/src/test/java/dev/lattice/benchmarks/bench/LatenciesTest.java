package dev.lattice.benchmarks.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LatenciesTest {

  @Test
  void percentilesAreNearestRankOverTheRecordedSamples() {
    Latencies latencies = new Latencies();
    for (int ms = 100; ms >= 1; ms--) {
      latencies.record(ms * 1_000_000L);
    }

    Latencies.Summary s = latencies.summary();

    assertThat(s.count()).isEqualTo(100);
    assertThat(s.p50Ms()).isEqualTo(50.0);
    assertThat(s.p99Ms()).isEqualTo(99.0);
    assertThat(s.maxMs()).isEqualTo(100.0);
  }

  @Test
  void aSingleSampleIsEveryPercentile() {
    Latencies latencies = new Latencies();
    latencies.record(2_500_000L);

    assertThat(latencies.summary()).isEqualTo(new Latencies.Summary(1, 2.5, 2.5, 2.5));
  }

  @Test
  void noSamplesGiveZeros() {
    assertThat(new Latencies().summary()).isEqualTo(new Latencies.Summary(0, 0, 0, 0));
  }

  @Test
  void samplesOfAKindCountInTheOverallFiguresAndInTheirKinds() {
    Latencies latencies = new Latencies();
    for (int ms = 1; ms <= 99; ms++) {
      latencies.record("member_data", ms * 1_000_000L);
    }
    latencies.record("offer", 500_000_000L);

    Latencies.Summary s = latencies.summary();

    assertThat(s.count()).isEqualTo(100);
    assertThat(s.maxMs()).isEqualTo(500.0);
    assertThat(s.byKind().keySet()).containsExactly("member_data", "offer");
    assertThat(s.byKind().get("member_data"))
        .isEqualTo(new Latencies.Summary(99, 50.0, 99.0, 99.0));
    assertThat(s.byKind().get("offer")).isEqualTo(new Latencies.Summary(1, 500.0, 500.0, 500.0));
  }

  @Test
  void aNegativeLatencyIsRefused() {
    assertThatThrownBy(() -> new Latencies().record(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
