package dev.lattice.gateway.cli;

import dev.lattice.gateway.chaos.ChaosReport;
import dev.lattice.gateway.chaos.ChaosRun;
import dev.lattice.gateway.chaos.ChaosSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

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
    int minutes = 5;
    int members = 20;
    int rate = 10;
    Path dataDir = null;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : null;
      if (!List.of("--minutes", "--members", "--rate", "--data-dir").contains(name)) {
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
      switch (name) {
        case "--minutes" -> minutes = number(name, value, 1, 240);
        case "--members" -> members = number(name, value, 1, 1000);
        case "--rate" -> rate = number(name, value, 1, 500);
        default -> dataDir = Path.of(value);
      }
    }
    if (dataDir == null) {
      dataDir =
          Path.of(
              "lattice-data", "chaos", Instant.now().toString().replace(':', '-').substring(0, 19));
    }
    return new Options(minutes, members, rate, dataDir);
  }

  private static int number(String option, String value, int min, int max) {
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException(
        option + " must be a number from " + min + " to " + max + ", was '" + value + "'");
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    Options options = parse(args);
    dev.lattice.gateway.bench.QuietLogging.toStandardError();
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
