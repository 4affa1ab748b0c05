package dev.lattice.benchmarks.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.demo.DemoWorld;
import dev.lattice.demo.Traffic;
import dev.lattice.demo.WorldSpec;
import dev.lattice.policy.DecisionService;
import dev.lattice.policy.DecisionServiceConfig;
import dev.lattice.schemas.LatticeSerdes;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.streams.LatticeTopology;
import dev.lattice.streams.TopicDirectory;
import dev.lattice.streams.TopicNames;
import dev.lattice.streams.TopologySettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/**
 * A small fixed-seed bench world (the bench's generator and traffic mix, a fixed clock and secret)
 * gives the same audit, decision by decision, whether the policy engine shares the
 * member-independent part of decisions or evaluates everything for every decision. (Members appear
 * in the audit under random references, so they are compared by order of first appearance.)
 */
class BenchWorldAuditTest {
  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  private static final byte[] SECRET =
      "bench-world-audit-secret-32-bytes".getBytes(StandardCharsets.UTF_8);

  @Test
  void aFixedSeedWorldGetsTheSameAuditWithAndWithoutTheSharedDecisionMemo() {
    List<String> shared = audit(DecisionServiceConfig.defaults());
    List<String> full = audit(DecisionServiceConfig.defaults().withoutSharedDecisions());

    assertThat(shared).hasSizeGreaterThan(100);
    assertThat(shared).anyMatch(a -> a.contains("allow=true"));
    assertThat(shared).anyMatch(a -> a.contains("type=offer") && a.contains("allow=true"));
    assertThat(shared).containsExactlyElementsOf(full);
  }

  /** Every audit record of the fixed world, without its timing. */
  private static List<String> audit(DecisionServiceConfig config) {
    DemoWorld world = DemoWorld.generate(new WorldSpec(42L, 6, 120, 0.6));
    Traffic traffic =
        new Traffic(world, 42L, "audit", new Traffic.Mix(70, 14, 10, 1, 5), () -> NOW);
    TopicNames topics = TopicNames.defaults();
    Set<String> existing = new HashSet<>();
    world.networks().forEach(n -> existing.add(topics.networkOut(n.id())));
    world.brands().forEach(b -> existing.add(topics.brandOut(b.id())));
    TopologySettings settings =
        TopologySettings.of(DecisionService.create(config), SECRET)
            .withInMemoryStores()
            .withTopicDirectory(TopicDirectory.of(existing));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-world-audit");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(
        StreamsConfig.STATE_DIR_CONFIG,
        Path.of("target", "tmp", "ttd-" + UUID.randomUUID()).toString());
    try (TopologyTestDriver driver =
        new TopologyTestDriver(LatticeTopology.build(settings), props, NOW)) {
      for (DemoWorld.Network n : world.networks()) {
        pipe(driver, topics.networks(), n.id(), DemoWorld.document(n, NOW));
      }
      for (var command : world.initialGrants(NOW)) {
        pipe(driver, topics.consentCommands(), command.getMemberId(), command);
      }
      int events = 0;
      while (events < 200) {
        Traffic.Item item = traffic.next();
        pipe(driver, item.kind().topic(), item.key(), item.value());
        if (item.kind().isIngest()) events++;
      }
      TestOutputTopic<byte[], byte[]> out =
          driver.createOutputTopic(
              topics.audit(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
      List<String> audit = new ArrayList<>();
      // Audit references of members are random per run: name them by first appearance instead.
      java.util.Map<String, String> refs = new java.util.HashMap<>();
      for (byte[] value : out.readValuesToList()) {
        DecisionRecord r = LatticeSerdes.codec(DecisionRecord.class).decode(value);
        audit.add(
            String.join(
                " ",
                "id=" + r.getDecisionId(),
                "event=" + r.getEventId(),
                "type=" + r.getEventType(),
                "member=" + refs.computeIfAbsent(r.getMemberId(), k -> "M" + refs.size()),
                "to=" + r.getDestination(),
                "allow=" + r.getAllow(),
                "reasons=" + r.getReasons(),
                "obligations=" + r.getObligations(),
                "revision=" + r.getBundleRevision(),
                "consent=" + r.getConsentVersion()));
      }
      return audit;
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecordBase> void pipe(
      TopologyTestDriver driver, String topic, String key, T value) {
    TestInputTopic<byte[], byte[]> in =
        driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer());
    in.pipeInput(
        key == null ? null : key.getBytes(StandardCharsets.UTF_8),
        LatticeSerdes.codec((Class<T>) value.getClass()).encode(value),
        NOW);
  }
}
