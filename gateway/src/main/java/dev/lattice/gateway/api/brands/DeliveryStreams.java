package dev.lattice.gateway.api.brands;

import dev.lattice.gateway.problem.ApiProblemException;
import dev.lattice.gateway.problem.TooManyRequestsException;
import dev.lattice.schemas.AvroJson;
import dev.lattice.schemas.TopicCatalogue;
import dev.lattice.schemas.avro.OfferDelivery;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Server-Sent Events streams of a brand's consented deliveries. The topology writes the brand's own
 * copy of each delivery to {@code lattice.out.brand.<brandId>}, naming the member only by the
 * brand's pseudonym (and only with their identifiers consent); the stream reads that topic alone
 * and keeps the deliveries the brand's subscriptions want (all without a subscription). Each stream
 * has its own consumer (no group) on a virtual thread; the stream starts at the end of the topic
 * (or at its beginning with {@code from=earliest}) and its position is fixed before the first event
 * ({@code ready}) is sent, so a client that waited for {@code ready} misses nothing written
 * afterwards.
 *
 * <p>A brand holds at most {@code maxStreamsPerBrand} streams open at once (a 429 problem beyond).
 * A stream ends within a second once its caller's credential is revoked or expires (the pump checks
 * it on every poll, every 250 ms).
 */
public final class DeliveryStreams {

  private static final Logger LOGGER = LoggerFactory.getLogger(DeliveryStreams.class);
  private final Map<String, Object> clientProperties;
  private final Duration streamTimeout;
  private final int maxStreamsPerBrand;
  private final Map<String, java.util.concurrent.atomic.AtomicInteger> openStreams =
      new java.util.concurrent.ConcurrentHashMap<>();
  // The open flag of every running stream, so that shutting down can end them at once: a client
  // that went away is otherwise only noticed at the next keep-alive, and the web server's graceful
  // shutdown waits for such a stream as for an active request (up to its 30 s limit).
  private final Set<AtomicBoolean> running = ConcurrentHashMap.newKeySet();
  private volatile boolean closing;

  public DeliveryStreams(
      Map<String, Object> clientProperties, Duration streamTimeout, int maxStreamsPerBrand) {
    this.clientProperties = Map.copyOf(clientProperties);
    this.streamTimeout = streamTimeout;
    this.maxStreamsPerBrand = maxStreamsPerBrand;
  }

  /**
   * Ends every open stream (each completes within one poll, ~250 ms) and refuses new ones: called
   * when the gateway shuts down, before the web server waits for its active requests.
   */
  public void closeAll() {
    closing = true;
    running.forEach(open -> open.set(false));
  }

  /** How many streams are open on this instance, over every brand. */
  public int openStreams() {
    return running.size();
  }

  /** How many streams of {@code brandId} are open on this instance. */
  public int openStreams(String brandId) {
    var count = openStreams.get(brandId);
    return count == null ? 0 : count.get();
  }

  /**
   * Opens a stream of the brand's deliveries from its own output topic.
   *
   * @param stillAuthorized checked on every poll; the stream ends once it answers false
   * @throws TooManyRequestsException when the brand already holds the most streams allowed
   */
  public SseEmitter open(
      String brandId,
      boolean fromEarliest,
      Supplier<Brand> brand,
      java.util.function.BooleanSupplier stillAuthorized) {
    if (closing) {
      throw new ApiProblemException(
          HttpStatus.SERVICE_UNAVAILABLE,
          "shutting-down",
          "Shutting down",
          "This instance is shutting down: open the delivery stream again (another instance, or"
              + " this one once restarted)",
          Map.of(ApiProblemException.RETRY_AFTER, 1));
    }
    var count =
        openStreams.computeIfAbsent(brandId, b -> new java.util.concurrent.atomic.AtomicInteger());
    if (count.incrementAndGet() > maxStreamsPerBrand) {
      count.decrementAndGet();
      throw new TooManyRequestsException(
          "Brand '" + brandId + "' already has " + maxStreamsPerBrand + " delivery streams open",
          maxStreamsPerBrand,
          "lattice.limits.max-streams-per-brand");
    }
    AtomicBoolean released = new AtomicBoolean();
    Runnable release =
        () -> {
          if (released.compareAndSet(false, true)) {
            count.decrementAndGet();
          }
        };
    SseEmitter emitter = new SseEmitter(streamTimeout.toMillis());
    AtomicBoolean open = new AtomicBoolean(true);
    emitter.onCompletion(
        () -> {
          open.set(false);
          release.run();
        });
    emitter.onTimeout(() -> open.set(false));
    emitter.onError(e -> open.set(false));
    KafkaConsumer<String, byte[]> consumer;
    try {
      consumer = positionedConsumer(brandId, fromEarliest);
    } catch (RuntimeException e) {
      release.run(); // no stream was opened: it must not count against the brand's limit
      throw e;
    }
    try {
      // "ready" is sent before the emitter is handed to Spring MVC: it is held until the request
      // turns asynchronous and then written (headers included) by the request's own thread. The
      // pump's thread writes only later, to a committed response: Tomcat's response headers are
      // not thread-safe, and a first write racing the request thread's last header changes failed
      // with a NullPointerException inside Tomcat.
      emitter.send(
          SseEmitter.event()
              .name("ready")
              .data("{\"brand\":\"" + brandId + "\"}", MediaType.APPLICATION_JSON));
    } catch (IOException | RuntimeException e) {
      consumer.close();
      release.run();
      throw new IllegalStateException("Could not start the delivery stream", e);
    }
    Thread.ofVirtual()
        .name("sse-" + brandId)
        .start(
            () -> {
              running.add(open);
              try {
                if (!closing) {
                  pump(brandId, consumer, emitter, open, brand, stillAuthorized);
                } else {
                  consumer.close();
                  complete(brandId, emitter, null);
                }
              } catch (RuntimeException e) {
                // nothing escapes the stream's thread: its failure is logged, the stream ends
                LOGGER.warn("Delivery stream failed brand={}", brandId, e);
              } finally {
                running.remove(open);
                release.run();
              }
            });
    return emitter;
  }

  private void pump(
      String brandId,
      KafkaConsumer<String, byte[]> consumer,
      SseEmitter emitter,
      AtomicBoolean open,
      Supplier<Brand> brand,
      java.util.function.BooleanSupplier stillAuthorized) {
    long lastBeat = System.nanoTime();
    try (consumer) {
      while (open.get()) {
        if (!stillAuthorized.getAsBoolean()) {
          LOGGER.info("Delivery stream closed: credential revoked or expired brand={}", brandId);
          break;
        }
        if (consumer.assignment().isEmpty()) {
          Thread.sleep(250); // no network to read yet; keep the connection with heartbeats
        }
        for (ConsumerRecord<String, byte[]> record :
            consumer.assignment().isEmpty()
                ? org.apache.kafka.clients.consumer.ConsumerRecords.<String, byte[]>empty()
                : consumer.poll(Duration.ofMillis(250))) {
          SpecificRecord value = BrandOutputs.decode(record.value()).orElse(null);
          if (value instanceof OfferDelivery delivery
              && delivery.getBrand().equals(brandId)
              && brand.get().wants(delivery.getNetwork(), delivery.getCategory())) {
            emitter.send(
                SseEmitter.event()
                    .id(record.partition() + "-" + record.offset())
                    .name("delivery")
                    .data(AvroJson.toJson(delivery), MediaType.APPLICATION_JSON));
          }
        }
        if (System.nanoTime() - lastBeat > Duration.ofSeconds(15).toNanos()) {
          emitter.send(SseEmitter.event().comment("keep-alive"));
          lastBeat = System.nanoTime();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | IllegalStateException e) {
      // The client went away; nothing to report to it.
      LOGGER.debug("Delivery stream closed brand={}: {}", brandId, e.toString());
    } catch (RuntimeException e) {
      LOGGER.warn("Delivery stream failed brand={}", brandId, e);
      complete(brandId, emitter, e);
      return;
    }
    complete(brandId, emitter, null);
  }

  /**
   * Ends the stream's response; a response the client or the container already ended cannot be
   * completed again, which is no failure of the stream.
   */
  private static void complete(String brandId, SseEmitter emitter, Throwable failure) {
    try {
      if (failure == null) {
        emitter.complete();
      } else {
        emitter.completeWithError(failure);
      }
    } catch (RuntimeException e) {
      LOGGER.debug("Delivery stream already ended brand={}: {}", brandId, e.toString());
    }
  }

  /**
   * A consumer of the brand's topic positioned where the stream starts (resolved now, before
   * "ready"); closed again when that fails.
   */
  private KafkaConsumer<String, byte[]> positionedConsumer(String brandId, boolean fromEarliest) {
    KafkaConsumer<String, byte[]> consumer = consumer(brandId);
    try {
      List<TopicPartition> partitions = new ArrayList<>();
      String topic = TopicCatalogue.brandOutput(brandId).name();
      consumer
          .partitionsFor(topic, Duration.ofSeconds(10))
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      consumer.assign(partitions);
      if (fromEarliest) {
        consumer.seekToBeginning(partitions);
      } else {
        consumer.seekToEnd(partitions);
      }
      partitions.forEach(consumer::position);
      return consumer;
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
  }

  private KafkaConsumer<String, byte[]> consumer(String brandId) {
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "lattice-sse-" + brandId);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    return new KafkaConsumer<>(props);
  }

  /**
   * Every insight record on the brand's topic, oldest first (at most {@code limit}, newest kept).
   */
  public List<dev.lattice.schemas.avro.InsightRecord> insights(String brandId, int limit) {
    String topic = TopicCatalogue.brandOutput(brandId).name();
    java.util.ArrayDeque<dev.lattice.schemas.avro.InsightRecord> out = new java.util.ArrayDeque<>();
    try (KafkaConsumer<String, byte[]> consumer = consumer(brandId)) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor(topic, Duration.ofSeconds(10))
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          // Only this brand's records, even if another brand's record reached this topic.
          if (BrandOutputs.decode(record.value()).orElse(null)
                  instanceof dev.lattice.schemas.avro.InsightRecord insight
              && brandId.equals(insight.getBrand())) {
            out.addLast(insight);
            if (out.size() > limit) {
              out.removeFirst();
            }
          }
        }
      }
    }
    return List.copyOf(out);
  }
}
