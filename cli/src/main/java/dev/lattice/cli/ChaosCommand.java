package dev.lattice.cli;

import dev.lattice.cli.chaos.ChaosReport;
import dev.lattice.cli.chaos.ChaosRun;
import dev.lattice.cli.chaos.ChaosSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code lattice chaos --minutes N}: a soak of the cluster under faults. Three in-JVM brokers and
 * two Lattice instance processes take steady API traffic while instances are killed with SIGKILL
 * and restarted and brokers are stopped and restarted; then every topic is checked (see {@link
 * ChaosRun}). Prints the figures; exit status 0 only when nothing was lost, duplicated or leaked.
 */
public final class ChaosCommand implements Subcommand {

  /** Parsed options. */
  public record Options(int minutes, int members, int rate, Path dataDir) {}

  @Override
  public String name() {
    return "chaos";
  }

  @Override
  public String summary() {
    return "a soak under faults: 3 brokers, 2 instances, kill -9 and restarts; checks every topic";
  }

  @Override
  public String usage() {
    return """
        Usage: lattice chaos [--minutes <n>] [--members <n>] [--rate <calls/s>] [--data-dir <dir>]

        Starts 3 Kafka brokers in this process and 2 Lattice instances as processes of their own,
        sends steady traffic through the HTTP API (member data, offers, consent grants and
        withdrawals, and a few undecodable records straight to an input topic) and, every 2
        minutes, kills an instance with SIGKILL, stops and restarts a broker and starts the instance
        again. Then it reads every input, audit, output and quarantine topic (read_committed) and
        checks: every accepted event decided exactly once per candidate destination, no delivery
        without an allow decision, none after a withdrawal was answered, no duplicate ids, the
        quarantine holding exactly the bad inputs. Prints events, decisions, faults with recovery
        times and violations; exits 1 when there is any violation.

        Options:
          --minutes <n>      minutes of traffic, 1-240 (default 5)
          --members <n>      members of the test network, 1-1000 (default 20)
          --rate <n>         API calls per second, 1-500 (default 10)
          --data-dir <dir>   brokers' and instances' data and logs (default ./lattice-data/chaos/<time>)
        """;
  }

  public static Options parse(List<String> args) {
    Map<String, String> given =
        NamedOptions.read(args, Set.of("--minutes", "--members", "--rate", "--data-dir"));
    String dataDir = given.get("--data-dir");
    return new Options(
        NamedOptions.number(given, "--minutes", 5, 1, 240),
        NamedOptions.number(given, "--members", 20, 1, 1000),
        NamedOptions.number(given, "--rate", 10, 1, 500),
        dataDir != null
            ? Path.of(dataDir)
            : Path.of(
                "lattice-data",
                "chaos",
                Instant.now().toString().replace(':', '-').substring(0, 19)));
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    Options options = parse(args);
    dev.lattice.benchmarks.bench.QuietLogging.toStandardError();
    String jar = System.getProperty("java.class.path");
    if (jar == null || !jar.endsWith(".jar") || jar.contains(java.io.File.pathSeparator)) {
      err.println("lattice chaos: run it from the Lattice jar (./lattice chaos)");
      return FAILED;
    }
    ChaosSettings settings =
        new ChaosSettings(
            Duration.ofMinutes(options.minutes()),
            Duration.ofMinutes(Math.min(2, options.minutes())),
            options.members(),
            options.rate(),
            Math.max(3, options.minutes() * 2),
            Path.of(jar).toAbsolutePath(),
            ProcessHandle.current().info().command().orElse("java"),
            384,
            options.dataDir().toAbsolutePath(),
            freePort(),
            Duration.ofMinutes(2),
            System.nanoTime());
    try {
      ChaosReport report = new ChaosRun(settings, err).run();
      out.print(report.describe());
      out.println("data and instance logs: " + options.dataDir());
      return report.violations().isEmpty() ? OK : FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return FAILED;
    } catch (RuntimeException e) {
      err.println("lattice chaos: " + e.getMessage());
      return FAILED;
    }
  }

  /** A free port whose successor is free too (the second instance's). */
  public static int freePort() {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket first = new ServerSocket(0)) {
        int port = first.getLocalPort();
        if (port < 65535) {
          try (ServerSocket second = new ServerSocket(port + 1)) {
            return port;
          } catch (IOException taken) {
            // try another pair
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException("no two adjacent free ports found");
  }
}
