package dev.lattice.streams.internal.dedup;

import dev.lattice.schemas.LatticeSerdes;
import dev.lattice.schemas.avro.ContentEvent;
import dev.lattice.schemas.avro.EventHeader;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.OfferEvent;
import dev.lattice.schemas.avro.PurchaseEvent;
import dev.lattice.streams.internal.codec.Inbound;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops an ingest event whose event id was already seen within the window, whichever gateway
 * instance (or producer) sent it: the first sighting is remembered in a window store keyed by event
 * id (kept for the window, changelogged, so it survives restarts and moves with its partition).
 * Consent commands and member keys pass through (they carry their own idempotency). A record whose
 * event id cannot be read passes through too, to be quarantined downstream. Every drop is counted
 * ({@code lattice-duplicates}/{@code dropped-total}) and logged with topic, partition and offset.
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

  private final String storeName;
  private final long windowMs;
  private FixedKeyProcessorContext<byte[], Inbound> context;
  private WindowStore<String, Long> seen;
  private Sensor dropped;

  public DuplicateFilter(String storeName, Duration window) {
    this.storeName = Objects.requireNonNull(storeName, "storeName");
    this.windowMs = window.toMillis();
  }

  /** The store this filter needs: event id → first sighting, kept for {@code window}. */
  public static StoreBuilder<WindowStore<String, Long>> store(
      String name, Duration window, boolean persistent) {
    Duration size = Duration.ofMillis(1);
    return Stores.windowStoreBuilder(
        persistent
            ? Stores.persistentWindowStore(name, window, size, false)
            : Stores.inMemoryWindowStore(name, window, size, false),
        Serdes.String(),
        Serdes.Long());
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
    try (WindowStoreIterator<Long> earlier =
        seen.fetch(eventId, Math.max(0, at - windowMs), at + windowMs)) {
      if (earlier.hasNext()) {
        dropped.record();
        LOGGER.info(
            "Dropped a duplicate event eventId={} topic={} partition={} offset={}",
            eventId,
            in.topic(),
            in.partition(),
            in.offset());
        return;
      }
    }
    seen.put(eventId, at, at);
    context.forward(record);
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
