package dev.lattice.streams.internal.dedup;

import dev.lattice.schemas.LatticeSerdes;
import dev.lattice.schemas.avro.ContentEvent;
import dev.lattice.schemas.avro.EventHeader;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.OfferEvent;
import dev.lattice.schemas.avro.PurchaseEvent;
import dev.lattice.streams.internal.codec.Inbound;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops an ingest event whose event id was already seen within the window, whichever gateway
 * instance (or producer) sent it: the first sighting is remembered in a key-value store, event id →
 * the record's timestamp (changelogged, so it survives restarts and moves with its partition).
 * Consent commands and member keys pass through (they carry their own idempotency). A record whose
 * event id cannot be read passes through too, to be quarantined downstream. Every drop is counted
 * ({@code lattice-duplicates}/{@code dropped-total}) and logged with topic, partition and offset.
 *
 * <p>Why a key-value store and not a window store: under exactly_once_v2 Kafka Streams 4.3 keeps no
 * checkpoint for a window store that was never written, so every restart of an instance found its
 * member tasks "corrupted" and restored all their stores from the changelogs. Key-value stores keep
 * their changelog offsets themselves. Expiry is ours: a sighting older than the window no longer
 * counts (checked on read, so expiry is exact), and a sweep deletes such entries a slice at a time,
 * going once round the whole store in about a quarter of the window. The changelog also deletes by
 * time ({@link #changelog}), so it stays bounded whatever the sweep has reached.
 *
 * <p>Duplicates meet only when they land in the same partition: member events are keyed by member
 * id, and the gateway keys an offer by its event id.
 */
public final class DuplicateFilter implements FixedKeyProcessor<byte[], Inbound, Inbound> {

  private static final Logger LOGGER = LoggerFactory.getLogger(DuplicateFilter.class);
  private static final Map<Inbound.Kind, Class<? extends SpecificRecordBase>> EVENTS =
      Map.of(
          Inbound.Kind.MEMBER_DATA, MemberDataEvent.class,
          Inbound.Kind.CONTENT, ContentEvent.class,
          Inbound.Kind.PURCHASE, PurchaseEvent.class,
          Inbound.Kind.OFFER, OfferEvent.class);

  /** How often the sweep runs (wall-clock), and the least it examines each time. */
  static final Duration SWEEP_INTERVAL = Duration.ofSeconds(30);

  static final int MIN_SWEEP = 1_000;

  private final String storeName;
  private final long windowMs;
  private FixedKeyProcessorContext<byte[], Inbound> context;
  private KeyValueStore<Bytes, Long> seen;
  private Sensor dropped;
  private Cancellable sweeping;
  private Bytes sweepFrom; // where the next sweep resumes; null = from the first key

  public DuplicateFilter(String storeName, Duration window) {
    this.storeName = Objects.requireNonNull(storeName, "storeName");
    this.windowMs = window.toMillis();
  }

  /**
   * The store this filter needs: event id → first sighting. Its changelog is compacted and also
   * deleted by time, a day past the window: an entry that old no longer counts anyway.
   */
  public static StoreBuilder<KeyValueStore<Bytes, Long>> store(
      String name, Duration window, boolean persistent) {
    return Stores.keyValueStoreBuilder(
            persistent ? Stores.persistentKeyValueStore(name) : Stores.inMemoryKeyValueStore(name),
            Serdes.Bytes(),
            Serdes.Long())
        .withLoggingEnabled(changelog(window));
  }

  static Map<String, String> changelog(Duration window) {
    return Map.of(
        "cleanup.policy", "compact,delete",
        "retention.ms", Long.toString(window.plusDays(1).toMillis()),
        "segment.ms", "3600000",
        "delete.retention.ms", "60000");
  }

  @Override
  public void init(FixedKeyProcessorContext<byte[], Inbound> context) {
    this.context = context;
    this.seen = context.getStateStore(storeName);
    this.dropped =
        context
            .metrics()
            .addRateTotalSensor(
                "lattice-duplicates",
                storeName,
                "dropped",
                Sensor.RecordingLevel.INFO,
                "task-id",
                context.taskId().toString());
    this.sweeping =
        context.schedule(SWEEP_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> sweep());
  }

  @Override
  public void process(FixedKeyRecord<byte[], Inbound> record) {
    Inbound in = record.value();
    String eventId = in == null ? null : eventId(in);
    if (eventId == null) {
      context.forward(record);
      return;
    }
    long at = record.timestamp();
    Bytes key = key(eventId);
    Long earlier = seen.get(key);
    if (earlier != null && Math.abs(at - earlier) <= windowMs) {
      dropped.record();
      LOGGER.info(
          "Dropped a duplicate event eventId={} topic={} partition={} offset={}",
          eventId,
          in.topic(),
          in.partition(),
          in.offset());
      return;
    }
    seen.put(key, at);
    context.forward(record);
  }

  /**
   * Deletes the sightings older than the window (by stream time) in the next slice of the store.
   * The slice is sized from the store's approximate size so that one pass round the store takes
   * about a quarter of the window; a pass ends at the last key and the next starts from the first.
   */
  int sweep() {
    long streamTime = context.currentStreamTimeMs();
    if (streamTime <= 0) {
      return 0; // nothing processed yet: no notion of "now" to expire against
    }
    long cutoff = streamTime - windowMs;
    long sweepsPerPass = Math.max(1, windowMs / 4 / SWEEP_INTERVAL.toMillis());
    long budget = Math.max(MIN_SWEEP, seen.approximateNumEntries() / sweepsPerPass + 1);
    List<Bytes> expired = new ArrayList<>();
    Bytes last = null;
    long examined = 0;
    try (KeyValueIterator<Bytes, Long> it =
        sweepFrom == null ? seen.all() : seen.range(sweepFrom, null)) {
      while (examined < budget && it.hasNext()) {
        KeyValue<Bytes, Long> entry = it.next();
        examined++;
        last = entry.key;
        if (entry.value < cutoff) {
          expired.add(entry.key);
        }
      }
      // Resume after the last key examined, or from the start once the pass reached the end.
      sweepFrom = it.hasNext() ? successor(last) : null;
    }
    for (Bytes key : expired) {
      seen.delete(key);
    }
    return expired.size();
  }

  @Override
  public void close() {
    if (sweeping != null) {
      sweeping.cancel();
    }
  }

  /**
   * The store's key of an event id: its UTF-8 bytes. Keys are raw bytes (not strings) so that the
   * sweep deletes exactly the entry it read, whatever its bytes, including entries written in the
   * window-store layout of earlier versions (event id, timestamp, sequence number), which no event
   * id matches and which the sweep expires like any other.
   */
  static Bytes key(String eventId) {
    return Bytes.wrap(eventId.getBytes(StandardCharsets.UTF_8));
  }

  /** The first key after {@code key} in byte order: the key with a zero byte appended. */
  private static Bytes successor(Bytes key) {
    byte[] bytes = key.get();
    return Bytes.wrap(java.util.Arrays.copyOf(bytes, bytes.length + 1));
  }

  private static String eventId(Inbound in) {
    Class<? extends SpecificRecordBase> type = EVENTS.get(in.kind());
    if (type == null || in.value() == null) {
      return null;
    }
    try {
      SpecificRecordBase event = LatticeSerdes.codec(type).decode(in.value());
      Object header = event.get("header");
      return header instanceof EventHeader h ? h.getEventId() : null;
    } catch (RuntimeException e) {
      return null; // unreadable: the enforcement path quarantines it
    }
  }
}
