package dev.lattice.gateway.cluster;

import dev.lattice.gateway.LatticeApplication;
import dev.lattice.testsupport.TestKafka;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Lattice instances started in this JVM for the cluster ITs: one Kafka, one application id. */
final class TestInstances {

  /**
   * One master key for every instance of this JVM: each instance wraps and unwraps member keys with
   * it, and the broker and {@code lattice.member.keys} are shared by the test classes, so a key
   * wrapped under another master key would stop a start.
   */
  static final String MASTER_KEY = "Y2x1c3Rlci1pdC1tYXN0ZXIta2V5LTAxMjM0NTY3ODk=";

  /**
   * The {@code secrets} prefix that sets no cluster secret: the instances sign forwarded queries
   * with the one they derive from the (shared) API key pepper.
   */
  static final String DERIVED_CLUSTER_SECRET = "derived-cluster-secret";

  private TestInstances() {}

  /**
   * Starts one instance. Command-line arguments: they win over application.yml (default properties
   * would not).
   *
   * @param secrets prefix of the instance's secrets (pseudonym secret, cluster secret, API-key
   *     pepper), one per test class
   * @param more further {@code --name=value} properties
   */
  static ConfigurableApplicationContext start(
      TestKafka kafka,
      String applicationId,
      int port,
      Path dataDir,
      String secrets,
      String adminKey,
      String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=" + port,
                "--lattice.data-dir=" + dataDir,
                "--lattice.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--lattice.streams.application-id=" + applicationId,
                "--lattice.streams.persistent-stores=false",
                "--lattice.streams.pseudonym-secret=" + secrets + "-pseudonym-secret-0123456789",
                "--lattice.master-key=" + MASTER_KEY,
                "--lattice.cluster.advertised-url=http://localhost:" + port,
                "--lattice.security.bootstrap-admin-key=" + adminKey,
                "--lattice.security.api-key-pepper=" + secrets + "-api-key-pepper-0123456789abcdef",
                "--lattice.consent.confirm-timeout=10s"));
    if (!DERIVED_CLUSTER_SECRET.equals(secrets)) {
      args.add("--lattice.cluster.secret=" + secrets + "-shared-secret-0123456789abcdef");
    }
    args.addAll(List.of(more));
    return new SpringApplicationBuilder(LatticeApplication.class).run(args.toArray(String[]::new));
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
