package dev.lattice.benchmarks.streams;

import dev.lattice.policy.ActivationResult;
import dev.lattice.policy.Decision;
import dev.lattice.policy.DecisionService;
import dev.lattice.policy.Obligations;
import dev.lattice.schemas.LatticeSerdes;
import dev.lattice.schemas.avro.Address;
import dev.lattice.schemas.avro.ConsentAction;
import dev.lattice.schemas.avro.ConsentCommand;
import dev.lattice.schemas.avro.EventHeader;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.MemberPersonal;
import dev.lattice.schemas.avro.NetworkDocument;
import dev.lattice.streams.LatticeTopology;
import dev.lattice.streams.TopicNames;
import dev.lattice.streams.TopologySettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * Throughput of the enforcement topology in TopologyTestDriver (no broker): member data events from
 * one network with one partner network and one subscribed brand (2 decisions, 2 audit records and
 * up to 2 deliveries per event), against the pass-through baseline with the same topics and serdes.
 * The decision service here is a fixed Java policy (consent check + obligations), so the figure is
 * the topology's own cost, not the Rego engine's.
 *
 * <p>Run: {@code ./mvnw -B -q package -pl benchmarks -am -DskipTests && java -cp
 * benchmarks/target/benchmarks.jar dev.lattice.benchmarks.streams.TopologyThroughput [events]}
 */
public final class TopologyThroughput {
  static final String SKI_CLUB =
      "{\"export\":{\"networks\":[\"book-circle\"],\"brands\":[\"acme\"],\"purposes\":[\"sharing\"],\"categories\":[\"profile\",\"location\"]},"
          + "\"agreements\":[{\"network\":\"book-circle\",\"purposes\":[\"sharing\"]}]}";
  static final String BOOK_CIRCLE =
      "{\"import\":{\"networks\":[\"ski-club\"],\"purposes\":[\"sharing\"],\"categories\":[\"*\"]},"
          + "\"agreements\":[{\"network\":\"ski-club\",\"purposes\":[\"sharing\"]}]}";

  private TopologyThroughput() {}

  public static void main(String[] args) {
    // Logging at DEBUG to the console would dominate the measurement.
    ((ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    TopicNames topics = TopicNames.defaults();
    byte[] secret = "benchmark-secret-benchmark-secret".getBytes(StandardCharsets.UTF_8);
    TopologySettings settings = TopologySettings.of(new FixedPolicy(), secret).withInMemoryStores();
    System.out.printf(
        "pass-through baseline: %,.0f events/s%n",
        run(LatticeTopology.passThrough(topics), topics, events, false));
    System.out.printf(
        "enforcement topology, fixed Java policy:     %,.0f events/s%n",
        run(LatticeTopology.build(settings), topics, events, true));
    TopologySettings rego =
        TopologySettings.of(
                dev.lattice.policy.DecisionService.create(
                    dev.lattice.policy.DecisionServiceConfig.defaults()),
                secret)
            .withInMemoryStores();
    System.out.printf(
        "enforcement topology, default Rego bundle:   %,.0f events/s%n",
        run(LatticeTopology.build(rego), topics, events / 10, true));
  }

  private static double run(Topology topology, TopicNames topics, int events, boolean setup) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "lattice-bench");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, Path.of("target", "bench-state").toString());
    Instant now = Instant.parse("2026-11-23T10:00:00Z");
    try (TopologyTestDriver driver = new TopologyTestDriver(topology, props, now)) {
      ByteArraySerializer ser = new ByteArraySerializer();
      if (setup) {
        TestInputTopic<byte[], byte[]> networks =
            driver.createInputTopic(topics.networks(), ser, ser);
        networks.pipeInput(
            "ski-club".getBytes(),
            LatticeSerdes.codec(NetworkDocument.class).encode(network("ski-club", SKI_CLUB)));
        networks.pipeInput(
            "book-circle".getBytes(),
            LatticeSerdes.codec(NetworkDocument.class).encode(network("book-circle", BOOK_CIRCLE)));
        TestInputTopic<byte[], byte[]> consent =
            driver.createInputTopic(topics.consentCommands(), ser, ser);
        for (int m = 0; m < 1000; m += 2) {
          consent.pipeInput(
              ("m-" + m).getBytes(),
              LatticeSerdes.codec(ConsentCommand.class)
                  .encode(
                      ConsentCommand.newBuilder()
                          .setCommandId("c" + m)
                          .setMemberId("m-" + m)
                          .setAction(ConsentAction.GRANT)
                          .setPurpose("sharing")
                          .setCategories(List.of("profile", "location"))
                          .setIssuedAt(now)
                          .build()));
        }
      }
      TestInputTopic<byte[], byte[]> input = driver.createInputTopic(topics.memberData(), ser, ser);
      byte[][] keys = new byte[1000][];
      byte[][] values = new byte[1000][];
      for (int m = 0; m < 1000; m++) {
        keys[m] = ("m-" + m).getBytes();
        values[m] =
            LatticeSerdes.codec(MemberDataEvent.class).encode(event("e" + m, "m-" + m, now));
      }
      int warmup = Math.min(events / 5, 20_000);
      for (int i = 0; i < warmup; i++) {
        input.pipeInput(keys[i % 1000], values[i % 1000]);
      }
      long start = System.nanoTime();
      for (int i = 0; i < events; i++) {
        input.pipeInput(keys[i % 1000], values[i % 1000]);
      }
      return events / ((System.nanoTime() - start) / 1e9);
    }
  }

  private static NetworkDocument network(String id, String rules) {
    return NetworkDocument.newBuilder()
        .setNetworkId(id)
        .setName(id)
        .setVersion(1)
        .setRulesJson(rules)
        .setUpdatedAt(Instant.EPOCH)
        .build();
  }

  static MemberDataEvent event(String id, String member, Instant now) {
    return MemberDataEvent.newBuilder()
        .setHeader(
            EventHeader.newBuilder()
                .setEventId(id)
                .setEventType("member_data")
                .setSourceNetwork("ski-club")
                .setSubjectMember(member)
                .setOccurredAt(now)
                .build())
        .setPurpose("sharing")
        .setPersonal(
            MemberPersonal.newBuilder()
                .setDisplayName("Ann")
                .setEmail("ann@example.org")
                .setHome(
                    Address.newBuilder()
                        .setCity("Zermatt")
                        .setRegion("Valais")
                        .setCountry("CH")
                        .build())
                .build())
        .build();
  }

  /** Consent check + category redaction + location generalisation, in Java. */
  static final class FixedPolicy implements DecisionService {
    @Override
    @SuppressWarnings("unchecked")
    public Decision decide(Map<String, Object> input, boolean explain) {
      Map<String, Object> purposes =
          (Map<String, Object>) ((Map<String, Object>) input.get("consent")).get("purposes");
      Map<String, Object> grant = (Map<String, Object>) purposes.get("sharing");
      if (grant == null || !Boolean.TRUE.equals(grant.get("granted"))) {
        return Decision.deny("consent.purpose_not_granted", "not granted", "bench", 0);
      }
      return new Decision(
          true,
          List.of(),
          new Obligations(
              List.of("payload.email"),
              List.of("member_id"),
              Map.of("payload.home.city", "region")),
          "bench",
          0,
          List.of());
    }

    @Override
    public String activeRevision() {
      return "bench";
    }

    @Override
    public ActivationResult activate(Path bundle) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ActivationResult activate(byte[] bundleTarGz) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void putData(String path, Object document) {}

    @Override
    public void removeData(String path) {}
  }
}
