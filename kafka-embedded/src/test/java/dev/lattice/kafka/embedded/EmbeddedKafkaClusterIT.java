package dev.lattice.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaClusterIT {

  private static Path freshDir(String name) throws Exception {
    Path target = Path.of("target", "it-data");
    Files.createDirectories(target);
    return Files.createTempDirectory(target, name);
  }

  @Test
  void aSingleNodeStartedAgainOnTheSameDirectoryFindsItsTopicsAndRecords() throws Exception {
    Path dir = freshDir("single");
    String clusterId;
    try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(KafkaClusterSpec.of(1, dir))) {
      clusterId = cluster.clusterId();
      try (Admin admin = Admin.create(cluster.clientProperties())) {
        admin
            .createTopics(List.of(new NewTopic("kept", 1, (short) 1)))
            .all()
            .get(30, TimeUnit.SECONDS);
      }
      try (KafkaProducer<String, String> producer = producer(cluster.bootstrapServers())) {
        producer
            .send(new ProducerRecord<>("kept", "k", "before restart"))
            .get(30, TimeUnit.SECONDS);
      }
    }

    try (EmbeddedKafkaCluster again = EmbeddedKafkaCluster.start(KafkaClusterSpec.of(1, dir))) {
      assertThat(again.clusterId()).isEqualTo(clusterId);
      try (Admin admin = Admin.create(again.clientProperties())) {
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("kept");
      }
      assertThat(readAll(again.bootstrapServers(), "kept", 1)).containsExactly("before restart");
    }
  }

  @Test
  void anUnwritableDataDirectoryIsReportedByName() throws Exception {
    Path file = freshDir("unwritable").resolve("a-file");
    Files.writeString(file, "not a directory");

    assertThatThrownBy(
            () -> EmbeddedKafkaCluster.start(KafkaClusterSpec.of(1, file.resolve("data"))))
        .isInstanceOf(KafkaDataDirectoryException.class)
        .hasMessageContaining("is not writable");
  }

  @Test
  void aClusterSizeOtherThanOneOrThreeIsRefused() {
    assertThatThrownBy(() -> KafkaClusterSpec.of(2, Path.of("target")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nodes must be 1 or 3");
  }

  static KafkaProducer<String, String> producer(String bootstrap) {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
        new StringSerializer(),
        new StringSerializer());
  }

  static List<String> readAll(String bootstrap, String topic, int expected) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + System.nanoTime());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(Set.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (values.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          values.add(record.value());
        }
      }
    }
    return values;
  }
}
