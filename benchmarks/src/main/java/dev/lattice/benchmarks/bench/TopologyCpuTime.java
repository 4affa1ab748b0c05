package dev.lattice.benchmarks.bench;

import dev.lattice.demo.DemoWorld;
import dev.lattice.demo.Traffic;
import dev.lattice.demo.WorldSpec;
import dev.lattice.policy.DecisionService;
import dev.lattice.policy.DecisionServiceConfig;
import dev.lattice.schemas.LatticeSerdes;
import dev.lattice.streams.LatticeTopology;
import dev.lattice.streams.TopicDirectory;
import dev.lattice.streams.TopicNames;
import dev.lattice.streams.TopologySettings;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The enforcing topology's own cost per event, in CPU time of the one thread that runs it: the
 * bench's world and traffic (fixed seed) piped through the real topology in a {@code
 * TopologyTestDriver} (in-memory stores, no broker, no transactions), so what is measured is the
 * processors' work — decoding, routing, building inputs, deciding, obligations, audit, the decision
 * index, insight ticks — and none of the broker's or the other processes'. On a machine that other
 * builds load, this holds up where the end-to-end bench's wall-clock stage timings swing by 2-3x.
 * Each round is a fresh world (networks and initial consents piped untimed), then {@code events}
 * ingest events (with the traffic's consent changes) timed; the best and the median round are
 * printed.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.lattice.benchmarks.bench.TopologyCpuTime [events per round] [rounds] [members]}
 */
public final class TopologyCpuTime {
  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  private static final byte[] SECRET =
      "topology-cpu-time-secret-32-bytes".getBytes(StandardCharsets.UTF_8);

  private TopologyCpuTime() {}

  public static void main(String[] args) {
    QuietLogging.toStandardError();
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    int members = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    int warmup = 2;
    double[] micros = new double[rounds];
    double[] inside = new double[rounds];
    for (int round = -warmup; round < rounds; round++) {
      double[] us = round(events, members, cpu);
      if (round >= 0) {
        micros[round] = us[0];
        inside[round] = us[1];
      }
    }
    Arrays.sort(micros);
    Arrays.sort(inside);
    System.out.printf(
        Locale.ROOT,
        "topology: %d events x %d rounds, %d members: best %.1f µs/event (cpu), median %.1f%n",
        events,
        rounds,
        members,
        micros[0],
        micros[rounds / 2]);
    System.out.printf(
        Locale.ROOT,
        "  of it in the topology's processors (the test driver's output capture left out): best"
            + " %.1f µs/event, median %.1f%n",
        inside[0],
        inside[rounds / 2]);
  }

  /**
   * One round: µs of CPU per event in all, and inside the topology's processors. {@link
   * TopologyCpuTimeAB} calls it by reflection in older and newer builds: keep its signature.
   */
  private static double[] round(int events, int members, ThreadMXBean cpu) {
    DemoWorld world = DemoWorld.generate(new WorldSpec(42L, 6, members, 0.6));
    Traffic traffic = new Traffic(world, 42L, "cpu", new Traffic.Mix(70, 14, 10, 1, 5), () -> NOW);
    TopicNames topics = TopicNames.defaults();
    Set<String> existing = new HashSet<>();
    world.networks().forEach(n -> existing.add(topics.networkOut(n.id())));
    world.brands().forEach(b -> existing.add(topics.brandOut(b.id())));
    TopologySettings settings =
        TopologySettings.of(DecisionService.create(DecisionServiceConfig.defaults()), SECRET)
            .withInMemoryStores()
            .withTopicDirectory(TopicDirectory.of(existing));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-cpu-time");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(
        StreamsConfig.STATE_DIR_CONFIG,
        Path.of(System.getProperty("java.io.tmpdir"), "lattice-cpu-" + UUID.randomUUID())
            .toString());
    props.put(StreamsConfig.PROCESSOR_WRAPPER_CLASS_CONFIG, ProcessorCpuTime.class);
    TopologyConfig config = new TopologyConfig(new StreamsConfig(props));
    try (TopologyTestDriver driver =
        new TopologyTestDriver(LatticeTopology.build(settings, null, config), props, NOW)) {
      Map<String, TestInputTopic<byte[], byte[]>> inputs = new HashMap<>();
      for (DemoWorld.Network n : world.networks()) {
        pipe(driver, inputs, topics.networks(), n.id(), DemoWorld.document(n, NOW));
      }
      for (var command : world.initialGrants(NOW)) {
        pipe(driver, inputs, topics.consentCommands(), command.getMemberId(), command);
      }
      long t0 = cpu.getCurrentThreadCpuTime();
      ProcessorCpuTime.reset();
      int sent = 0;
      while (sent < events) {
        Traffic.Item item = traffic.next();
        pipe(driver, inputs, item.kind().topic(), item.key(), item.value());
        if (item.kind().isIngest()) {
          sent++;
        }
      }
      return new double[] {
        (cpu.getCurrentThreadCpuTime() - t0) / 1e3 / events, ProcessorCpuTime.nanos() / 1e3 / events
      };
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecordBase> void pipe(
      TopologyTestDriver driver,
      Map<String, TestInputTopic<byte[], byte[]>> inputs,
      String topic,
      String key,
      T value) {
    TestInputTopic<byte[], byte[]> in =
        inputs.computeIfAbsent(
            topic,
            t -> driver.createInputTopic(t, new ByteArraySerializer(), new ByteArraySerializer()));
    in.pipeInput(
        key == null ? null : key.getBytes(StandardCharsets.UTF_8),
        LatticeSerdes.codec((Class<T>) value.getClass()).encode(value),
        NOW);
  }
}
