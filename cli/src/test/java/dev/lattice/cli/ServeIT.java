package dev.lattice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.gateway.kafka.KafkaBroker;
import dev.lattice.gateway.kafka.ProvisioningReport;
import dev.lattice.schemas.TopicCatalogue;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

class ServeIT {
  private static final String TOPIC = TopicCatalogue.NETWORKS.name();
  private static final String ADMIN_KEY_PROPERTY = "lattice.security.bootstrap-admin-key";
  private static final String ADMIN_KEY = "serve-it-admin-key-of-at-least-32-characters";

  @Test
  void serveIsHealthyAndASecondServeOnTheSameDataDirectoryFindsItsTopicsAndRecords()
      throws Exception {
    Path dataDir = Path.of("target", "it-data", "serve-" + UUID.randomUUID()).toAbsolutePath();
    ServeCommand.Options options = new ServeCommand.Options(freePort(), dataDir, 0);
    ServeCommand serve = new ServeCommand(name -> null);
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    // Health details are for an authenticated ADMIN only.
    String previous = System.setProperty(ADMIN_KEY_PROPERTY, ADMIN_KEY);
    try {
      serveTwice(serve, options, out);
    } finally {
      if (previous == null) {
        System.clearProperty(ADMIN_KEY_PROPERTY);
      } else {
        System.setProperty(ADMIN_KEY_PROPERTY, previous);
      }
    }
  }

  private static void serveTwice(ServeCommand serve, ServeCommand.Options options, PrintStream out)
      throws Exception {
    try (ConfigurableApplicationContext first = serve.start(options, out)) {
      assertThat(health(options.port()))
          .contains("\"status\":\"UP\"")
          .contains("\"kafka\"")
          .contains("\"brokers\":1");
      assertThat(first.getBean(ProvisioningReport.class).created())
          .hasSameSizeAs(TopicCatalogue.fixedTopics());
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(
              first.getBean(KafkaBroker.class).clientProperties(),
              new StringSerializer(),
              new StringSerializer())) {
        producer
            .send(new ProducerRecord<>(TOPIC, "network-1", "kept across restarts"))
            .get(30, TimeUnit.SECONDS);
      }
    }

    try (ConfigurableApplicationContext second = serve.start(options, out)) {
      ProvisioningReport report = second.getBean(ProvisioningReport.class);
      assertThat(report.created()).isEmpty();
      assertThat(report.existing()).hasSameSizeAs(TopicCatalogue.fixedTopics());
      assertThat(report.conflicts()).isEmpty();
      assertThat(health(options.port())).contains("\"status\":\"UP\"");
      assertThat(readValues(second.getBean(KafkaBroker.class)))
          .containsExactly("kept across restarts");
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String health(int port) throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                  .header("X-Api-Key", ADMIN_KEY)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      return response.body();
    }
  }

  private static List<String> readValues(KafkaBroker broker) {
    Map<String, Object> props = new HashMap<>(broker.clientProperties());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "serve-it-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(Set.of(TOPIC));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (values.isEmpty() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
      }
    }
    return values;
  }
}
