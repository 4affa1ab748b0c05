package dev.lattice.benchmarks.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.streams.StageTimings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class BenchResultTest {
  private static final BenchResult RESULT =
      new BenchResult(
          BenchSettings.defaults(),
          20_000,
          90_000,
          2_000,
          8_000,
          2_500,
          1_000,
          new Latencies.Summary(
              9_000,
              12.345,
              80.5,
              150.25,
              Map.of(
                  "member_data", new Latencies.Summary(8_910, 11.0, 60.0, 70.0),
                  "offer", new Latencies.Summary(90, 120.0, 150.0, 150.25))),
          new Latencies.Summary(10_000, 5.5, 20.0, 40.0),
          "embedded",
          95.04,
          new BenchResult.Profile(
              new RecordCounts(
                  Map.of(
                      "lattice.audit.decisions", 90_000L, "lattice-decisions-changelog", 30_000L)),
              new RecordCounts(
                  Map.of(
                      "lattice.audit.decisions", 90_000L, "lattice-decisions-changelog", 30_000L)),
              new RecordCounts(Map.of("lattice.out.network.n1", 20_000L)),
              Map.of(StageTimings.Stage.DECIDE, 250.0, StageTimings.Stage.WRITE, 50.0),
              90_000,
              0,
              new BenchResult.Costs(
                  new ProcessCost.Spent(
                      1_500.25,
                      900,
                      Map.of("stream_threads", 700.0, "broker", 500.0, "gc_jit_vm", 300.25)),
                  new ProcessCost.Spent(700, 120),
                  new ProcessCost.Spent(Double.NaN, Double.NaN),
                  new BenchResult.CommitLatency(41.25, 180),
                  BenchResult.CommitLatency.NONE)));

  @Test
  void eachDrainsProcessCostIsReportedAndWhatWasNotMeasuredIsLeftOut() {
    JsonNode node = JsonMapper.builder().build().readTree(RESULT.toJson());

    assertThat(node.get("cpu_us_per_event").toString())
        .isEqualTo("{\"enforcing\":1500.3,\"replay\":700.0}");
    assertThat(node.get("jit_ms").toString()).isEqualTo("{\"enforcing\":900.0,\"replay\":120.0}");
    assertThat(node.get("cpu_us_per_event_by_thread").get("enforcing").get("gc_jit_vm").asDouble())
        .isEqualTo(300.3);
    assertThat(node.get("cpu_us_per_event_by_thread").has("replay")).isFalse();
    assertThat(node.get("commit_ms").toString())
        .isEqualTo("{\"enforcing\":{\"avg\":41.3,\"max\":180.0}}");
    assertThat(node.get("warmup_events").asLong()).isEqualTo(BenchSettings.DEFAULT_WARMUP_EVENTS);
    assertThat(RESULT.toText())
        .contains("process CPU µs per event", "enforcing, CPU µs per event by thread:");
  }

  @Test
  void theRatioIsEnforcingOverBaselineThroughput() {
    assertThat(RESULT.ratio()).isEqualTo(0.25);
  }

  @Test
  void theJsonIsOneObjectStartingWithTheContractFields() {
    String json = RESULT.toJson();

    assertThat(json).doesNotContain("\n");
    JsonNode node = JsonMapper.builder().build().readTree(json);
    List<String> names = node.propertyNames().stream().toList();
    assertThat(names.subList(0, 6))
        .containsExactly("enforce_eps", "baseline_eps", "ratio", "p50_ms", "p99_ms", "events");
    assertThat(node.get("enforce_eps").asDouble()).isEqualTo(2000.0);
    assertThat(node.get("baseline_eps").asDouble()).isEqualTo(8000.0);
    assertThat(node.get("ratio").asDouble()).isEqualTo(0.25);
    assertThat(node.get("p50_ms").asDouble()).isEqualTo(12.35);
    assertThat(node.get("p99_ms").asDouble()).isEqualTo(80.5);
    assertThat(node.get("events").asLong()).isEqualTo(20_000);
    assertThat(node.get("decisions").asLong()).isEqualTo(90_000);
  }

  @Test
  void theJsonAddsTheReplayBaselineAndDecisionsPerSecond() {
    JsonNode node = JsonMapper.builder().build().readTree(RESULT.toJson());

    assertThat(node.get("allow_all_eps").asDouble()).isEqualTo(2500.0);
    assertThat(node.get("enforce_vs_allow_all").asDouble()).isEqualTo(0.8);
    // 90,000 decisions for 20,000 events: 4.5 per event, at 2,000 events/s
    assertThat(node.get("decisions_per_s").asDouble()).isEqualTo(9000.0);
  }

  @Test
  void theJsonAddsRecordsWrittenPerEventAndTheStageTimings() {
    JsonNode node = JsonMapper.builder().build().readTree(RESULT.toJson());

    // 120,000 records for 20,000 events
    assertThat(node.get("records_per_event").asDouble()).isEqualTo(6.0);
    assertThat(node.get("baseline_records_per_event").asDouble()).isEqualTo(1.0);
    assertThat(node.get("records_per_event_by_topic").get("lattice-decisions-changelog").asDouble())
        .isEqualTo(1.5);
    assertThat(node.get("stage_us_per_event").get("decide").asDouble()).isEqualTo(250.0);
    assertThat(node.get("us_per_event").asDouble()).isEqualTo(500.0);
  }

  @Test
  void theJsonAndTheReportGiveTheLatencyPerKindOfEvent() {
    JsonNode node = JsonMapper.builder().build().readTree(RESULT.toJson());

    JsonNode offer = node.get("latency_by_kind").get("offer");
    assertThat(offer.get("count").asInt()).isEqualTo(90);
    assertThat(offer.get("p99_ms").asDouble()).isEqualTo(150.0);
    assertThat(node.get("latency_by_kind").get("member_data").get("p50_ms").asDouble())
        .isEqualTo(11.0);
    assertThat(node.get("baseline_latency_by_kind").isEmpty()).isTrue();
    assertThat(RESULT.toText())
        .contains(
            "enforcing latency by kind (p50 / p99 / max ms): member_data 11.0 / 60.0 / 70.0"
                + " (8,910); offer 120.0 / 150.0 / 150.3 (90);");
  }

  @Test
  void aBaselineThatMeasuredNothingGivesARatioOfZero() {
    BenchResult r =
        new BenchResult(
            BenchSettings.defaults(),
            1,
            0,
            10,
            0,
            0,
            1,
            new Latencies.Summary(0, 0, 0, 0),
            new Latencies.Summary(0, 0, 0, 0),
            "embedded",
            1,
            BenchResult.Profile.NONE);

    assertThat(r.ratio()).isZero();
  }

  @Test
  void theTextReportNamesBothTopologiesAndTheRatio() {
    assertThat(RESULT.toText())
        .contains(
            "enforcing",
            "replay",
            "baseline",
            "ratio enforcing/baseline: 0.250",
            "enforcing/replay: 0.800",
            "20,000 events",
            "records written per event: enforcing 6.00",
            "decide 250.0");
  }

  @Test
  void theProgressBarShowsTheFractionDone() {
    assertThat(ProgressBar.render("draining", 15, 30, 1.0))
        .startsWith("[" + "#".repeat(15) + ".".repeat(15) + "]  50%");
    assertThat(ProgressBar.render("starting", 0, 0, 0.0))
        .startsWith("[" + ".".repeat(30) + "]   0%");
  }
}
