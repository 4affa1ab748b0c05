package dev.lattice.gateway.events;

import dev.lattice.schemas.AvroCodec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.apache.avro.specific.SpecificRecord;

/**
 * The latest value per key of a compacted topic, kept in memory and following the topic. A
 * tombstone removes the key. Thread-safe; reads never block.
 */
public final class CompactedTopicView<V extends SpecificRecord> implements AutoCloseable {

  private final Map<String, V> values = new ConcurrentHashMap<>();
  private final List<BiConsumer<String, V>> listeners = new CopyOnWriteArrayList<>();
  private final TopicTail tail;

  public CompactedTopicView(String topic, Class<V> type, Map<String, Object> clientProperties) {
    AvroCodec<V> codec = AvroCodec.of(type);
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
                V value = codec.decode(record.value());
                values.put(record.key(), value);
                listeners.forEach(l -> l.accept(record.key(), value));
              }
            });
  }

  public CompactedTopicView<V> start() {
    tail.start();
    return this;
  }

  public Optional<V> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  public Map<String, V> snapshot() {
    return Map.copyOf(values);
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
