package dev.lattice.benchmarks.bench;

import java.util.Locale;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What one {@code lattice bench} run measured.
 *
 * @param settings what was run
 * @param events ingest events in the throughput backlog (each topology processed all of them)
 * @param decisions audit records the enforcing topology wrote for that backlog (one per event and
 *     destination)
 * @param enforceEps events per second of the enforcing topology, draining the backlog
 * @param baselineEps events per second of the pass-through baseline, draining the same backlog
 * @param allowAllEps events per second of the enforcing topology with a constant allow decision
 *     (same routing, audit and delivery writes; nothing evaluated), draining the same backlog
 * @param latencyRateEps the steady rate at which latency was measured (the same for both
 *     topologies)
 * @param enforceLatency end-to-end latency of the enforcing topology at that rate
 * @param baselineLatency end-to-end latency of the baseline at that rate
 * @param kafka where Kafka was: {@code embedded} or the bootstrap servers
 * @param seconds wall-clock duration of the whole run
 */
public record BenchResult(
    BenchSettings settings,
    long events,
    long decisions,
    double enforceEps,
    double baselineEps,
    double allowAllEps,
    double latencyRateEps,
    Latencies.Summary enforceLatency,
    Latencies.Summary baselineLatency,
    String kafka,
    double seconds) {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** Enforcing throughput over baseline throughput; 0 when the baseline measured nothing. */
  public double ratio() {
    return baselineEps <= 0 ? 0 : enforceEps / baselineEps;
  }

  /** Enforcing throughput over allow-all throughput: what deciding costs; 0 when unmeasured. */
  public double decideRatio() {
    return allowAllEps <= 0 ? 0 : enforceEps / allowAllEps;
  }

  /** Decisions per second of the enforcing run (its events/s times decisions per event). */
  public double decisionsPerSecond() {
    return events <= 0 ? 0 : enforceEps * decisions / events;
  }

  /** One JSON object; the first six fields are the stable contract ({@code --json}). */
  public String toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("enforce_eps", round(enforceEps, 1));
    o.put("baseline_eps", round(baselineEps, 1));
    o.put("ratio", round(ratio(), 3));
    o.put("p50_ms", round(enforceLatency.p50Ms(), 2));
    o.put("p99_ms", round(enforceLatency.p99Ms(), 2));
    o.put("events", events);
    o.put("max_ms", round(enforceLatency.maxMs(), 2));
    o.put("baseline_p50_ms", round(baselineLatency.p50Ms(), 2));
    o.put("baseline_p99_ms", round(baselineLatency.p99Ms(), 2));
    o.put("baseline_max_ms", round(baselineLatency.maxMs(), 2));
    o.put("latency_rate_eps", round(latencyRateEps, 1));
    o.put("latency_samples", enforceLatency.count());
    o.put("baseline_latency_samples", baselineLatency.count());
    o.put("decisions", decisions);
    o.put("allow_all_eps", round(allowAllEps, 1));
    o.put("decisions_per_s", round(decisionsPerSecond(), 1));
    o.put("enforce_vs_allow_all", round(decideRatio(), 3));
    o.put("warmup_fraction", Bench.WARMUP_FRACTION);
    o.put("members", settings.members());
    o.put("networks", settings.networks());
    o.put("consent_ratio", settings.consentRatio());
    o.put("stream_threads", settings.threads());
    o.put("max_task_idle_ms", settings.maxTaskIdleMs());
    o.put("cores", Runtime.getRuntime().availableProcessors());
    o.put("kafka", kafka);
    o.put("seconds", round(seconds, 1));
    return JSON.writeValueAsString(o);
  }

  /** The human-readable report. */
  public String toText() {
    return String.format(
        Locale.ROOT,
        """
        lattice bench: %,d events (%d members, %d networks, consent ratio %.2f), Kafka %s, %d cores, %d stream thread(s)
                              events/s    p50 ms    p99 ms    max ms
          enforcing     %12.1f %9.2f %9.2f %9.2f   (%,d decisions, %,.0f decisions/s)
          allow-all     %12.1f         -         -         -
          baseline      %12.1f %9.2f %9.2f %9.2f
          ratio enforcing/baseline: %.3f   enforcing/allow-all: %.3f
          (steady state: the first %.0f%% of the backlog is warm-up; latency measured at a steady %.0f events/s; whole run %.1f s)
        """,
        events,
        settings.members(),
        settings.networks(),
        settings.consentRatio(),
        kafka,
        Runtime.getRuntime().availableProcessors(),
        settings.threads(),
        enforceEps,
        enforceLatency.p50Ms(),
        enforceLatency.p99Ms(),
        enforceLatency.maxMs(),
        decisions,
        decisionsPerSecond(),
        allowAllEps,
        baselineEps,
        baselineLatency.p50Ms(),
        baselineLatency.p99Ms(),
        baselineLatency.maxMs(),
        ratio(),
        decideRatio(),
        Bench.WARMUP_FRACTION * 100,
        latencyRateEps,
        seconds);
  }

  private static double round(double value, int digits) {
    double scale = Math.pow(10, digits);
    return Math.round(value * scale) / scale;
  }
}
