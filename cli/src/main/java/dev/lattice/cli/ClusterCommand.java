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
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code lattice cluster}: a local cluster to try scale-out on one machine. Starts an in-JVM KRaft
 * Kafka cluster (1 or 3 brokers) in this process and {@code --instances} Lattice instances as
 * processes of their own ({@code java -jar <this jar> serve}), all with the same application id and
 * the same generated secrets, and prints their URLs and the admin key. Ctrl-C stops the instances,
 * then the brokers.
 */
public final class ClusterCommand implements Subcommand {

  /** Parsed options. */
  public record Options(int brokers, int instances, int firstPort, Path dataDir) {}

  @Override
  public String name() {
    return "cluster";
  }

  @Override
  public String summary() {
    return "a local cluster: in-JVM Kafka brokers and several Lattice instance processes";
  }

  @Override
  public String usage() {
    return """
        Usage: lattice cluster [--brokers 1|3] [--instances <n>] [--first-port <port>] [--data-dir <dir>]

        Starts a Kafka cluster inside this process and <n> Lattice instances as separate processes on
        ports <first-port>, <first-port>+1, ... sharing that Kafka, one application id and generated
        secrets (cluster secret, pseudonym secret, admin key). Prints each instance's URL once it is
        healthy, and the admin key. Each instance logs to <dir>/instance-<i>.log. Ctrl-C stops all.

        Options:
          --brokers <1|3>       Kafka brokers (default 3)
          --instances <n>       Lattice instances, 1-9 (default 2)
          --first-port <port>   HTTP port of the first instance (default 8081)
          --data-dir <dir>      brokers' and instances' data (default ./lattice-data/cluster)
        """;
  }

  public static Options parse(List<String> args) {
    Map<String, String> given =
        NamedOptions.read(args, Set.of("--brokers", "--instances", "--first-port", "--data-dir"));
    String dataDir = given.get("--data-dir");
    int brokers = NamedOptions.number(given, "--brokers", 3, 1, 3);
    if (brokers == 2) {
      throw new UsageException("--brokers must be 1 or 3, was 2");
    }
    return new Options(
        brokers,
        NamedOptions.number(given, "--instances", 2, 1, 9),
        NamedOptions.number(given, "--first-port", 8081, 1, 65535 - 9),
        dataDir != null ? Path.of(dataDir) : Path.of("lattice-data", "cluster"));
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    Options options = parse(args);
    dev.lattice.benchmarks.bench.QuietLogging.toStandardError();
    String jar = System.getProperty("java.class.path");
    if (jar == null || !jar.endsWith(".jar") || jar.contains(java.io.File.pathSeparator)) {
      err.println("lattice cluster: run it from the Lattice jar (./lattice cluster)");
      return FAILED;
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    String clusterSecret = secret();
    String adminKey = "lk_" + secret();
    // Every instance wraps and unwraps member keys with the same master key (32 random bytes).
    byte[] masterKeyBytes = new byte[32];
    new SecureRandom().nextBytes(masterKeyBytes);
    String masterKey = Base64.getEncoder().encodeToString(masterKeyBytes);
    List<Process> processes = new ArrayList<>();
    try {
      Files.createDirectories(options.dataDir());
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
          return FAILED;
        }
        out.println("Instance " + (i + 1) + ": http://localhost:" + port);
      }
      out.println("Admin API key (X-Api-Key): " + adminKey);
      out.println("Stop with Ctrl-C.");
      for (Process p : processes) {
        p.waitFor();
      }
      return OK;
    } catch (IOException e) {
      err.println("lattice cluster: " + e.getMessage());
      return FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return FAILED;
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

  private static String secret() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
