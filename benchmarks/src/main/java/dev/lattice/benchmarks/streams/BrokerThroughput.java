package dev.lattice.benchmarks.streams;

import dev.lattice.kafka.embedded.EmbeddedKafkaCluster;
import dev.lattice.kafka.embedded.KafkaClusterSpec;
import dev.lattice.policy.DecisionService;
import dev.lattice.policy.DecisionServiceConfig;
import dev.lattice.schemas.LatticeSerdes;
import dev.lattice.schemas.avro.ConsentCommand;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.NetworkDocument;
import dev.lattice.streams.LatticeStreams;
import dev.lattice.streams.TopicNames;
import dev.lattice.streams.TopologySettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * End-to-end throughput on a real broker (in-JVM single-node KRaft) with exactly_once_v2 and the
 * real default Rego bundle: N member data events (6 partitions) are produced up front, then the
 * topology is started and timed until its committed input offsets reach the end. Each event yields
 * 2 decisions, 2 audit records and 2 deliveries.
 *
 * <p>Run: {@code ./mvnw -B -q package -pl benchmarks -am -DskipTests && java -cp
 * benchmarks/target/benchmarks.jar dev.lattice.benchmarks.streams.BrokerThroughput [events]}
 */
public final class BrokerThroughput {
  private BrokerThroughput() {}

  public static void main(String[] args) throws Exception {
    ((ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    Path dir = Files.createTempDirectory(Path.of("target"), "bench-kafka");
    TopicNames topics = TopicNames.defaults();
    Instant now = Instant.now();
    try (EmbeddedKafkaCluster kafka =
        EmbeddedKafkaCluster.start(KafkaClusterSpec.of(1, dir.resolve("kafka")))) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        List<NewTopic> create = new ArrayList<>();
        for (String t : topics.memberKeyedInputs()) create.add(new NewTopic(t, 6, (short) 1));
        for (String t :
            List.of(
                topics.offers(),
                topics.consentLedger(),
                topics.consentRejections(),
                topics.audit(),
                topics.quarantine(),
                topics.networkOut("book-circle"),
                topics.brandOut("acme"))) {
          create.add(new NewTopic(t, 6, (short) 1));
        }
        create.add(new NewTopic(topics.networks(), 1, (short) 1));
        create.add(new NewTopic(topics.policyBundles(), 1, (short) 1));
        admin.createTopics(create).all().get(60, TimeUnit.SECONDS);
      }
      Map<String, Object> producerProps =
          Map.of(
              ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
              kafka.bootstrapServers(),
              ProducerConfig.LINGER_MS_CONFIG,
              20,
              ProducerConfig.ACKS_CONFIG,
              "all");
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(
              producerProps, new ByteArraySerializer(), new ByteArraySerializer())) {
        String skiClub = TopologyThroughput.SKI_CLUB;
        String bookCircle = TopologyThroughput.BOOK_CIRCLE;
        for (String[] n : new String[][] {{"ski-club", skiClub}, {"book-circle", bookCircle}}) {
          producer.send(
              new ProducerRecord<>(
                  topics.networks(),
                  n[0].getBytes(),
                  LatticeSerdes.codec(NetworkDocument.class)
                      .encode(
                          NetworkDocument.newBuilder()
                              .setNetworkId(n[0])
                              .setName(n[0])
                              .setVersion(1)
                              .setRulesJson(n[1])
                              .setUpdatedAt(now)
                              .build())));
        }
        for (int m = 0; m < 1000; m++) {
          producer.send(
              new ProducerRecord<>(
                  topics.consentCommands(),
                  ("m-" + m).getBytes(),
                  LatticeSerdes.codec(ConsentCommand.class)
                      .encode(
                          ConsentCommand.newBuilder()
                              .setCommandId("c" + m)
                              .setMemberId("m-" + m)
                              .setAction(dev.lattice.schemas.avro.ConsentAction.GRANT)
                              .setPurpose("sharing")
                              .setCategories(List.of("profile", "location"))
                              .setIssuedAt(now)
                              .build())));
        }
        for (int i = 0; i < events; i++) {
          String member = "m-" + (i % 1000);
          producer.send(
              new ProducerRecord<>(
                  topics.memberData(),
                  member.getBytes(StandardCharsets.UTF_8),
                  LatticeSerdes.codec(MemberDataEvent.class)
                      .encode(TopologyThroughput.event("e" + i, member, now))));
        }
        producer.flush();
      }
      DecisionService policy = DecisionService.create(DecisionServiceConfig.defaults());
      TopologySettings settings =
          TopologySettings.of(
              policy, "benchmark-secret-benchmark-secret".getBytes(StandardCharsets.UTF_8));
      Properties props = new Properties();
      props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      props.put(StreamsConfig.APPLICATION_ID_CONFIG, "lattice-bench");
      props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
      props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
      props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 2);
      props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
      long start = System.nanoTime();
      try (LatticeStreams streams = LatticeStreams.create(settings, props)) {
        streams.start();
        while (!done(kafka, topics)) {
          Thread.sleep(200);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
            "real broker, exactly_once_v2, default Rego bundle: %,d events in %.1f s = %,.0f events/s (%,.0f decisions/s)%n",
            events, seconds, events / seconds, 2 * events / seconds);
      }
    }
  }

  private static boolean done(EmbeddedKafkaCluster kafka, TopicNames topics) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      var committed =
          admin
              .listConsumerGroupOffsets("lattice-bench")
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> ask = new java.util.HashMap<>();
      for (int p = 0; p < 6; p++)
        ask.put(new TopicPartition(topics.memberData(), p), OffsetSpec.latest());
      for (var e : admin.listOffsets(ask).all().get(30, TimeUnit.SECONDS).entrySet()) {
        var c = committed.get(e.getKey());
        if (c == null || c.offset() < e.getValue().offset()) return false;
      }
      return true;
    }
  }
}
