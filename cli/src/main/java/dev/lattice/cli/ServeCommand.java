package dev.lattice.cli;

import dev.lattice.gateway.LatticeApplication;
import dev.lattice.gateway.kafka.EarlyKafkaStart;
import dev.lattice.gateway.kafka.KafkaBroker;
import dev.lattice.gateway.kafka.KafkaSettings;
import dev.lattice.gateway.kafka.KafkaUnreachableException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code lattice serve}: starts Kafka (embedded, or the cluster in {@code
 * KAFKA_BOOTSTRAP_SERVERS}), provisions the topics and serves the gateway over HTTP. Checks the
 * usual mistakes first and reports each in one line: the port is taken, the data directory is not
 * writable, the external cluster does not answer.
 */
public final class ServeCommand implements Subcommand {
  static final int DEFAULT_PORT = 8080;
  static final String DEFAULT_DATA_DIR = "./lattice-data";
  static final Duration DEFAULT_KAFKA_TIMEOUT = Duration.ofSeconds(30);

  private final Function<String, String> environment;

  public ServeCommand() {
    this(System::getenv);
  }

  ServeCommand(Function<String, String> environment) {
    this.environment = environment;
  }

  @Override
  public String name() {
    return "serve";
  }

  @Override
  public String summary() {
    return "start Kafka (embedded unless KAFKA_BOOTSTRAP_SERVERS is set) and the gateway";
  }

  @Override
  public String usage() {
    return """
        Usage: lattice serve [--port <port>] [--data-dir <dir>] [--kafka-port <port>] [--<property>=<value>...]

        Starts Lattice: an embedded single-node Kafka broker (or the cluster in KAFKA_BOOTSTRAP_SERVERS),
        Lattice's topics, and the gateway's HTTP server. Health: GET /actuator/health.

        Options:
          --port <port>        HTTP port of the gateway (default 8080)
          --data-dir <dir>     directory for Lattice's data, including the embedded broker's (default ./lattice-data)
          --kafka-port <port>  client port of the embedded broker (default: any free port; it is logged)
          --<property>=<value> any Spring Boot property of the gateway, e.g. --lattice.cluster.secret=...
                               (the same as its environment variable, LATTICE_CLUSTER_SECRET)
          -h, --help           show this help

        Environment:
          KAFKA_BOOTSTRAP_SERVERS        use this Kafka cluster (host:port,...) instead of the embedded broker
          LATTICE_KAFKA_CONNECT_TIMEOUT  how long to wait for that cluster, e.g. 30s (default 30s)

        Joining a cluster of Lattice instances (README "Running a cluster"): point every instance at the same
        KAFKA_BOOTSTRAP_SERVERS with the same LATTICE_STREAMS_APPLICATION_ID (default lattice), its own --port
        and --data-dir, and set on each:
          LATTICE_CLUSTER_ADVERTISED_URL    where the other instances reach this one (default http://localhost:<port>)
          LATTICE_CLUSTER_SECRET            the same 32+ characters on every instance (signs forwarded queries)
          LATTICE_STREAMS_PSEUDONYM_SECRET  the same 32+ characters on every instance
          LATTICE_SECURITY_API_KEY_PEPPER   the same 32+ characters on every instance (API key hashes)
          LATTICE_MASTER_KEY                the same on every instance: base64 of 32 random bytes
                                            (openssl rand -base64 32); it wraps the members' data keys
        """;
  }

  /** Parsed options of {@code lattice serve}. */
  /**
   * @param properties Spring Boot properties given as {@code --name=value} arguments (a dotted
   *     name, e.g. {@code --lattice.cluster.secret=…}), passed to the application as they are
   */
  public record Options(int port, Path dataDir, int kafkaPort, List<String> properties) {
    public Options {
      properties = List.copyOf(properties);
    }

    public Options(int port, Path dataDir, int kafkaPort) {
      this(port, dataDir, kafkaPort, List.of());
    }
  }

  public static Options parse(List<String> args) {
    int port = DEFAULT_PORT;
    Path dataDir = Path.of(DEFAULT_DATA_DIR);
    int kafkaPort = 0;
    List<String> properties = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      String inlineValue = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : null;
      if (inlineValue != null && name.startsWith("--") && name.indexOf('.') > 2) {
        properties.add(arg); // a Spring Boot property, e.g. --lattice.cluster.secret=…
        continue;
      }
      switch (name) {
        case "--port", "--data-dir", "--kafka-port" -> {
          String value = inlineValue;
          if (value == null) {
            if (i + 1 >= args.size()) {
              throw new UsageException(name + " needs a value");
            }
            value = args.get(++i);
          }
          switch (name) {
            case "--port" -> port = port(name, value, 1);
            case "--kafka-port" -> kafkaPort = port(name, value, 0);
            default -> dataDir = Path.of(value);
          }
        }
        default ->
            throw new UsageException(
                arg.startsWith("-")
                    ? "unknown option '" + arg + "'"
                    : "unexpected argument '" + arg + "'");
      }
    }
    return new Options(port, dataDir, kafkaPort, properties);
  }

  private static int port(String option, String value, int min) {
    try {
      int port = Integer.parseInt(value);
      if (port >= min && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException(
        option + " must be a port number between " + min + " and 65535, was '" + value + "'");
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    Options options = parse(args);
    String problem = preflight(options);
    if (problem != null) {
      err.println("lattice serve: " + problem);
      return FAILED;
    }
    try {
      start(options, out);
      return OK;
    } catch (RuntimeException e) {
      // Spring Boot has already logged the failure with its cause.
      err.println("lattice serve: failed to start: " + rootMessage(e));
      return FAILED;
    }
  }

  /**
   * Checks what commonly goes wrong before anything starts; returns a one-line description of the
   * first problem, or null.
   */
  public String preflight(Options options) {
    String problem = portProblem(options.port());
    if (problem == null && externalBootstrap() == null) {
      problem = dataDirProblem(options.dataDir());
    }
    if (problem == null && externalBootstrap() != null) {
      problem = kafkaProblem(externalBootstrap());
    }
    return problem;
  }

  /** Starts the application and returns its running context. */
  public ConfigurableApplicationContext start(Options options, PrintStream out) {
    long begin = System.nanoTime();
    SpringApplication application = new SpringApplication(LatticeApplication.class);
    Path dataDir = options.dataDir().toAbsolutePath().normalize();
    List<String> springArgs =
        new ArrayList<>(
            List.of(
                "--server.port=" + options.port(),
                "--lattice.data-dir=" + dataDir,
                "--lattice.kafka.embedded-port=" + options.kafkaPort()));
    // After Lattice's own: a property the user named explicitly wins (Spring takes the last one).
    springArgs.addAll(options.properties());
    String bootstrap = externalBootstrap();
    EarlyKafkaStart early = null;
    if (bootstrap != null) {
      springArgs.add("--lattice.kafka.bootstrap-servers=" + bootstrap);
    } else {
      // The broker starts while Spring builds the context; the kafkaBroker bean picks it up.
      early =
          EarlyKafkaStart.begin(
              new KafkaSettings(
                  "", dataDir.resolve("kafka"), DEFAULT_KAFKA_TIMEOUT, options.kafkaPort(), true));
      EarlyKafkaStart started = early;
      application.addInitializers(
          context -> context.getBeanFactory().registerSingleton("earlyKafkaStart", started));
    }
    ConfigurableApplicationContext context;
    try {
      context = application.run(springArgs.toArray(String[]::new));
    } catch (RuntimeException e) {
      if (early != null) {
        early.abandon();
      }
      throw e;
    }
    KafkaBroker broker = context.getBean(KafkaBroker.class);
    out.printf(
        "lattice: serving on http://localhost:%d (health: /actuator/health) after %.1f s; Kafka: %s%n",
        options.port(),
        (System.nanoTime() - begin) / 1e9,
        broker.isEmbedded()
            ? "embedded at " + broker.bootstrapServers() + ", data in " + options.dataDir()
            : broker.bootstrapServers());
    return context;
  }

  private String externalBootstrap() {
    String bootstrap = environment.apply("KAFKA_BOOTSTRAP_SERVERS");
    return bootstrap == null || bootstrap.isBlank() ? null : bootstrap.trim();
  }

  private static String portProblem(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(port));
      return null;
    } catch (IOException e) {
      return "port " + port + " is already in use; choose another with --port";
    }
  }

  private static String dataDirProblem(Path dataDir) {
    Path absolute = dataDir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(absolute);
      Files.delete(Files.createTempFile(absolute, ".write-probe", ".tmp"));
      return null;
    } catch (IOException | SecurityException e) {
      return "data directory "
          + absolute
          + " is not writable ("
          + e.getClass().getSimpleName()
          + "); choose another with --data-dir";
    }
  }

  private String kafkaProblem(String bootstrap) {
    String configured = environment.apply("LATTICE_KAFKA_CONNECT_TIMEOUT");
    Duration timeout = DEFAULT_KAFKA_TIMEOUT;
    if (configured != null && !configured.isBlank()) {
      try {
        timeout = DurationStyle.detectAndParse(configured.trim());
      } catch (IllegalArgumentException e) {
        return "LATTICE_KAFKA_CONNECT_TIMEOUT must be a duration such as 30s, was '"
            + configured
            + "'";
      }
    }
    try {
      KafkaBroker.awaitReachable(bootstrap, timeout);
      return null;
    } catch (KafkaUnreachableException e) {
      return e.getMessage() + " (KAFKA_BOOTSTRAP_SERVERS)";
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }
}
