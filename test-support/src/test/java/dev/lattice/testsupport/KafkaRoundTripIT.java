package dev.lattice.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

@WithKafka
class KafkaRoundTripIT {

  @Test
  void aProducedRecordIsConsumedWithItsKeyAndValue(TestKafka kafka) throws Exception {
    String topic = kafka.uniqueName("round-trip");
    kafka.createTopic(topic, 1, 1, Map.of());

    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            kafka.producerProperties(), new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, "member-1", "hello")).get(30, TimeUnit.SECONDS);
    }

    List<ConsumerRecord<String, String>> received = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            kafka.consumerProperties(kafka.uniqueName("reader")),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(Set.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (received.isEmpty() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(received::add);
      }
    }
    assertThat(received)
        .singleElement()
        .satisfies(
            record -> {
              assertThat(record.key()).isEqualTo("member-1");
              assertThat(record.value()).isEqualTo("hello");
            });
  }

  @Test
  void theOneBrokerClusterIsSharedAcrossTestsOfTheRun(TestKafka first, TestKafka second) {
    assertThat(first).isSameAs(second);
    assertThat(first.brokerCount()).isEqualTo(1);
  }
}
