package dev.lattice.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code lattice demo}: starts Lattice as {@code serve} does, seeds a small world (networks with
 * their rules, brands, a few hundred members with their consents) through the gateway's own
 * services and ingest topics, then drives steady synthetic traffic and shows the decisions as they
 * flow, with {@code curl} lines to try.
 */
@Command(
    name = "demo",
    header = "start Lattice with demo networks, members, brands and live traffic",
    mixinStandardHelpOptions = true,
    description = {
      "Starts Lattice as `lattice serve` does, then seeds a demo world: four small networks (a ski club, a book",
      "circle, a parents' group, a garden guild) with different rules and agreements, six brands with offers,",
      "300 members with varied consents; then sends member updates, posts, purchases, offers and consent changes",
      "at a steady rate and prints the decisions as they are made, the admin API key and curl lines to try."
    },
    footer = {
      "      --<property>=<value>  any Spring Boot property of the gateway, as for `lattice serve`",
      "",
      "Environment:",
      "  KAFKA_BOOTSTRAP_SERVERS  use this Kafka cluster instead of the embedded broker"
    })
public final class DemoCommand implements Callable<Integer> {
  static final String ADMIN_KEY_PROPERTY = "lattice.security.bootstrap-admin-key";
  static final double DEFAULT_RATE = 20;

  private final CommandIo io;

  @Spec CommandSpec spec;

  @Mixin ServeCommand.ServerOptions server;

  /** Spring Boot properties ({@code --name.with.dots=value}), passed on to serve. */
  @Unmatched List<String> properties = new ArrayList<>();

  @Option(
      names = "--rate",
      paramLabel = "<events/s>",
      description =
          "synthetic events per second, above 0 and at most 10000 (default ${DEFAULT-VALUE})")
  double rate = DEFAULT_RATE;

  DemoCommand(CommandIo io) {
    this.io = io;
  }

  /** Parsed options: those of serve, plus the traffic rate. */
  record Options(ServeCommand.Options serve, double rate) {}

  Options options() {
    if (!(rate > 0 && rate <= 10_000)) {
      throw new ParameterException(
          spec.commandLine(),
          "--rate must be above 0 and at most 10000 events per second, was " + rate);
    }
    return new Options(server.options(properties), rate);
  }

  /** Parses a {@code demo} command line (without the word demo); usage errors as thrown. */
  static Options parse(String... args) {
    DemoCommand command = new DemoCommand(CommandIo.system());
    new CommandLine(command).parseArgs(args);
    return command.options();
  }

  @Override
  public Integer call() {
    Options options = options();
    ServeCommand serve = new ServeCommand(io);
    ServeCommand.Options serveOptions = options.serve();
    PrintStream out = io.out();
    PrintStream err = io.err();
    String problem = serve.preflight(serveOptions);
    if (problem != null) {
      err.println("lattice demo: " + problem);
      return LatticeCommand.FAILED;
    }
    String adminKey;
    try {
      adminKey = adminKey(serveOptions.dataDir());
    } catch (IOException e) {
      err.println(
          "lattice demo: cannot keep the demo admin key in "
              + serveOptions.dataDir()
              + ": "
              + e.getMessage());
      return LatticeCommand.FAILED;
    }
    // Registered by the gateway at start-up like LATTICE_BOOTSTRAP_ADMIN_KEY, so the printed curl
    // lines work.
    System.setProperty(ADMIN_KEY_PROPERTY, adminKey);
    quietLogs();
    demoInsights();
    ConfigurableApplicationContext context;
    try {
      context = serve.start(serveOptions, out);
    } catch (RuntimeException e) {
      err.println("lattice demo: failed to start: " + e.getMessage());
      return LatticeCommand.FAILED;
    }
    try {
      new Demo(context, serveOptions, adminKey, options.rate(), out).start();
      return LatticeCommand.OK;
    } catch (RuntimeException e) {
      err.println("lattice demo: " + e.getMessage());
      context.close();
      return LatticeCommand.FAILED;
    }
  }

  /**
   * Insights on a demo's time scale: two-minute windows and ε = 2 per member-day with L = 2 (noise
   * scale 1, release threshold τ = 15), so that an offer's deliveries to a network show up as an
   * insight within minutes while the few purchases of a window stay unpublished. A value the user
   * set (system property or environment) wins. Production defaults are in docs/privacy.md.
   */
  private static void demoInsights() {
    Map<String, String> settings =
        Map.of(
            "window", "2m",
            "grace", "10s",
            "member-day-epsilon", "2.0",
            "cells-per-member-day", "2",
            "daily-epsilon", "200",
            "lifetime-epsilon", "5000");
    settings.forEach(
        (name, value) -> {
          String property = "lattice.streams.insights." + name;
          String env =
              "LATTICE_STREAMS_INSIGHTS_"
                  + name.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
          if (System.getProperty(property) == null && System.getenv(env) == null) {
            System.setProperty(property, value);
          }
        });
  }

  /**
   * The demo talks on standard output; the gateway's routine INFO lines (a data key per member,
   * Kafka clients) would bury it. Warnings and errors still show. A level the user set (system
   * property or environment) wins.
   */
  private static void quietLogs() {
    // The embedded broker logs, as errors, out-of-sequence first appends of transactions that the
    // producer then
    // retries successfully (transactions v2); they say nothing about the demo.
    Map<String, String> levels =
        Map.of(
            "root",
            "WARN",
            "org.apache.kafka",
            "ERROR",
            "kafka",
            "ERROR",
            "state.change.logger",
            "ERROR",
            "kafka.server.ReplicaManager",
            "OFF");
    levels.forEach(
        (logger, level) -> {
          String property = "logging.level." + logger;
          String env =
              "LOGGING_LEVEL_" + logger.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
          if (System.getProperty(property) == null && System.getenv(env) == null) {
            System.setProperty(property, level);
          }
        });
  }

  /**
   * The demo's admin key: kept in the data directory so that it stays the same across runs (the
   * gateway stores only its hash), and created at random on the first run.
   */
  static String adminKey(Path dataDir) throws IOException {
    Path file = dataDir.resolve("demo").resolve("admin-key");
    if (Files.isRegularFile(file)) {
      dev.lattice.gateway.security.OwnerOnlyFiles.narrow(file);
      String key = Files.readString(file, StandardCharsets.US_ASCII).trim();
      if (!key.isEmpty()) {
        return key;
      }
    }
    byte[] random = new byte[16];
    new SecureRandom().nextBytes(random);
    String key = "lattice-demo-" + HexFormat.of().formatHex(random);
    dev.lattice.gateway.security.OwnerOnlyFiles.writeString(file, key + "\n");
    return key;
  }
}
