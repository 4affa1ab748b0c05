package dev.lattice.cli;

import dev.lattice.kafka.embedded.EmbeddedKafkaCluster;
import dev.lattice.kafka.embedded.KafkaClusterSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lattice cluster}: a local cluster to try scale-out on one machine. Starts an in-JVM KRaft
 * Kafka cluster (1 or 3 brokers) in this process and {@code --instances} Lattice instances as
 * processes of their own ({@code java -jar <this jar> serve}), all with the same application id and
 * the same generated secrets, and prints their URLs and the admin key. Ctrl-C stops the instances,
 * then the brokers.
 */
@Command(
    name = "cluster",
    header = "a local cluster: in-JVM Kafka brokers and several Lattice instance processes",
    mixinStandardHelpOptions = true,
    description = {
      "Starts a Kafka cluster inside this process and <n> Lattice instances as separate processes on",
      "ports <first-port>, <first-port>+1, ... sharing that Kafka, one application id and generated",
      "secrets (cluster secret, pseudonym secret, admin key). Prints each instance's URL once it is",
      "healthy, and the admin key. Each instance logs to <dir>/instance-<i>.log. Ctrl-C stops all."
    })
public final class ClusterCommand implements Callable<Integer> {

  /** Parsed options. */
  public record Options(int brokers, int instances, int firstPort, Path dataDir) {}

  private final CommandIo io;

  @Spec CommandSpec spec;

  @Option(
      names = "--brokers",
      paramLabel = "1|3",
      description = "Kafka brokers (default ${DEFAULT-VALUE})")
  int brokers = 3;

  @Option(
      names = "--instances",
      paramLabel = "<n>",
      description = "Lattice instances, 1-9 (default ${DEFAULT-VALUE})")
  int instances = 2;

  @Option(
      names = "--first-port",
      paramLabel = "<port>",
      description = "HTTP port of the first instance (default ${DEFAULT-VALUE})")
  int firstPort = 8081;

  @Option(
      names = "--data-dir",
      paramLabel = "<dir>",
      description = "brokers' and instances' data (default ${DEFAULT-VALUE})")
  Path dataDir = Path.of("lattice-data", "cluster");

  ClusterCommand(CommandIo io) {
    this.io = io;
  }

  /** The options as a record; a value out of range is a usage error naming the option. */
  Options options() {
    if (brokers != 1 && brokers != 3) {
      throw new ParameterException(spec.commandLine(), "--brokers must be 1 or 3, was " + brokers);
    }
    return new Options(
        brokers,
        OptionRange.within(spec, "--instances", instances, 1, 9),
        OptionRange.within(spec, "--first-port", firstPort, 1, 65535 - 9),
        dataDir);
  }

  /** Parses a {@code cluster} command line (without the word cluster); usage errors as thrown. */
  static Options parse(String... args) {
    ClusterCommand command = new ClusterCommand(CommandIo.system());
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
      err.println("lattice cluster: run it from the Lattice jar (./lattice cluster)");
      return LatticeCommand.FAILED;
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    List<Process> processes = new ArrayList<>();
    try {
      Files.createDirectories(options.dataDir());
      // The same secrets on every run over the same data: the brokers keep the API keys, wrapped
      // member keys and secret fingerprints made under them, and instances refuse other ones.
      Properties secrets = loadOrCreateSecrets(options.dataDir().resolve(SECRETS_FILE));
      String clusterSecret = secrets.getProperty("cluster-secret");
      String adminKey = secrets.getProperty("admin-key");
      String masterKey = secrets.getProperty("master-key");
      EmbeddedKafkaCluster kafka =
          EmbeddedKafkaCluster.start(
              KafkaClusterSpec.of(options.brokers(), options.dataDir().resolve("kafka")));
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    processes.forEach(Process::destroy);
                    for (Process p : processes) {
                      try {
                        if (!p.waitFor(30, TimeUnit.SECONDS)) {
                          p.destroyForcibly();
                        }
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                    }
                    kafka.close();
                  }));
      out.println("Kafka: " + options.brokers() + " broker(s) at " + kafka.bootstrapServers());
      for (int i = 0; i < options.instances(); i++) {
        int port = options.firstPort() + i;
        Path dir = options.dataDir().resolve("instance-" + (i + 1));
        ProcessBuilder builder =
            new ProcessBuilder(
                    java,
                    "-jar",
                    jar,
                    "serve",
                    "--port",
                    String.valueOf(port),
                    "--data-dir",
                    dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(options.dataDir().resolve("instance-" + (i + 1) + ".log").toFile());
        Map<String, String> env = builder.environment();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("LATTICE_CLUSTER_ADVERTISED_URL", "http://localhost:" + port);
        env.put("LATTICE_CLUSTER_SECRET", clusterSecret);
        env.put("LATTICE_STREAMS_PSEUDONYM_SECRET", clusterSecret + "-pseudonyms");
        env.put("LATTICE_SECURITY_API_KEY_PEPPER", clusterSecret + "-api-key-pepper");
        env.put("LATTICE_MASTER_KEY", masterKey);
        env.put("LATTICE_BOOTSTRAP_ADMIN_KEY", adminKey);
        processes.add(builder.start());
      }
      HttpClient http = HttpClient.newHttpClient();
      for (int i = 0; i < processes.size(); i++) {
        int port = options.firstPort() + i;
        if (!awaitHealthy(http, port, processes.get(i))) {
          err.println(
              "lattice cluster: instance "
                  + (i + 1)
                  + " did not become healthy; see "
                  + options.dataDir().resolve("instance-" + (i + 1) + ".log"));
          return LatticeCommand.FAILED;
        }
        out.println("Instance " + (i + 1) + ": http://localhost:" + port);
      }
      out.println("Admin API key (X-Api-Key): " + adminKey);
      out.println("Stop with Ctrl-C.");
      for (Process p : processes) {
        p.waitFor();
      }
      return LatticeCommand.OK;
    } catch (IOException e) {
      err.println("lattice cluster: " + e.getMessage());
      return LatticeCommand.FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return LatticeCommand.FAILED;
    }
  }

  private static boolean awaitHealthy(HttpClient http, int port, Process process)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
    HttpRequest health =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
            .timeout(Duration.ofSeconds(5))
            .build();
    while (System.nanoTime() < deadline && process.isAlive()) {
      try {
        HttpResponse<String> response = http.send(health, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200 && response.body().contains("\"UP\"")) {
          return true;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(1000);
    }
    return false;
  }

  /** The generated secrets of a local cluster, kept (owner-only) beside its brokers' data. */
  static final String SECRETS_FILE = "cluster-secrets.properties";

  /**
   * The secrets kept in {@code file}, generated and written (0600) on the first run: the cluster
   * secret (the pseudonym secret and API key pepper derive from it), the admin key, the master key
   * (base64 of 32 random bytes, what every instance wraps member keys with).
   */
  static Properties loadOrCreateSecrets(Path file) throws IOException {
    Properties secrets = new Properties();
    if (Files.exists(file)) {
      try (var in = Files.newBufferedReader(file)) {
        secrets.load(in);
      }
      for (String name : List.of("cluster-secret", "admin-key", "master-key")) {
        if (secrets.getProperty(name, "").isBlank()) {
          throw new IOException(
              file + " has no " + name + "; restore it or delete the data directory");
        }
      }
      return secrets;
    }
    byte[] masterKeyBytes = new byte[32];
    new SecureRandom().nextBytes(masterKeyBytes);
    secrets.setProperty("cluster-secret", secret());
    secrets.setProperty("admin-key", "lk_" + secret());
    secrets.setProperty("master-key", Base64.getEncoder().encodeToString(masterKeyBytes));
    java.io.StringWriter text = new java.io.StringWriter();
    secrets.store(text, "secrets of ./lattice cluster over this data directory; keep private");
    dev.lattice.gateway.security.OwnerOnlyFiles.writeString(file, text.toString());
    return secrets;
  }

  private static String secret() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
