package dev.lattice.streams.internal.enforce;

import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.streams.internal.codec.AvroCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The queryable decisions: two indexes of {@link DecisionRecord}s, by member and by event. This
 * class alone knows their key layout ({@code member \0 decidedAt(19 digits) \0 decisionId} and
 * {@code event \0 decisionId}); writers use an instance, readers (the gateway through {@code
 * LatticeStreams}) the static queries. Not thread-safe for writing (one task owns the stores).
 */
public final class DecisionLog {
  private static final char SEP = '\u0000';
  private static final AvroCodec<DecisionRecord> CODEC = AvroCodec.of(DecisionRecord.class);

  private final KeyValueStore<String, byte[]> byMember;
  private final KeyValueStore<String, byte[]> byEvent;

  public DecisionLog(
      KeyValueStore<String, byte[]> byMember, KeyValueStore<String, byte[]> byEvent) {
    this.byMember = byMember;
    this.byEvent = byEvent;
  }

  /**
   * Indexes one decision under {@code memberRef} (how the index names the member; empty for
   * decisions about no member) and its event.
   */
  public void append(String memberRef, DecisionRecord record, byte[] encoded) {
    byMember.put(memberKey(memberRef, record.getDecidedAt(), record.getDecisionId()), encoded);
    byEvent.put(eventKey(record.getEventId(), record.getDecisionId()), encoded);
  }

  /** Drops the decisions decided before {@code cutoffMs} from both indexes. */
  public void expire(long cutoffMs) {
    List<String> expired = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = byMember.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        DecisionRecord r = CODEC.decode(kv.value);
        if (r.getDecidedAt().toEpochMilli() < cutoffMs) {
          expired.add(kv.key);
          byEvent.delete(eventKey(r.getEventId(), r.getDecisionId()));
        }
      }
    }
    expired.forEach(byMember::delete);
  }

  /** Drops every decision indexed under {@code memberRef}, from both indexes (erasure). */
  public int forget(String memberRef) {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it =
        byMember.prefixScan(memberRef + SEP, Serdes.String().serializer())) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        keys.add(kv.key);
        DecisionRecord r = CODEC.decode(kv.value);
        byEvent.delete(eventKey(r.getEventId(), r.getDecisionId()));
      }
    }
    keys.forEach(byMember::delete);
    return keys.size();
  }

  /** The decisions made for one event, oldest first. */
  public static List<DecisionRecord> forEvent(
      ReadOnlyKeyValueStore<String, byte[]> byEvent, String eventId) {
    return scan(byEvent, eventId + SEP);
  }

  /** The decisions indexed under {@code memberRef}, oldest first. */
  public static List<DecisionRecord> forMember(
      ReadOnlyKeyValueStore<String, byte[]> byMember, String memberRef) {
    return scan(byMember, memberRef + SEP);
  }

  private static List<DecisionRecord> scan(
      ReadOnlyKeyValueStore<String, byte[]> store, String prefix) {
    List<DecisionRecord> out = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it =
        store.prefixScan(prefix, Serdes.String().serializer())) {
      it.forEachRemaining(kv -> out.add(CODEC.decode(kv.value)));
    }
    out.sort(Comparator.comparing(DecisionRecord::getDecidedAt));
    return out;
  }

  private static String memberKey(String memberRef, Instant decidedAt, String decisionId) {
    return memberRef + SEP + String.format("%019d", decidedAt.toEpochMilli()) + SEP + decisionId;
  }

  private static String eventKey(String eventId, String decisionId) {
    return eventId + SEP + decisionId;
  }
}
