package dev.lattice.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@WithKafka(brokers = 3, brokerControl = true)
class BrokerRestartIT {
  private static final Logger LOGGER = LoggerFactory.getLogger(BrokerRestartIT.class);
  private static final int PARTITIONS = 3;
  private static final int STEP = 300;

  @Test
  void anIdempotentProducerLosesAndDuplicatesNothingWhileABrokerIsStoppedAndRestarted(
      TestKafka kafka) throws Exception {
    // Given a topic replicated to all three brokers that needs two in sync to accept a write
    String topic = kafka.uniqueName("numbers");
    kafka.createTopic(topic, PARTITIONS, 3, Map.of("min.insync.replicas", "2"));
    int victim = leaderOfPartitionZero(kafka, topic);

    // When a producer (acks=all, idempotent) writes a numbered sequence while the leader of
    // partition 0 goes
    // down and comes back. The writer sends as many records as the test allows, so writes overlap
    // each step.
    AtomicLong sent = new AtomicLong();
    Semaphore allowance = new Semaphore(0);
    AtomicBoolean stop = new AtomicBoolean();
    ConcurrentLinkedQueue<Exception> failures = new ConcurrentLinkedQueue<>();
    Thread writer =
        new Thread(() -> write(kafka, topic, allowance, sent, stop, failures), "numbered-writer");
    writer.start();
    allowWriting(allowance, sent, 300);

    allowance.release(STEP);
    LOGGER.info("Stopping broker {} after {} records", victim, sent.get());
    kafka.stopBroker(victim);
    LOGGER.info("Broker {} stopped after {} records", victim, sent.get());
    allowWriting(allowance, sent, 2 * STEP + 300);

    allowance.release(STEP);
    LOGGER.info("Restarting broker {} after {} records", victim, sent.get());
    kafka.startBroker(victim);
    LOGGER.info("Broker {} restarted after {} records", victim, sent.get());
    await().atMost(Duration.ofSeconds(90)).until(() -> fullyReplicated(kafka, topic));
    LOGGER.info("Broker {} back in every ISR after {} records", victim, sent.get());
    allowWriting(allowance, sent, 4 * STEP + 300);
    stop.set(true);
    writer.join(TimeUnit.SECONDS.toMillis(120));
    LOGGER.info("Writer done after {} records", sent.get());

    // Then every number is read exactly once, in order within its partition
    assertThat(failures).isEmpty();
    long total = sent.get();
    Map<Integer, List<Long>> byPartition = readAll(kafka, topic, total);
    List<Long> all = byPartition.values().stream().flatMap(List::stream).toList();
    assertThat(all).hasSize((int) total);
    Set<Long> distinct = new HashSet<>(all);
    assertThat(distinct).hasSize((int) total);
    assertThat(distinct).allMatch(n -> n >= 0 && n < total);
    byPartition.forEach(
        (partition, numbers) ->
            assertThat(numbers).as("numbers in partition %d", partition).isSorted());
  }

  /** Lets the writer send {@code more} records and waits until {@code total} are acknowledged. */
  private static void allowWriting(Semaphore allowance, AtomicLong sent, long total) {
    allowance.release((int) (total - sent.get() - allowance.availablePermits()));
    await().atMost(Duration.ofSeconds(60)).until(() -> sent.get() >= total);
  }

  /**
   * Sends 0, 1, 2, ... keyed by number % 9, one record per permit of {@code allowance}, until told
   * to stop; {@code sent} counts acknowledged records.
   */
  private static void write(
      TestKafka kafka,
      String topic,
      Semaphore allowance,
      AtomicLong sent,
      AtomicBoolean stop,
      ConcurrentLinkedQueue<Exception> failures) {
    Map<String, Object> props = kafka.producerProperties();
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    try (KafkaProducer<String, Long> producer =
        new KafkaProducer<>(props, new StringSerializer(), new LongSerializer())) {
      long next = 0;
      while (!stop.get()) {
        if (!allowance.tryAcquire()) {
          producer.flush();
          if (!allowance.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            continue;
          }
        }
        producer.send(
            new ProducerRecord<>(topic, "key-" + (next % 9), next),
            (metadata, error) -> {
              if (error != null) {
                failures.add(error);
              } else {
                sent.incrementAndGet();
              }
            });
        next++;
      }
    } catch (RuntimeException e) {
      failures.add(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failures.add(e);
    }
  }

  private static int leaderOfPartitionZero(TestKafka kafka, String topic) throws Exception {
    try (Admin admin = kafka.admin()) {
      return describe(admin, topic).partitions().get(0).leader().id();
    }
  }

  private static boolean fullyReplicated(TestKafka kafka, String topic) throws Exception {
    try (Admin admin = kafka.admin()) {
      return describe(admin, topic).partitions().stream()
          .map(TopicPartitionInfo::isr)
          .allMatch(isr -> isr.size() == 3);
    }
  }

  private static TopicDescription describe(Admin admin, String topic) throws Exception {
    return admin
        .describeTopics(List.of(topic))
        .allTopicNames()
        .get(10, TimeUnit.SECONDS)
        .get(topic);
  }

  private static Map<Integer, List<Long>> readAll(TestKafka kafka, String topic, long expected) {
    Map<Integer, List<Long>> byPartition = new HashMap<>();
    long[] count = {0};
    try (KafkaConsumer<String, Long> consumer =
        new KafkaConsumer<>(
            kafka.consumerProperties(kafka.uniqueName("reader")),
            new StringDeserializer(),
            new LongDeserializer())) {
      consumer.subscribe(Set.of(topic));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                for (ConsumerRecord<String, Long> record : consumer.poll(Duration.ofMillis(200))) {
                  byPartition
                      .computeIfAbsent(record.partition(), p -> new ArrayList<>())
                      .add(record.value());
                  count[0]++;
                }
                return count[0] >= expected;
              });
      // Anything beyond the expected count would be a duplicate: read once more to catch it.
      consumer
          .poll(Duration.ofMillis(500))
          .forEach(
              record ->
                  byPartition
                      .computeIfAbsent(record.partition(), p -> new ArrayList<>())
                      .add(record.value()));
    }
    return byPartition;
  }
}
