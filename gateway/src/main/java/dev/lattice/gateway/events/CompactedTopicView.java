package dev.lattice.gateway.events;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;

/**
 * A compacted topic read into a local view: the latest value per key, kept in memory and following
 * the topic; a tombstone removes the key. This is how every Lattice instance shares state
 * (networks, member keys, API keys, brands, subscriptions): each reads the whole topic, no consumer
 * group.
 *
 * <p>Writes ({@link #put}, {@link #remove}, only on a view made with a publisher) go through Kafka
 * and return once <em>this</em> instance's view has applied them (read-your-writes: the view waits
 * for the written offset). Reads come in two strengths: {@link #get} and {@link #snapshot} answer
 * from memory at once (another instance's write shows up within one poll); {@link #find} and {@link
 * #current} first catch up with everything acknowledged before the call, so a record written on any
 * instance before the request is seen, and a miss is a real "not found".
 *
 * <p>Thread-safe; change listeners run on the view's thread and must not wait for the view.
 */
public final class CompactedTopicView<V> implements AutoCloseable {

  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

  private final String topic;
  private final ValueCodec<V> codec;
  private final EventPublisher publisher;
  private final Map<String, V> values = new ConcurrentHashMap<>();
  private final List<BiConsumer<String, V>> listeners = new CopyOnWriteArrayList<>();
  private final TopicTail tail;
  // (current, incoming) -> the value to keep; the latest record wins unless set otherwise.
  private volatile java.util.function.BinaryOperator<V> merge = (current, incoming) -> incoming;

  /** A read-only view of an Avro-valued compacted topic. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public CompactedTopicView(String topic, Class<V> type, Map<String, Object> clientProperties) {
    this(
        topic,
        (ValueCodec<V>) ValueCodec.avro((Class<? extends SpecificRecord>) (Class) type),
        clientProperties,
        null);
  }

  /**
   * @param publisher writes for {@link #put} and {@link #remove}; {@code null} for a read-only view
   */
  public CompactedTopicView(
      String topic,
      ValueCodec<V> codec,
      Map<String, Object> clientProperties,
      EventPublisher publisher) {
    this.topic = Objects.requireNonNull(topic, "topic");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.publisher = publisher;
    this.tail =
        new TopicTail(
            topic,
            clientProperties,
            record -> {
              if (record.key() == null) {
                return;
              }
              if (record.value() == null) {
                values.remove(record.key());
                listeners.forEach(l -> l.accept(record.key(), null));
              } else {
                V value = values.merge(record.key(), codec.decode(record.value()), merge);
                listeners.forEach(l -> l.accept(record.key(), value));
              }
            });
  }

  /**
   * How a record is applied to a key the view already has a value for: {@code merge(current,
   * incoming)} is kept (by default the incoming value, as compaction would). Call before {@link
   * #start}; a tombstone always removes the key.
   */
  public CompactedTopicView<V> keeping(java.util.function.BinaryOperator<V> merge) {
    this.merge = Objects.requireNonNull(merge, "merge");
    return this;
  }

  public CompactedTopicView<V> start() {
    tail.start();
    return this;
  }

  public String topic() {
    return topic;
  }

  /** The value as this instance's view has it now (no waiting). */
  public Optional<V> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  /** Every value as this instance's view has it now (no waiting). */
  public Map<String, V> snapshot() {
    return Map.copyOf(values);
  }

  /**
   * The value, seeing every write acknowledged before this call on any instance: a miss first
   * catches up with the topic.
   *
   * @throws ViewBehindException when the key is absent and the view cannot catch up in time
   */
  public Optional<V> find(String key) {
    V value = values.get(key);
    if (value != null) {
      return Optional.of(value);
    }
    catchUp();
    return Optional.ofNullable(values.get(key));
  }

  /**
   * The value after catching up with everything acknowledged before this call (also when the key is
   * present: it may have changed on another instance a moment ago).
   *
   * @throws ViewBehindException when the view cannot catch up in time
   */
  public Optional<V> latest(String key) {
    catchUp();
    return get(key);
  }

  /**
   * Every value, after catching up with everything acknowledged before this call.
   *
   * @throws ViewBehindException when the view cannot catch up in time
   */
  public Map<String, V> current() {
    catchUp();
    return snapshot();
  }

  /**
   * Writes {@code value} under {@code key} and returns once this view has applied it.
   *
   * @throws EventPublishingException when Kafka did not acknowledge the write (nothing written)
   * @throws ViewBehindException when the write was acknowledged but the view did not reach it in
   *     time
   */
  public void put(String key, V value) {
    write(key, codec.encode(Objects.requireNonNull(value, "value")));
  }

  /** Writes a tombstone for {@code key}; see {@link #put}. */
  public void remove(String key) {
    write(key, null);
  }

  private void write(String key, byte[] bytes) {
    if (publisher == null) {
      throw new IllegalStateException("The view of " + topic + " is read-only");
    }
    RecordMetadata written = publisher.publish(topic, Objects.requireNonNull(key, "key"), bytes);
    if (!tail.awaitApplied(written.partition(), written.offset(), WRITE_TIMEOUT)) {
      throw new ViewBehindException(topic);
    }
  }

  /**
   * Waits until the view has applied everything acknowledged on the topic before this call.
   *
   * @throws ViewBehindException when that does not happen in time
   */
  public void catchUp() {
    boolean caughtUp;
    try {
      caughtUp = tail.awaitCaughtUp(READ_TIMEOUT);
    } catch (KafkaException e) {
      throw new ViewBehindException(topic);
    }
    if (!caughtUp) {
      throw new ViewBehindException(topic);
    }
  }

  /** Called on the view's thread for every change (value {@code null} = removed). */
  public void onChange(BiConsumer<String, V> listener) {
    listeners.add(listener);
  }

  /** See {@link TopicTail#awaitCaughtUp(Duration)}. */
  public boolean awaitCaughtUp(Duration timeout) {
    return tail.awaitCaughtUp(timeout);
  }

  @Override
  public void close() {
    tail.close();
  }
}
