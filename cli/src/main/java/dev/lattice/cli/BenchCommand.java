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
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * {@code lattice bench}: drives the enforcing topology and a pass-through baseline with the same
 * synthetic traffic on the embedded broker (or {@code KAFKA_BOOTSTRAP_SERVERS}) and reports
 * throughput, latency and their ratio.
 */
public final class BenchCommand implements Subcommand {
  private final Function<String, String> environment;

  public BenchCommand() {
    this(System::getenv);
  }

  BenchCommand(Function<String, String> environment) {
    this.environment = environment;
  }

  @Override
  public String name() {
    return "bench";
  }

  @Override
  public String summary() {
    return "measure the enforcing topology against pass-through and replay baselines";
  }

  @Override
  public String usage() {
    BenchSettings d = BenchSettings.defaults();
    return """
        Usage: lattice bench [--members <n>] [--networks <n>] [--events <n>] [--consent-ratio <0..1>]
                             [--threads <n>] [--seed <n>] [--latency-load <0..1>] [--latency-seconds <n>]
                             [--max-task-idle-ms <n>] [--json]

        Publishes a synthetic world (networks, members and their consents) and a backlog of member data, posts,
        purchases and offers, then lets a pass-through baseline (same topics, same serdes, no policy decision),
        the enforcing topology and a replay baseline (the enforcing topology answering with the enforcing run's
        own decisions: same routing, outputs and audit, nothing evaluated) each drain it, reports the records
        written per event and the enforcing run's time per stage, and measures end-to-end latency at
        a steady rate. Throughput is the steady state: the first 10%% of the backlog is warm-up and not counted
        (for a long run: --events 200000). A progress bar goes to standard error. Kafka: a fresh embedded broker, or KAFKA_BOOTSTRAP_SERVERS (topics prefixed
        lattice-bench-<run>.).

        Options:
          --members <n>          synthetic members (default %d)
          --networks <n>         synthetic networks (default %d)
          --events <n>           ingest events in the backlog (default %d)
          --consent-ratio <r>    probability that a member grants each purpose (default %s)
          --threads <n>          stream threads per topology (default %d)
          --seed <n>             seed of the world and the traffic (default %d)
          --latency-load <r>     latency is measured at this fraction of the enforcing throughput (default %s)
          --latency-seconds <n>  length of each latency phase (default %d)
          --max-task-idle-ms <n> Kafka Streams max.task.idle.ms of both topologies (default %d, Lattice's)
          --json                 print one JSON object on standard output: enforce_eps, baseline_eps, ratio,
                                 p50_ms, p99_ms, events, ..., allow_all_eps, decisions_per_s (and more)
          -h, --help             show this help
        """
        .formatted(
            d.members(),
            d.networks(),
            d.events(),
            d.consentRatio(),
            d.threads(),
            d.seed(),
            d.latencyLoad(),
            d.latencyDuration().toSeconds(),
            d.maxTaskIdleMs());
  }

  /** Parsed command line. */
  record Options(BenchSettings settings, boolean json) {}

  static Options parse(List<String> args) {
    BenchSettings d = BenchSettings.defaults();
    int members = d.members();
    int networks = d.networks();
    long events = d.events();
    double consent = d.consentRatio();
    long seed = d.seed();
    int threads = d.threads();
    double load = d.latencyLoad();
    long latencySeconds = d.latencyDuration().toSeconds();
    long maxTaskIdleMs = d.maxTaskIdleMs();
    boolean json = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--json")) {
        json = true;
        continue;
      }
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : null;
      if (!List.of(
              "--members",
              "--networks",
              "--events",
              "--consent-ratio",
              "--seed",
              "--threads",
              "--latency-load",
              "--latency-seconds",
              "--max-task-idle-ms")
          .contains(name)) {
        throw new UsageException(
            arg.startsWith("-")
                ? "unknown option '" + arg + "'"
                : "unexpected argument '" + arg + "'");
      }
      if (value == null) {
        if (i + 1 >= args.size()) {
          throw new UsageException(name + " needs a value");
        }
        value = args.get(++i);
      }
      try {
        switch (name) {
          case "--members" -> members = Integer.parseInt(value);
          case "--networks" -> networks = Integer.parseInt(value);
          case "--events" -> events = Long.parseLong(value);
          case "--consent-ratio" -> consent = Double.parseDouble(value);
          case "--seed" -> seed = Long.parseLong(value);
          case "--threads" -> threads = Integer.parseInt(value);
          case "--latency-load" -> load = Double.parseDouble(value);
          case "--max-task-idle-ms" -> maxTaskIdleMs = Long.parseLong(value);
          default -> latencySeconds = Long.parseLong(value);
        }
      } catch (NumberFormatException e) {
        throw new UsageException(name + " must be a number, was '" + value + "'");
      }
    }
    try {
      return new Options(
          new BenchSettings(
              members,
              networks,
              events,
              consent,
              seed,
              threads,
              load,
              Duration.ofSeconds(latencySeconds),
              maxTaskIdleMs),
          json);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    Options options = parse(args);
    QuietLogging.toStandardError();
    String runId = Long.toString(System.currentTimeMillis(), 36);
    String bootstrap = environment.apply("KAFKA_BOOTSTRAP_SERVERS");
    boolean external = bootstrap != null && !bootstrap.isBlank();
    ProgressBar progress = new ProgressBar(err, System.console() != null);
    Path work;
    try {
      work = Files.createTempDirectory("lattice-bench-");
    } catch (IOException e) {
      err.println("lattice bench: cannot create a working directory: " + e.getMessage());
      return FAILED;
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
      return OK;
    } catch (BenchFailedException | dev.lattice.kafka.embedded.EmbeddedKafkaException e) {
      progress.done();
      err.println("lattice bench: " + e.getMessage());
      return FAILED;
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
