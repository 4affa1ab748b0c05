package dev.lattice.streams.internal.enforce;

import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.streams.internal.codec.AvroCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The queryable decisions: one changelogged index of {@link DecisionRecord}s, by event and by
 * member, written once per enforced event (not twice per decision). This class alone knows its
 * layout; writers use an instance, readers (the gateway through {@code LatticeStreams}) the static
 * queries. Not thread-safe for writing (one task owns the store).
 *
 * <p>Layout, in one store:
 *
 * <ul>
 *   <li>{@code e <event> \0 <decidedAt, 19 digits> \0 <chunk, 4 digits>}: the decisions made for
 *       one event in one go (every destination, every member of the partition for an offer), in
 *       chunks of about {@link #CHUNK_DECISIONS} decisions so that an offer to a large network
 *       stays far below the record size limit. A member's decisions for one event are always in one
 *       chunk.
 *   <li>{@code m <member reference> \0 <decidedAt> \0 <event>}: a pointer (the value is the chunk's
 *       key) from a member to the chunk holding their decisions for that event. Decisions about no
 *       member (reference {@code ""}) have none.
 * </ul>
 *
 * A chunk is {@code [version 1][count: int]} then per decision {@code [reference length: int]
 * [reference: UTF-8][record length: int][record: the audit record's bytes]}, so erasure can drop a
 * member's decisions without decoding the others.
 */
public final class DecisionLog {
  private static final char SEP = '\u0000';
  private static final String BY_EVENT = "e";
  private static final String BY_MEMBER = "m";
  private static final byte VERSION = 1;
  private static final AvroCodec<DecisionRecord> CODEC = AvroCodec.of(DecisionRecord.class);

  /**
   * About this many decisions go into one chunk (a member's decisions for an event never split).
   */
  static final int CHUNK_DECISIONS = 64;

  /** One decision to index: the reference naming its member ({@code ""}: none) and its bytes. */
  public record Entry(String memberRef, byte[] encoded) {}

  private final KeyValueStore<String, byte[]> store;
  // Where the next expiry step starts (null: at the beginning); lost on restart, which only
  // restarts the sweep.
  private String expiryCursor;

  public DecisionLog(KeyValueStore<String, byte[]> store) {
    this.store = store;
  }

  /**
   * Indexes the decisions made for one event at {@code decidedAt}: a chunk write per {@link
   * #CHUNK_DECISIONS} decisions, a pointer write per member.
   */
  public void append(String eventId, Instant decidedAt, List<Entry> decisions) {
    if (decisions.isEmpty()) {
      return;
    }
    Map<String, List<Entry>> byMember = new LinkedHashMap<>();
    for (Entry e : decisions) {
      byMember.computeIfAbsent(e.memberRef(), k -> new ArrayList<>()).add(e);
    }
    String time = time(decidedAt.toEpochMilli());
    List<Entry> chunk = new ArrayList<>();
    List<String> members = new ArrayList<>();
    int number = 0;
    for (Map.Entry<String, List<Entry>> m : byMember.entrySet()) {
      if (!chunk.isEmpty() && chunk.size() + m.getValue().size() > CHUNK_DECISIONS) {
        writeChunk(eventId, time, number++, chunk, members);
        chunk = new ArrayList<>();
        members = new ArrayList<>();
      }
      chunk.addAll(m.getValue());
      members.add(m.getKey());
    }
    writeChunk(eventId, time, number, chunk, members);
  }

  private void writeChunk(
      String eventId, String time, int number, List<Entry> chunk, List<String> members) {
    String key = BY_EVENT + eventId + SEP + time + SEP + zeroPadded(number, 4);
    store.put(key, encodeChunk(chunk));
    byte[] pointer = key.getBytes(StandardCharsets.UTF_8);
    for (String member : members) {
      if (!member.isEmpty()) {
        store.put(BY_MEMBER + member + SEP + time + SEP + eventId, pointer);
      }
    }
  }

  /** Drops the decisions decided before {@code cutoffMs} (read from the keys, nothing decoded). */
  public void expire(long cutoffMs) {
    expiryCursor = null;
    while (!expireSome(cutoffMs, Integer.MAX_VALUE)) {
      // a sweep in one go
    }
  }

  /**
   * One step of a sweep that drops the decisions decided before {@code cutoffMs}: reads at most
   * {@code maxKeys} keys from where the previous step stopped (nothing decoded) and deletes the
   * expired ones. Keys are not in time order, so expiry has to visit every key; in steps, the
   * stream thread pauses for {@code maxKeys} reads at a time instead of for the whole store.
   *
   * @return whether this step reached the end of the store (the next one starts over)
   */
  public boolean expireSome(long cutoffMs, int maxKeys) {
    List<String> expired = new ArrayList<>();
    int read = 0;
    boolean reachedEnd = true;
    String last = null;
    try (KeyValueIterator<String, byte[]> it =
        expiryCursor == null ? store.all() : store.range(expiryCursor, null)) {
      while (it.hasNext()) {
        if (read == maxKeys) {
          reachedEnd = false;
          break;
        }
        String key = it.next().key;
        read++;
        last = key;
        if (decidedAt(key) < cutoffMs) {
          expired.add(key);
        }
      }
    }
    expired.forEach(store::delete);
    // The next step starts just after the last key read (a key sorts right after itself + \0).
    expiryCursor = reachedEnd || last == null ? null : last + SEP;
    return reachedEnd;
  }

  /**
   * Drops every decision indexed under {@code memberRef} and the member's pointers (erasure);
   * returns how many decisions were dropped.
   */
  public int forget(String memberRef) {
    List<String> pointers = new ArrayList<>();
    Set<String> chunks = new LinkedHashSet<>();
    try (KeyValueIterator<String, byte[]> it =
        store.prefixScan(BY_MEMBER + memberRef + SEP, Serdes.String().serializer())) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        pointers.add(kv.key);
        chunks.add(new String(kv.value, StandardCharsets.UTF_8));
      }
    }
    int dropped = 0;
    for (String key : chunks) {
      byte[] value = store.get(key);
      if (value == null) {
        continue;
      }
      List<Entry> kept = new ArrayList<>();
      for (Entry e : decodeChunk(value)) {
        if (e.memberRef().equals(memberRef)) {
          dropped++;
        } else {
          kept.add(e);
        }
      }
      if (kept.isEmpty()) {
        store.delete(key);
      } else {
        store.put(key, encodeChunk(kept));
      }
    }
    pointers.forEach(store::delete);
    return dropped;
  }

  /** The decisions made for one event (one per candidate destination), oldest first. */
  public static List<DecisionRecord> forEvent(
      ReadOnlyKeyValueStore<String, byte[]> store, String eventId) {
    List<DecisionRecord> out = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it =
        store.prefixScan(BY_EVENT + eventId + SEP, Serdes.String().serializer())) {
      it.forEachRemaining(kv -> decodeChunk(kv.value).forEach(e -> out.add(decode(e))));
    }
    out.sort(Comparator.comparing(DecisionRecord::getDecidedAt));
    return out;
  }

  /** The decisions indexed under {@code memberRef}, oldest first. */
  public static List<DecisionRecord> forMember(
      ReadOnlyKeyValueStore<String, byte[]> store, String memberRef) {
    Set<String> chunks = new LinkedHashSet<>();
    try (KeyValueIterator<String, byte[]> it =
        store.prefixScan(BY_MEMBER + memberRef + SEP, Serdes.String().serializer())) {
      it.forEachRemaining(kv -> chunks.add(new String(kv.value, StandardCharsets.UTF_8)));
    }
    List<DecisionRecord> out = new ArrayList<>();
    for (String key : chunks) {
      byte[] value = store.get(key);
      if (value != null) {
        for (Entry e : decodeChunk(value)) {
          if (e.memberRef().equals(memberRef)) {
            out.add(decode(e));
          }
        }
      }
    }
    out.sort(Comparator.comparing(DecisionRecord::getDecidedAt));
    return out;
  }

  private static DecisionRecord decode(Entry e) {
    return CODEC.decode(e.encoded());
  }

  private static String time(long epochMilli) {
    return zeroPadded(epochMilli, 19);
  }

  /**
   * {@code value} in decimal, left-padded with zeros to {@code width} digits: what {@code
   * String.format("%0<width>d", value)} gives for a non-negative value, without parsing a format
   * (it was a visible part of indexing an event's decisions).
   */
  static String zeroPadded(long value, int width) {
    String digits = Long.toString(value);
    if (value < 0 || digits.length() >= width) {
      return value < 0 ? String.format("%0" + width + "d", value) : digits;
    }
    return "0".repeat(width - digits.length()) + digits;
  }

  /** The decision time a key carries (both key kinds hold it right after their first separator). */
  private static long decidedAt(String key) {
    int sep = key.indexOf(SEP);
    return Long.parseLong(key.substring(sep + 1, sep + 20));
  }

  static byte[] encodeChunk(List<Entry> entries) {
    int size = 1 + 4;
    List<byte[]> refs = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      byte[] ref = e.memberRef().getBytes(StandardCharsets.UTF_8);
      refs.add(ref);
      size += 4 + ref.length + 4 + e.encoded().length;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put(VERSION).putInt(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      byte[] ref = refs.get(i);
      byte[] bytes = entries.get(i).encoded();
      out.putInt(ref.length).put(ref).putInt(bytes.length).put(bytes);
    }
    return out.array();
  }

  static List<Entry> decodeChunk(byte[] chunk) {
    ByteBuffer in = ByteBuffer.wrap(chunk);
    byte version = in.get();
    if (version != VERSION) {
      throw new IllegalStateException(
          "decision index chunk of unknown version "
              + version
              + " (this build reads "
              + VERSION
              + ")");
    }
    int count = in.getInt();
    List<Entry> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] ref = new byte[in.getInt()];
      in.get(ref);
      byte[] bytes = new byte[in.getInt()];
      in.get(bytes);
      out.add(new Entry(new String(ref, StandardCharsets.UTF_8), bytes));
    }
    return out;
  }
}
