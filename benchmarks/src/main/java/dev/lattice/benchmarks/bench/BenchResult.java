package dev.lattice.benchmarks.bench;

import dev.lattice.streams.StageTimings;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
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
 * @param allowAllEps events per second of the replay baseline: the enforcing topology answering
 *     every question with the decision the enforcing run made (same routing, outputs, audit and
 *     delivery writes; nothing evaluated), draining the same backlog
 * @param latencyRateEps the steady rate at which latency was measured (the same for both
 *     topologies)
 * @param enforceLatency end-to-end latency of the enforcing topology at that rate
 * @param baselineLatency end-to-end latency of the baseline at that rate
 * @param kafka where Kafka was: {@code embedded} or the bootstrap servers
 * @param seconds wall-clock duration of the whole run
 * @param profile where the enforcing run's time and writes go
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
    double seconds,
    Profile profile) {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /**
   * Where the enforcing run's time and writes go.
   *
   * @param enforceRecords records the enforcing topology wrote while draining the backlog, per
   *     topic (outputs, changelogs, repartition topics)
   * @param replayRecords the same for the replay baseline (the same writes, if it is fair)
   * @param baselineRecords the same for the pass-through baseline
   * @param stageMicros microseconds per event the enforcing topology spent per stage, in the steady
   *     state (summed over stream threads)
   * @param replayDecisions audit records the replay baseline wrote (the enforcing run's decisions)
   * @param replayMisses questions the replay could not answer from the enforcing run's decisions
   *     (decided by the real policy)
   * @param costs the process CPU and JIT time of each drain's steady state
   */
  public record Profile(
      RecordCounts enforceRecords,
      RecordCounts replayRecords,
      RecordCounts baselineRecords,
      Map<StageTimings.Stage, Double> stageMicros,
      long replayDecisions,
      long replayMisses,
      Costs costs) {
    static final Profile NONE =
        new Profile(RecordCounts.NONE, RecordCounts.NONE, RecordCounts.NONE, Map.of(), 0, 0);

    public Profile {
      stageMicros = stageMicros.isEmpty() ? Map.of() : new EnumMap<>(stageMicros);
    }

    /** A profile without process costs. */
    public Profile(
        RecordCounts enforceRecords,
        RecordCounts replayRecords,
        RecordCounts baselineRecords,
        Map<StageTimings.Stage, Double> stageMicros,
        long replayDecisions,
        long replayMisses) {
      this(
          enforceRecords,
          replayRecords,
          baselineRecords,
          stageMicros,
          replayDecisions,
          replayMisses,
          Costs.NONE);
    }
  }

  /**
   * What each drain's steady state cost the whole process (all threads, an embedded broker, GC, the
   * JIT): CPU microseconds per event and milliseconds of JIT compilation meanwhile.
   */
  public record Costs(
      ProcessCost.Spent enforce,
      ProcessCost.Spent replay,
      ProcessCost.Spent baseline,
      CommitLatency enforceCommits,
      CommitLatency baselineCommits) {
    static final Costs NONE =
        new Costs(ProcessCost.Spent.NONE, ProcessCost.Spent.NONE, ProcessCost.Spent.NONE);

    /** Costs without commit latencies. */
    public Costs(ProcessCost.Spent enforce, ProcessCost.Spent replay, ProcessCost.Spent baseline) {
      this(enforce, replay, baseline, CommitLatency.NONE, CommitLatency.NONE);
    }
  }

  /**
   * How long a topology's transaction commits took in its latency phase, in milliseconds (NaN: not
   * measured): with exactly-once, an event's output becomes visible only when the transaction that
   * holds it commits, and the stream thread processes nothing meanwhile.
   */
  public record CommitLatency(double avgMs, double maxMs) {
    static final CommitLatency NONE = new CommitLatency(Double.NaN, Double.NaN);
  }

  /** Microseconds per event in the enforcing drain's steady state (wall clock, all threads). */
  public double microsPerEvent() {
    return enforceEps <= 0 ? 0 : 1e6 / enforceEps;
  }

  /** Enforcing throughput over baseline throughput; 0 when the baseline measured nothing. */
  public double ratio() {
    return baselineEps <= 0 ? 0 : enforceEps / baselineEps;
  }

  /** Enforcing throughput over the replay baseline's: what deciding costs; 0 when unmeasured. */
  public double decideRatio() {
    return allowAllEps <= 0 ? 0 : enforceEps / allowAllEps;
  }

  /** Decisions per second of the enforcing run (its events/s times decisions per event). */
  public double decisionsPerSecond() {
    return events <= 0 ? 0 : enforceEps * decisions / events;
  }

  /** One JSON object; the first six fields are the stable contract ({@code --json}). */
  /** {@code {"<kind>": {"count": n, "p50_ms": .., "p99_ms": .., "max_ms": ..}, ...}}. */
  private static void putByKind(ObjectNode into, Latencies.Summary latency) {
    latency
        .byKind()
        .forEach(
            (kind, s) -> {
              ObjectNode k = into.putObject(kind);
              k.put("count", s.count());
              k.put("p50_ms", round(s.p50Ms(), 2));
              k.put("p99_ms", round(s.p99Ms(), 2));
              k.put("max_ms", round(s.maxMs(), 2));
            });
  }

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
    putByKind(o.putObject("latency_by_kind"), enforceLatency);
    putByKind(o.putObject("baseline_latency_by_kind"), baselineLatency);
    o.put("decisions", decisions);
    o.put("allow_all_eps", round(allowAllEps, 1));
    o.put("decisions_per_s", round(decisionsPerSecond(), 1));
    o.put("enforce_vs_allow_all", round(decideRatio(), 3));
    o.put("warmup_fraction", Bench.WARMUP_FRACTION);
    o.put("allow_all_decisions", profile.replayDecisions());
    o.put("allow_all_misses", profile.replayMisses());
    o.put("records_per_event", round(profile.enforceRecords().perEvent(events), 2));
    o.put("allow_all_records_per_event", round(profile.replayRecords().perEvent(events), 2));
    o.put("baseline_records_per_event", round(profile.baselineRecords().perEvent(events), 2));
    ObjectNode byTopic = o.putObject("records_per_event_by_topic");
    profile
        .enforceRecords()
        .byTopic()
        .forEach((topic, count) -> byTopic.put(topic, round((double) count / events, 3)));
    putCosts(o, "cpu_us_per_event", profile.costs(), ProcessCost.Spent::cpuMicrosPerEvent);
    putCosts(o, "jit_ms", profile.costs(), ProcessCost.Spent::jitMillis);
    ObjectNode byThread = o.putObject("cpu_us_per_event_by_thread");
    runs(profile.costs())
        .forEach(
            (run, spent) -> {
              if (!spent.byThread().isEmpty()) {
                ObjectNode groups = byThread.putObject(run);
                spent.byThread().forEach((group, us) -> groups.put(group, round(us, 1)));
              }
            });
    ObjectNode commits = o.putObject("commit_ms");
    putCommits(commits, "enforcing", profile.costs().enforceCommits());
    putCommits(commits, "baseline", profile.costs().baselineCommits());
    o.put("warmup_events", settings.warmupEvents());
    ObjectNode stages = o.putObject("stage_us_per_event");
    profile.stageMicros().forEach((stage, us) -> stages.put(stage.wireName(), round(us, 1)));
    o.put("us_per_event", round(microsPerEvent(), 1));
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
          replay        %12.1f         -         -         -   (the same decisions, not evaluated)
          baseline      %12.1f %9.2f %9.2f %9.2f
          ratio enforcing/baseline: %.3f   enforcing/replay: %.3f
          (steady state: after a warm-up pass of %,d events, the first %.0f%% of the backlog is warm-up too; latency measured at a steady %.0f events/s; whole run %.1f s)
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
            settings.warmupEvents(),
            Bench.WARMUP_FRACTION * 100,
            latencyRateEps,
            seconds)
        + profileText();
  }

  private String profileText() {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "  records written per event: enforcing %.2f, replay %.2f, pass-through %.2f%n",
            profile.enforceRecords().perEvent(events),
            profile.replayRecords().perEvent(events),
            profile.baselineRecords().perEvent(events)));
    profile.enforceRecords().byTopic().entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(
            e ->
                b.append(
                    String.format(
                        Locale.ROOT,
                        "    %8.3f  %s%n",
                        events <= 0 ? 0 : (double) e.getValue() / events,
                        e.getKey())));
    appendByKind(b, "enforcing", enforceLatency);
    appendByKind(b, "baseline", baselineLatency);
    if (!profile.stageMicros().isEmpty()) {
      double staged =
          profile.stageMicros().values().stream().mapToDouble(Double::doubleValue).sum();
      b.append(
          String.format(
              Locale.ROOT,
              "  enforcing, µs per event (steady state): %.0f in all;",
              microsPerEvent()));
      profile
          .stageMicros()
          .forEach(
              (stage, us) ->
                  b.append(String.format(Locale.ROOT, " %s %.1f,", stage.wireName(), us)));
      b.append(
          String.format(
              Locale.ROOT,
              " other (commit, polling, other sub-topologies) %.0f%n",
              Math.max(0, microsPerEvent() - staged)));
    }
    Costs costs = profile.costs();
    if (!Double.isNaN(costs.enforce().cpuMicrosPerEvent())) {
      b.append(
          String.format(
              Locale.ROOT,
              "  process CPU µs per event (all threads%s): enforcing %.0f, replay %.0f, pass-through %.0f;"
                  + " JIT ms meanwhile: %.0f, %.0f, %.0f%n",
              "embedded".equals(kafka) ? ", the broker included" : "",
              costs.enforce().cpuMicrosPerEvent(),
              costs.replay().cpuMicrosPerEvent(),
              costs.baseline().cpuMicrosPerEvent(),
              costs.enforce().jitMillis(),
              costs.replay().jitMillis(),
              costs.baseline().jitMillis()));
    }
    runs(costs)
        .forEach(
            (run, spent) -> {
              if (!spent.byThread().isEmpty()) {
                b.append(String.format(Locale.ROOT, "    %s, CPU µs per event by thread:", run));
                spent
                    .byThread()
                    .forEach(
                        (group, us) ->
                            b.append(String.format(Locale.ROOT, " %s %.0f,", group, us)));
                b.setLength(b.length() - 1);
                b.append(System.lineSeparator());
              }
            });
    if (!Double.isNaN(costs.enforceCommits().avgMs())) {
      b.append(
          String.format(
              Locale.ROOT,
              "  transaction commits in the latency phase, avg / max ms: enforcing %.1f / %.1f,"
                  + " pass-through %.1f / %.1f%n",
              costs.enforceCommits().avgMs(),
              costs.enforceCommits().maxMs(),
              costs.baselineCommits().avgMs(),
              costs.baselineCommits().maxMs()));
    }
    if (profile.replayMisses() > 0) {
      b.append(
          String.format(
              Locale.ROOT,
              "  replay: %,d questions not asked in the enforcing run were evaluated%n",
              profile.replayMisses()));
    }
    return b.toString();
  }

  private static void appendByKind(StringBuilder b, String run, Latencies.Summary latency) {
    if (latency.byKind().isEmpty()) {
      return;
    }
    b.append(String.format(Locale.ROOT, "  %s latency by kind (p50 / p99 / max ms):", run));
    latency
        .byKind()
        .forEach(
            (kind, s) ->
                b.append(
                    String.format(
                        Locale.ROOT,
                        " %s %.1f / %.1f / %.1f (%,d);",
                        kind,
                        s.p50Ms(),
                        s.p99Ms(),
                        s.maxMs(),
                        s.count())));
    b.append(System.lineSeparator());
  }

  private static void putCommits(ObjectNode into, String run, CommitLatency commits) {
    if (!Double.isNaN(commits.avgMs())) {
      ObjectNode o = into.putObject(run);
      o.put("avg", round(commits.avgMs(), 1));
      if (!Double.isNaN(commits.maxMs())) {
        o.put("max", round(commits.maxMs(), 1));
      }
    }
  }

  private static Map<String, ProcessCost.Spent> runs(Costs costs) {
    Map<String, ProcessCost.Spent> runs = new java.util.LinkedHashMap<>();
    runs.put("enforcing", costs.enforce());
    runs.put("replay", costs.replay());
    runs.put("baseline", costs.baseline());
    return runs;
  }

  /** {@code {"enforcing": .., "replay": .., "baseline": ..}}, leaving out what was not measured. */
  private static void putCosts(
      ObjectNode into,
      String name,
      Costs costs,
      java.util.function.ToDoubleFunction<ProcessCost.Spent> figure) {
    ObjectNode o = into.putObject(name);
    runs(costs)
        .forEach(
            (run, spent) -> {
              double value = figure.applyAsDouble(spent);
              if (!Double.isNaN(value)) {
                o.put(run, round(value, 1));
              }
            });
  }

  private static double round(double value, int digits) {
    double scale = Math.pow(10, digits);
    return Math.round(value * scale) / scale;
  }
}
