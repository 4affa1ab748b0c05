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
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code lattice demo}: starts Lattice as {@code serve} does, seeds a small world (networks with
 * their rules, brands, a few hundred members with their consents) through the gateway's own
 * services and ingest topics, then drives steady synthetic traffic and shows the decisions as they
 * flow, with {@code curl} lines to try.
 */
public final class DemoCommand implements Subcommand {
  static final String ADMIN_KEY_PROPERTY = "lattice.security.bootstrap-admin-key";
  static final double DEFAULT_RATE = 20;

  @Override
  public String name() {
    return "demo";
  }

  @Override
  public String summary() {
    return "start Lattice with demo networks, members, brands and live traffic";
  }

  @Override
  public String usage() {
    return """
        Usage: lattice demo [--port <port>] [--data-dir <dir>] [--kafka-port <port>] [--rate <events/s>]

        Starts Lattice as `lattice serve` does, then seeds a demo world: four small networks (a ski club, a book
        circle, a parents' group, a garden guild) with different rules and agreements, six brands with offers,
        300 members with varied consents; then sends member updates, posts, purchases, offers and consent changes
        at a steady rate and prints the decisions as they are made, the admin API key and curl lines to try.

        Options:
          --port <port>        HTTP port of the gateway (default 8080)
          --data-dir <dir>     directory for Lattice's data (default ./lattice-data)
          --kafka-port <port>  client port of the embedded broker (default: any free port)
          --rate <events/s>    synthetic events per second (default 20)
          -h, --help           show this help

        Environment:
          KAFKA_BOOTSTRAP_SERVERS  use this Kafka cluster instead of the embedded broker
        """;
  }

  /** Parsed options: those of serve, plus the traffic rate. */
  record Options(List<String> serveArgs, double rate) {}

  static Options parse(List<String> args) {
    List<String> serve = new ArrayList<>();
    double rate = DEFAULT_RATE;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--rate") || arg.startsWith("--rate=")) {
        String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : null;
        if (value == null) {
          if (i + 1 >= args.size()) {
            throw new UsageException("--rate needs a value");
          }
          value = args.get(++i);
        }
        try {
          rate = Double.parseDouble(value);
        } catch (NumberFormatException e) {
          throw new UsageException(
              "--rate must be a number of events per second, was '" + value + "'");
        }
        if (!(rate > 0 && rate <= 10_000)) {
          throw new UsageException(
              "--rate must be above 0 and at most 10000 events per second, was " + value);
        }
      } else {
        serve.add(arg);
      }
    }
    return new Options(List.copyOf(serve), rate);
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    Options options = parse(args);
    ServeCommand serve = new ServeCommand();
    ServeCommand.Options serveOptions = ServeCommand.parse(options.serveArgs());
    String problem = serve.preflight(serveOptions);
    if (problem != null) {
      err.println("lattice demo: " + problem);
      return FAILED;
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
      return FAILED;
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
      return FAILED;
    }
    try {
      new Demo(context, serveOptions, adminKey, options.rate(), out).start();
      return OK;
    } catch (RuntimeException e) {
      err.println("lattice demo: " + e.getMessage());
      context.close();
      return FAILED;
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
