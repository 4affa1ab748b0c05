package dev.lattice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParameterException;

class ServeCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int serve(Map<String, String> env, String... args) {
    String[] line = new String[args.length + 1];
    line[0] = "serve";
    System.arraycopy(args, 0, line, 1, args.length);
    return LatticeCommand.commandLine(
            new CommandIo(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                env::get))
        .execute(line);
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private String errLines() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aPortInUseIsReportedInOneLine() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(0));
      int port = taken.getLocalPort();

      assertThat(serve(Map.of(), "--port", String.valueOf(port))).isEqualTo(1);

      assertThat(errLines())
          .isEqualTo(
              "lattice serve: port "
                  + port
                  + " is already in use; choose another with --port"
                  + System.lineSeparator());
    }
  }

  @Test
  void aDataDirectoryWhoseEmbeddedBrokerAnotherInstanceRunsSaysHowToJoinIt() throws Exception {
    Path data =
        Files.createTempDirectory(Files.createDirectories(Path.of("target", "tmp")), "in-use");
    Path node = Files.createDirectories(data.resolve("kafka/node-0/data"));
    Files.writeString(data.resolve("kafka/bootstrap-servers"), "localhost:41234\n");
    Path lock = Files.createFile(node.resolve(".lock"));
    try (var channel =
            java.nio.channels.FileChannel.open(lock, java.nio.file.StandardOpenOption.WRITE);
        var held = channel.lock()) {

      assertThat(
              serve(Map.of(), "--port", String.valueOf(freePort()), "--data-dir", data.toString()))
          .isEqualTo(1);
    }

    assertThat(errLines())
        .startsWith(
            "lattice serve: data directory "
                + data.toAbsolutePath().normalize()
                + " is in use by another Lattice instance, which runs the embedded Kafka broker at"
                + " localhost:41234: to run a second instance on that Kafka, start it with"
                + " KAFKA_BOOTSTRAP_SERVERS=localhost:41234 and another --port")
        .endsWith("or give it its own --data-dir" + System.lineSeparator());
    assertThat(errLines().lines()).hasSize(1);
  }

  @Test
  void anUnwritableDataDirectoryIsReportedInOneLine() throws Exception {
    Path tmp = Files.createDirectories(Path.of("target", "tmp"));
    Path file = Files.createTempFile(tmp, "not-a-directory", ".txt");

    assertThat(
            serve(
                Map.of(),
                "--port",
                String.valueOf(freePort()),
                "--data-dir",
                file.resolve("data").toString()))
        .isEqualTo(1);

    assertThat(errLines())
        .startsWith(
            "lattice serve: data directory "
                + file.toAbsolutePath().resolve("data")
                + " is not writable")
        .endsWith("choose another with --data-dir" + System.lineSeparator());
    assertThat(errLines().lines()).hasSize(1);
  }

  @Test
  void anUnreachableExternalClusterIsReportedInOneLineAfterTheTimeout() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Map<String, String> env =
        Map.of(
            "KAFKA_BOOTSTRAP_SERVERS",
            "localhost:" + closedPort,
            "LATTICE_KAFKA_CONNECT_TIMEOUT",
            "2s");

    assertThat(serve(env, "--port", String.valueOf(freePort()))).isEqualTo(1);

    assertThat(errLines())
        .isEqualTo(
            "lattice serve: Kafka cluster at localhost:"
                + closedPort
                + " is not reachable within 2 s (KAFKA_BOOTSTRAP_SERVERS)"
                + System.lineSeparator());
  }

  @Test
  void optionsAcceptSeparateAndInlineValues() {
    ServeCommand.Options options = ServeCommand.parse("--port=9090", "--data-dir", "/tmp/x");

    assertThat(options.port()).isEqualTo(9090);
    assertThat(options.dataDir()).isEqualTo(Path.of("/tmp/x"));
    assertThat(options.kafkaPort()).isZero();
  }

  @Test
  void springBootPropertiesGivenAsNameEqualsValuePassThroughAndUnknownOptionsAreStillRefused() {
    ServeCommand.Options options =
        ServeCommand.parse(
            "--lattice.cluster.secret=abc", "--port", "9091", "--server.shutdown=graceful");

    assertThat(options.port()).isEqualTo(9091);
    assertThat(options.properties())
        .containsExactly("--lattice.cluster.secret=abc", "--server.shutdown=graceful");
    assertThatThrownBy(() -> ServeCommand.parse("--verbose"))
        .isInstanceOf(ParameterException.class)
        .hasMessage("unknown option '--verbose'");
    assertThatThrownBy(() -> ServeCommand.parse("--lattice.cluster.secret"))
        .isInstanceOf(ParameterException.class)
        .hasMessage("unknown option '--lattice.cluster.secret'");
  }
}
