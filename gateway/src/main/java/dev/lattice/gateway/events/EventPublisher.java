package dev.lattice.gateway.events;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes records for the API, synchronously: a request is answered only after Kafka acknowledged
 * its record on all in-sync replicas, so an accepted event is never lost. Idempotent producer.
 * Thread-safe.
 */
public final class EventPublisher implements AutoCloseable {

  private final KafkaProducer<String, byte[]> producer;
  private final Duration timeout;

  public EventPublisher(Map<String, Object> clientProperties, Duration timeout) {
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 2);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "lattice-gateway-publisher");
    // Kafka requires delivery.timeout >= linger + request.timeout.
    int requestTimeout = (int) Math.max(timeout.toMillis(), 1000);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeout);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, requestTimeout + 2);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
    this.producer = new KafkaProducer<>(props);
    this.timeout = timeout;
  }

  /** Writes one record and waits for the acknowledgement. */
  public RecordMetadata publish(String topic, String key, byte[] value) {
    return publish(topic, key, value, Map.of());
  }

  /** Writes one record with headers and waits for the acknowledgement. */
  public RecordMetadata publish(
      String topic, String key, byte[] value, Map<String, String> headers) {
    RecordHeaders kafkaHeaders = new RecordHeaders();
    headers.forEach(
        (k, v) -> kafkaHeaders.add(k, v.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(topic, null, key, value, kafkaHeaders);
    try {
      return producer.send(record).get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new EventPublishingException(topic, e.getCause());
    } catch (TimeoutException | RuntimeException e) {
      throw new EventPublishingException(topic, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EventPublishingException(topic, e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
