package dev.lattice.streams.support;

import dev.lattice.streams.LatticeStreams;
import dev.lattice.streams.TopicNames;
import dev.lattice.streams.TopologySettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Lattice topology in a process of its own, so that a test can kill it for real ({@code
 * Process.destroyForcibly()}, SIGKILL on Linux): no shutdown hook, no close, no last commit. Its
 * decision service is the default bundle, except that it stalls for good on one event (after
 * printing {@code STALLED}), so the kill lands in the middle of a record, inside an open
 * transaction. Prints {@code RUNNING} once the topology runs. Its stores are persistent, so its
 * state directory keeps the process id: an instance restarted on that directory reuses the
 * transactional id and fences the dead producer at once.
 *
 * <p>Arguments: bootstrap servers, application id, topic prefix, state directory, event id to stall
 * on.
 */
public final class LatticeProcess {
  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

  private LatticeProcess() {}

  public static void main(String[] args) throws InterruptedException {
    PrintStream out = System.out;
    String stallOn = args[4];
    FaultInjectingDecisions decisions =
        new FaultInjectingDecisions(Policies.defaultBundle())
            .stallOn(
                stallOn,
                () -> {
                  out.println("STALLED " + stallOn);
                  out.flush();
                });
    LatticeStreams streams =
        LatticeStreams.create(
            TopologySettings.of(decisions, SECRET).withTopics(topics(args[2])),
            properties(args[0], args[1], Path.of(args[3])));
    streams
        .kafkaStreams()
        .setStateListener(
            (now, before) -> {
              if (now == KafkaStreams.State.RUNNING) {
                out.println("RUNNING");
                out.flush();
              }
            });
    streams.start();
    Thread.currentThread().join();
  }

  /** Topic names under {@code prefix} (the test and the process agree on them). */
  public static TopicNames topics(String prefix) {
    String p = prefix + ".";
    return new TopicNames(
        p + "member-data",
        p + "content",
        p + "offers",
        p + "purchases",
        p + "consent-commands",
        p + "consent-ledger",
        p + "consent-rejections",
        p + "member-keys",
        p + "networks",
        p + "policy-bundles",
        p + "audit",
        p + "quarantine",
        p + "out.network.",
        p + "out.brand.",
        p + "notices");
  }

  /**
   * Kafka Streams settings for a test instance: short commit interval, session and transaction
   * timeouts, so that a killed member leaves the group and its open transaction is aborted within
   * seconds.
   */
  public static Properties properties(String bootstrap, String appId, Path stateDir) {
    Properties props = new Properties();
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6000);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1000);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 5000);
    return props;
  }

  /** A started child JVM running {@link LatticeProcess}, with the lines it printed. */
  public record Child(Process process, List<String> lines) {
    public boolean printed(String prefix) {
      return lines.stream().anyMatch(l -> l.startsWith(prefix));
    }
  }

  /** Starts {@link #main} in a new JVM on this JVM's class path; its output goes to {@code log}. */
  public static Child start(Path log, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx384m");
    command.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(LatticeProcess.class.getName());
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.PIPE)
            .start();
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (var in = process.inputReader(StandardCharsets.UTF_8);
                  var file = java.nio.file.Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                  lines.add(line);
                  file.write(line);
                  file.newLine();
                  file.flush();
                }
              } catch (IOException e) {
                lines.add("(output closed: " + e.getMessage() + ")");
              }
            },
            "lattice-process-output");
    reader.setDaemon(true);
    reader.start();
    return new Child(process, lines);
  }

  /** Kills the process (SIGKILL) and waits until it is gone. */
  public static void kill(Child child) throws InterruptedException {
    child.process().destroyForcibly();
    if (!child.process().waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the killed Lattice process is still alive");
    }
  }
}
