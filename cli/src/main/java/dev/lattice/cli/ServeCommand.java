package dev.lattice.cli;

import dev.lattice.gateway.LatticeApplication;
import dev.lattice.gateway.kafka.EarlyKafkaStart;
import dev.lattice.gateway.kafka.KafkaBroker;
import dev.lattice.gateway.kafka.KafkaSettings;
import dev.lattice.gateway.kafka.KafkaUnreachableException;
import dev.lattice.gateway.topology.LockFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.convert.DurationStyle;
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
 * {@code lattice serve}: starts Kafka (embedded, or the cluster in {@code
 * KAFKA_BOOTSTRAP_SERVERS}), provisions the topics and serves the gateway over HTTP. Checks the
 * usual mistakes first and reports each in one line: the port is taken, the data directory is not
 * writable, the external cluster does not answer.
 */
@Command(
    name = "serve",
    header = "start Kafka (embedded unless KAFKA_BOOTSTRAP_SERVERS is set) and the gateway",
    mixinStandardHelpOptions = true,
    description = {
      "Starts Lattice: an embedded single-node Kafka broker (or the cluster in KAFKA_BOOTSTRAP_SERVERS),",
      "Lattice's topics, and the gateway's HTTP server. Health: GET /actuator/health."
    },
    footer = {
      "      --<property>=<value>  any Spring Boot property of the gateway, e.g. --lattice.cluster.secret=...",
      "                            (the same as its environment variable, LATTICE_CLUSTER_SECRET)",
      "",
      "Environment:",
      "  KAFKA_BOOTSTRAP_SERVERS        use this Kafka cluster (host:port,...) instead of the embedded broker",
      "  LATTICE_KAFKA_CONNECT_TIMEOUT  how long to wait for that cluster, e.g. 30s (default 30s)",
      "",
      "Joining a cluster of Lattice instances (README \"Running a cluster\"): point every instance at the same",
      "KAFKA_BOOTSTRAP_SERVERS with the same LATTICE_STREAMS_APPLICATION_ID (default lattice), its own --port",
      "and --data-dir, and set on each:",
      "  LATTICE_CLUSTER_ADVERTISED_URL    where the other instances reach this one (default http://localhost:<port>)",
      "  LATTICE_CLUSTER_SECRET            the same 32+ characters on every instance (signs forwarded queries)",
      "  LATTICE_STREAMS_PSEUDONYM_SECRET  the same 32+ characters on every instance",
      "  LATTICE_SECURITY_API_KEY_PEPPER   the same 32+ characters on every instance (API key hashes)",
      "  LATTICE_MASTER_KEY                the same on every instance: base64 of 32 random bytes",
      "                                    (openssl rand -base64 32); it wraps the members' data keys",
      "(unset, LATTICE_CLUSTER_SECRET is derived from the pepper). An instance whose secrets differ from",
      "those the first instance recorded refuses to start and names each one."
    })
public final class ServeCommand implements Callable<Integer> {
  static final int DEFAULT_PORT = 8080;
  static final String DEFAULT_DATA_DIR = "./lattice-data";
  static final Duration DEFAULT_KAFKA_TIMEOUT = Duration.ofSeconds(30);

  private final CommandIo io;

  @Mixin ServerOptions server;

  /** Spring Boot properties ({@code --name.with.dots=value}), checked by {@link ServerOptions}. */
  @Unmatched List<String> properties = new ArrayList<>();

  ServeCommand(CommandIo io) {
    this.io = io;
  }

  /**
   * The options of {@code serve}, shared with {@code demo}: the gateway's port, the data directory,
   * the embedded broker's port and any Spring Boot property as {@code --name=value}.
   */
  public static final class ServerOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(
        names = "--port",
        paramLabel = "<port>",
        description = "HTTP port of the gateway (default ${DEFAULT-VALUE})")
    int port = DEFAULT_PORT;

    @Option(
        names = "--data-dir",
        paramLabel = "<dir>",
        description =
            "directory for Lattice's data, including the embedded broker's (default ${DEFAULT-VALUE})")
    Path dataDir = Path.of(DEFAULT_DATA_DIR);

    @Option(
        names = "--kafka-port",
        paramLabel = "<port>",
        description = "client port of the embedded broker (default: any free port; it is logged)")
    int kafkaPort;

    /**
     * The options as a record, with {@code unmatched}: the words the command did not recognise,
     * which must be Spring Boot properties ({@code --name.with.dots=value}; picocli collects them
     * in the command's {@code @Unmatched} list, which a mixin cannot hold). A usage error names a
     * port out of range or a word that is neither an option nor a {@code --property=value}.
     */
    public Options options(List<String> unmatched) {
      List<String> properties = new ArrayList<>();
      for (String arg : unmatched) {
        int eq = arg.indexOf('=');
        if (arg.startsWith("--") && eq > 2 && arg.substring(0, eq).indexOf('.') > 2) {
          properties.add(arg); // a Spring Boot property, e.g. --lattice.cluster.secret=…
        } else {
          throw new ParameterException(
              spec.commandLine(),
              arg.startsWith("-")
                  ? "unknown option '" + arg + "'"
                  : "unexpected argument '" + arg + "'");
        }
      }
      return new Options(
          port(spec, "--port", port, 1),
          dataDir,
          port(spec, "--kafka-port", kafkaPort, 0),
          properties);
    }
  }

  /**
   * Parsed options of {@code lattice serve}.
   *
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

  /** Parses a {@code serve} command line (without the word serve); usage errors as thrown. */
  static Options parse(String... args) {
    ServeCommand command = new ServeCommand(CommandIo.system());
    new CommandLine(command).parseArgs(args);
    return command.server.options(command.properties);
  }

  private static int port(CommandSpec spec, String option, int port, int min) {
    if (port >= min && port <= 65535) {
      return port;
    }
    throw new ParameterException(
        spec.commandLine(),
        option + " must be a port number between " + min + " and 65535, was '" + port + "'");
  }

  @Override
  public Integer call() {
    Options options = server.options(properties);
    String problem = preflight(options);
    if (problem != null) {
      io.err().println("lattice serve: " + problem);
      return LatticeCommand.FAILED;
    }
    try {
      start(options, io.out());
      return LatticeCommand.OK;
    } catch (RuntimeException e) {
      // Spring Boot has already logged the failure with its cause.
      io.err().println("lattice serve: failed to start: " + rootMessage(e));
      return LatticeCommand.FAILED;
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
    if (problem == null && externalBootstrap() == null) {
      problem = embeddedKafkaInUse(options.dataDir());
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
    String bootstrap = io.environment().apply("KAFKA_BOOTSTRAP_SERVERS");
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

  /**
   * Another instance running from the same data directory holds its embedded broker's data: this
   * one could only fail to start its own. Says how to join that broker instead.
   */
  static String embeddedKafkaInUse(Path dataDir) {
    Path absolute = dataDir.toAbsolutePath().normalize();
    Path kafka = absolute.resolve("kafka");
    if (!LockFiles.heldByAnother(kafka.resolve("node-0").resolve("data").resolve(".lock"))) {
      return null;
    }
    String address = null;
    try {
      address = Files.readString(kafka.resolve(KafkaBroker.ADDRESS_FILE)).trim();
    } catch (IOException e) {
      // not recorded: the message names no address
    }
    String at = address == null || address.isBlank() ? "<its Kafka address>" : address;
    return "data directory "
        + absolute
        + " is in use by another Lattice instance, which runs the embedded Kafka broker"
        + (address == null || address.isBlank() ? "" : " at " + address)
        + ": to run a second instance on that Kafka, start it with KAFKA_BOOTSTRAP_SERVERS="
        + at
        + " and another --port (README, \"Running a cluster\"); or give it its own --data-dir";
  }

  private String kafkaProblem(String bootstrap) {
    String configured = io.environment().apply("LATTICE_KAFKA_CONNECT_TIMEOUT");
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
