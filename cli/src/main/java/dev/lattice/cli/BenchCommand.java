package dev.lattice.cli;

import dev.lattice.benchmarks.bench.Bench;
import dev.lattice.benchmarks.bench.BenchFailedException;
import dev.lattice.benchmarks.bench.BenchResult;
import dev.lattice.benchmarks.bench.BenchSettings;
import dev.lattice.benchmarks.bench.ProgressBar;
import dev.lattice.benchmarks.bench.QuietLogging;
import dev.lattice.kafka.embedded.EmbeddedKafkaCluster;
import dev.lattice.kafka.embedded.KafkaClusterSpec;
import dev.lattice.streams.TopicNames;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lattice bench}: drives the enforcing topology and a pass-through baseline with the same
 * synthetic traffic on the embedded broker (or {@code KAFKA_BOOTSTRAP_SERVERS}) and reports
 * throughput, latency and their ratio. The bench itself is {@link Bench} in the benchmarks module.
 */
@Command(
    name = "bench",
    header = "measure the enforcing topology against pass-through and replay baselines",
    mixinStandardHelpOptions = true,
    description = {
      "Publishes a synthetic world (networks, members and their consents) and a backlog of member data, posts,",
      "purchases and offers, then lets a pass-through baseline (same topics, same serdes, no policy decision),",
      "the enforcing topology and a replay baseline (the enforcing topology answering with the enforcing run's",
      "own decisions: same routing, outputs and audit, nothing evaluated) each drain it, reports the records",
      "written per event and the enforcing run's time per stage, and measures end-to-end latency at a steady rate.",
      "Throughput is the steady state: first every topology drains a separate warm-up backlog",
      "(--warmup-events, on its own topics; the JIT compiles meanwhile), then the first 10%% of the measured",
      "backlog is warm-up too and not counted (for a long run: --events 200000). Each drain also reports",
      "the whole process's CPU per event. A progress bar goes to standard error. Kafka: a fresh embedded",
      "broker, or KAFKA_BOOTSTRAP_SERVERS (topics prefixed lattice-bench-<run>.)."
    })
public final class BenchCommand implements Callable<Integer> {
  private static final BenchSettings DEFAULTS = BenchSettings.defaults();

  private final CommandIo io;

  @Spec CommandSpec spec;

  @Option(
      names = "--members",
      paramLabel = "<n>",
      description = "synthetic members (default ${DEFAULT-VALUE})")
  int members = DEFAULTS.members();

  @Option(
      names = "--networks",
      paramLabel = "<n>",
      description = "synthetic networks (default ${DEFAULT-VALUE})")
  int networks = DEFAULTS.networks();

  @Option(
      names = "--events",
      paramLabel = "<n>",
      description = "ingest events in the backlog (default ${DEFAULT-VALUE})")
  long events = DEFAULTS.events();

  @Option(
      names = "--consent-ratio",
      paramLabel = "<0..1>",
      description = "probability that a member grants each purpose (default ${DEFAULT-VALUE})")
  double consentRatio = DEFAULTS.consentRatio();

  @Option(
      names = "--threads",
      paramLabel = "<n>",
      description = "stream threads per topology (default ${DEFAULT-VALUE})")
  int threads = DEFAULTS.threads();

  @Option(
      names = "--seed",
      paramLabel = "<n>",
      description = "seed of the world and the traffic (default ${DEFAULT-VALUE})")
  long seed = DEFAULTS.seed();

  @Option(
      names = "--latency-load",
      paramLabel = "<0..1>",
      description =
          "latency is measured at this fraction of the enforcing throughput (default ${DEFAULT-VALUE})")
  double latencyLoad = DEFAULTS.latencyLoad();

  @Option(
      names = "--latency-seconds",
      paramLabel = "<n>",
      description = "length of each latency phase (default ${DEFAULT-VALUE})")
  long latencySeconds = DEFAULTS.latencyDuration().toSeconds();

  @Option(
      names = "--max-task-idle-ms",
      paramLabel = "<n>",
      description =
          "Kafka Streams max.task.idle.ms of both topologies (default ${DEFAULT-VALUE}, Lattice's)")
  long maxTaskIdleMs = DEFAULTS.maxTaskIdleMs();

  @Option(
      names = "--warmup-events",
      paramLabel = "<n>",
      description =
          "events of the warm-up backlog every topology drains before measuring; 0: none, a cold JVM"
              + " (default ${DEFAULT-VALUE})")
  long warmupEvents = DEFAULTS.warmupEvents();

  @Option(
      names = "--json",
      description = {
        "print one JSON object on standard output: enforce_eps, baseline_eps, ratio,",
        "p50_ms, p99_ms, events, ..., allow_all_eps, decisions_per_s (and more)"
      })
  boolean json;

  BenchCommand(CommandIo io) {
    this.io = io;
  }

  /** Parsed command line. */
  record Options(BenchSettings settings, boolean json) {}

  /** The options as settings; a value out of range is a usage error naming the option. */
  Options options() {
    try {
      return new Options(
          new BenchSettings(
              members,
              networks,
              events,
              consentRatio,
              seed,
              threads,
              latencyLoad,
              Duration.ofSeconds(latencySeconds),
              maxTaskIdleMs,
              warmupEvents),
          json);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** Parses a {@code bench} command line (without the word bench); usage errors as thrown. */
  static Options parse(String... args) {
    BenchCommand command = new BenchCommand(CommandIo.system());
    new CommandLine(command).parseArgs(args);
    return command.options();
  }

  @Override
  public Integer call() {
    Options options = options();
    PrintStream out = io.out();
    PrintStream err = io.err();
    QuietLogging.toStandardError();
    String runId = Long.toString(System.currentTimeMillis(), 36);
    String bootstrap = io.environment().apply("KAFKA_BOOTSTRAP_SERVERS");
    boolean external = bootstrap != null && !bootstrap.isBlank();
    ProgressBar progress = new ProgressBar(err, System.console() != null);
    Path work;
    try {
      work = Files.createTempDirectory("lattice-bench-");
    } catch (IOException e) {
      err.println("lattice bench: cannot create a working directory: " + e.getMessage());
      return LatticeCommand.FAILED;
    }
    EmbeddedKafkaCluster cluster = null;
    try {
      TopicNames topics;
      String label;
      if (external) {
        topics = Bench.prefixed("lattice-bench-" + runId + ".");
        label = bootstrap.trim();
      } else {
        progress.phase("starting the embedded Kafka broker", 0);
        cluster =
            EmbeddedKafkaCluster.start(
                KafkaClusterSpec.of(1, work.resolve("kafka"))
                    .withBrokerOverrides(Map.of("auto.create.topics.enable", "false")));
        bootstrap = cluster.bootstrapServers();
        topics = TopicNames.defaults();
        label = "embedded";
      }
      BenchResult result =
          new Bench(
                  options.settings(),
                  bootstrap.trim(),
                  label,
                  topics,
                  runId,
                  work.resolve("streams"),
                  progress)
              .run();
      if (options.json()) {
        out.println(result.toJson());
      } else {
        out.print(result.toText());
      }
      return LatticeCommand.OK;
    } catch (BenchFailedException | dev.lattice.kafka.embedded.EmbeddedKafkaException e) {
      progress.done();
      err.println("lattice bench: " + e.getMessage());
      return LatticeCommand.FAILED;
    } finally {
      if (cluster != null) {
        cluster.close();
      }
      deleteQuietly(work);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException | UncheckedIOException e) {
      System.err.println("lattice bench: could not delete " + dir + " (" + e.getMessage() + ")");
    }
  }
}
