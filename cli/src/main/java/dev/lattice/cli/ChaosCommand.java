package dev.lattice.cli;

import dev.lattice.cli.chaos.ChaosReport;
import dev.lattice.cli.chaos.ChaosRun;
import dev.lattice.cli.chaos.ChaosSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lattice chaos --minutes N}: a soak of the cluster under faults. Three in-JVM brokers and
 * two Lattice instance processes take steady API traffic while instances are killed with SIGKILL
 * and restarted and brokers are stopped and restarted; then every topic is checked (see {@link
 * ChaosRun}). Prints the figures; exit status 0 only when nothing was lost, duplicated or leaked.
 */
@Command(
    name = "chaos",
    header =
        "a soak under faults: 3 brokers, 2 instances, kill -9 and restarts; checks every topic",
    mixinStandardHelpOptions = true,
    description = {
      "Starts 3 Kafka brokers in this process and 2 Lattice instances as processes of their own,",
      "sends steady traffic through the HTTP API (member data, offers, consent grants and",
      "withdrawals, and a few undecodable records straight to an input topic) and, every 2",
      "minutes, kills an instance with SIGKILL, stops and restarts a broker and starts the instance",
      "again. Then it reads every input, audit, output and quarantine topic (read_committed) and",
      "checks: every accepted event decided exactly once per candidate destination, no delivery",
      "without an allow decision, none after a withdrawal was answered, no duplicate ids, the",
      "quarantine holding exactly the bad inputs. Prints events, decisions, faults with recovery",
      "times and violations; exits 1 when there is any violation."
    })
public final class ChaosCommand implements Callable<Integer> {

  /** Parsed options. */
  public record Options(int minutes, int members, int rate, Path dataDir) {}

  private final CommandIo io;

  @Spec CommandSpec spec;

  @Option(
      names = "--minutes",
      paramLabel = "<n>",
      description = "minutes of traffic, 1-240 (default ${DEFAULT-VALUE})")
  int minutes = 5;

  @Option(
      names = "--members",
      paramLabel = "<n>",
      description = "members of the test network, 1-1000 (default ${DEFAULT-VALUE})")
  int members = 20;

  @Option(
      names = "--rate",
      paramLabel = "<calls/s>",
      description = "API calls per second, 1-500 (default ${DEFAULT-VALUE})")
  int rate = 10;

  @Option(
      names = "--data-dir",
      paramLabel = "<dir>",
      description = "brokers' and instances' data and logs (default ./lattice-data/chaos/<time>)")
  Path dataDir;

  ChaosCommand(CommandIo io) {
    this.io = io;
  }

  /** The options as a record; a value out of range is a usage error naming the option. */
  Options options() {
    return new Options(
        OptionRange.within(spec, "--minutes", minutes, 1, 240),
        OptionRange.within(spec, "--members", members, 1, 1000),
        OptionRange.within(spec, "--rate", rate, 1, 500),
        dataDir != null
            ? dataDir
            : Path.of(
                "lattice-data",
                "chaos",
                Instant.now().toString().replace(':', '-').substring(0, 19)));
  }

  /** Parses a {@code chaos} command line (without the word chaos); usage errors as thrown. */
  static Options parse(String... args) {
    ChaosCommand command = new ChaosCommand(CommandIo.system());
    new CommandLine(command).parseArgs(args);
    return command.options();
  }

  @Override
  public Integer call() {
    Options options = options();
    PrintStream out = io.out();
    PrintStream err = io.err();
    dev.lattice.benchmarks.bench.QuietLogging.toStandardError();
    String jar = System.getProperty("java.class.path");
    if (jar == null || !jar.endsWith(".jar") || jar.contains(java.io.File.pathSeparator)) {
      err.println("lattice chaos: run it from the Lattice jar (./lattice chaos)");
      return LatticeCommand.FAILED;
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
      return report.violations().isEmpty() ? LatticeCommand.OK : LatticeCommand.FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return LatticeCommand.FAILED;
    } catch (RuntimeException e) {
      err.println("lattice chaos: " + e.getMessage());
      return LatticeCommand.FAILED;
    }
  }

  /**
   * A free port whose successor is free too (the second instance's), below Linux's ephemeral range
   * (32768+): a killed instance is restarted on its port, which a client connection of any process
   * could take meanwhile if it were in that range.
   */
  public static int freePort() {
    java.util.Random random = new java.util.Random();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = 20000 + random.nextInt(12000);
      try (ServerSocket first = new ServerSocket(port);
          ServerSocket second = new ServerSocket(port + 1)) {
        return port;
      } catch (IOException taken) {
        // try another pair
      }
    }
    throw new IllegalStateException("no two adjacent free ports found between 20000 and 32000");
  }
}
