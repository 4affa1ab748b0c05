package dev.lattice.gateway.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one topic from the beginning and keeps following it, handing every record to a callback on
 * its own thread. No consumer group: every gateway instance sees the whole topic, which is what a
 * local view of a compacted topic (networks, consent ledger, policy bundles) needs.
 *
 * <p>{@link #awaitCaughtUp(Duration)} waits until everything written before the call has been
 * handed to the callback: read-your-writes for the API. Thread-safe.
 */
public final class TopicTail implements AutoCloseable {

  /** Receives the records of the topic, in offset order per partition, on the tail's thread. */
  @FunctionalInterface
  public interface RecordHandler {
    void accept(ConsumerRecord<String, byte[]> record);
  }

  private static final Logger LOGGER = LoggerFactory.getLogger(TopicTail.class);

  private final String topic;
  private final Map<String, Object> clientProperties;
  private final RecordHandler handler;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Object positionsLock = new Object();
  private final Map<TopicPartition, Long> positions = new HashMap<>();
  private final CountDownLatch started = new CountDownLatch(1);
  private final Thread thread;
  private volatile KafkaConsumer<String, byte[]> consumer;
  private volatile RuntimeException failure;

  public TopicTail(String topic, Map<String, Object> clientProperties, RecordHandler handler) {
    this.topic = Objects.requireNonNull(topic, "topic");
    this.clientProperties = Map.copyOf(clientProperties);
    this.handler = handler;
    this.thread = Thread.ofPlatform().daemon().name("tail-" + topic).unstarted(this::run);
  }

  public TopicTail start() {
    thread.start();
    return this;
  }

  public String topic() {
    return topic;
  }

  private void run() {
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "lattice-gateway-tail-" + topic);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props)) {
      consumer = c;
      List<TopicPartition> partitions = partitions(c);
      c.assign(partitions);
      c.seekToBeginning(partitions);
      started.countDown();
      while (running.get()) {
        ConsumerRecords<String, byte[]> records = c.poll(Duration.ofMillis(200));
        for (ConsumerRecord<String, byte[]> record : records) {
          try {
            handler.accept(record);
          } catch (RuntimeException e) {
            // A record the view cannot use must not stop the view; it is reported, not dropped
            // silently (the topology quarantines bad input; views only read trusted topics).
            LOGGER.warn(
                "Skipping unreadable record topic={} partition={} offset={}: {}",
                topic,
                record.partition(),
                record.offset(),
                e.toString());
          }
        }
        synchronized (positionsLock) {
          for (TopicPartition tp : partitions) {
            positions.put(tp, c.position(tp));
          }
          positionsLock.notifyAll();
        }
      }
    } catch (WakeupException e) {
      if (running.get()) {
        failure = new IllegalStateException("Tail of " + topic + " was woken up unexpectedly", e);
      }
    } catch (RuntimeException e) {
      failure = e;
      LOGGER.error("Tail of topic={} stopped", topic, e);
    } finally {
      started.countDown();
      synchronized (positionsLock) {
        positionsLock.notifyAll();
      }
    }
  }

  private List<TopicPartition> partitions(KafkaConsumer<String, byte[]> c) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (running.get()) {
      List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
      if (infos != null && !infos.isEmpty()) {
        List<TopicPartition> out = new ArrayList<>();
        infos.forEach(i -> out.add(new TopicPartition(topic, i.partition())));
        return out;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "Topic " + topic + " does not exist; is topic provisioning enabled?");
      }
    }
    return List.of();
  }

  /**
   * Waits until every record written to the topic before this call has been handled.
   *
   * @return false when that did not happen within {@code timeout}
   */
  public boolean awaitCaughtUp(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      if (!started.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return false;
      }
      Map<TopicPartition, Long> ends = endOffsets(timeout);
      synchronized (positionsLock) {
        while (!reached(ends)) {
          if (failure != null) {
            throw failure;
          }
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          positionsLock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Waits until the record at {@code offset} of {@code partition} has been handled: the writer of
   * that record reads its own write through this tail.
   *
   * @return false when that did not happen within {@code timeout}
   * @throws RuntimeException the failure that stopped the tail, if it stopped
   */
  public boolean awaitApplied(int partition, long offset, Duration timeout) {
    TopicPartition tp = new TopicPartition(topic, partition);
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (positionsLock) {
      while (positions.getOrDefault(tp, 0L) <= offset) {
        if (failure != null) {
          throw failure;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          positionsLock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }
  }

  private boolean reached(Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      if (positions.getOrDefault(end.getKey(), 0L) < end.getValue()) {
        return false;
      }
    }
    return true;
  }

  private Map<TopicPartition, Long> endOffsets(Duration timeout) {
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    synchronized (this) {
      if (offsetsConsumer == null) {
        offsetsConsumer = new KafkaConsumer<>(props);
      }
      List<TopicPartition> partitions = new ArrayList<>();
      offsetsConsumer
          .partitionsFor(topic, timeout)
          .forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
      // Assigned (never polled) so that the client keeps the read-committed end it fetches: asked
      // for unassigned partitions, it logged a warning on every call ("Not updating last stable
      // offset ... as it is no longer assigned"), thousands under a burst of API calls.
      if (!offsetsConsumer.assignment().equals(new java.util.HashSet<>(partitions))) {
        offsetsConsumer.assign(partitions);
      }
      return offsetsConsumer.endOffsets(partitions, timeout);
    }
  }

  private KafkaConsumer<String, byte[]> offsetsConsumer;

  @Override
  public void close() {
    running.set(false);
    KafkaConsumer<String, byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    try {
      thread.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      if (offsetsConsumer != null) {
        offsetsConsumer.close(Duration.ofSeconds(2));
        offsetsConsumer = null;
      }
    }
  }
}
