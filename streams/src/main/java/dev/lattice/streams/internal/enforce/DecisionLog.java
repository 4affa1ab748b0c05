package dev.lattice.streams.internal.enforce;

import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.streams.internal.codec.AvroCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
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
 *       key) from a member to the chunk holding their decisions for an event decided about that one
 *       member (member data, content, purchases).
 *   <li>For an event decided about several members at once (an offer: every member of its target
 *       networks on the partition), no pointer per member and event, which made an offer cost one
 *       changelog record per member: {@code t <decidedAt> \0 <event> \0 <chunk>}, a pointer per
 *       chunk (the value is the chunk's key) in decision-time order, and {@code b <member
 *       reference> \0 <bucket end, 19 digits>}, an empty marker saying that the member has
 *       decisions in such chunks decided within the {@link #BUCKET} ending there — written once per
 *       member and bucket however many offers reached them in it. A member's query reads the chunks
 *       of their buckets and keeps their own decisions.
 * </ul>
 *
 * Decisions about no member (reference {@code ""}) have neither pointer nor marker. A chunk is
 * {@code [version 1][count: int]} then per decision {@code [reference length: int][reference:
 * UTF-8][record length: int][record: the audit record's bytes]}, so erasure can drop a member's
 * decisions and queries can skip other members' without decoding them.
 */
public final class DecisionLog {
  private static final char SEP = '\u0000';
  private static final String BY_EVENT = "e";
  private static final String BY_MEMBER = "m";
  private static final String BY_TIME = "t";
  private static final String MEMBER_BUCKET = "b";
  private static final byte VERSION = 1;
  private static final byte[] MARKER = new byte[0];
  private static final AvroCodec<DecisionRecord> CODEC = AvroCodec.of(DecisionRecord.class);

  /**
   * About this many decisions go into one chunk (a member's decisions for an event never split).
   */
  static final int CHUNK_DECISIONS = 64;

  /**
   * The span of a member's marker for decisions about several members at once: a member who gets
   * offers all day has one marker a minute instead of one pointer per offer, and a query for them
   * reads the offer chunks of the minutes they have markers for.
   */
  static final long BUCKET = 60_000L;

  /** One decision to index: the reference naming its member ({@code ""}: none) and its bytes. */
  public record Entry(String memberRef, byte[] encoded) {}

  private final KeyValueStore<String, byte[]> store;
  // Where the next expiry step starts (null: at the beginning); lost on restart, which only
  // restarts the sweep.
  private String expiryCursor;
  // The members whose marker for the current bucket is known to be in the store: spares a read per
  // member and offer. Lost on restart (the processor is initialised again), which only costs reads.
  private long markedBucket = Long.MIN_VALUE;
  private final Set<String> marked = new HashSet<>();

  public DecisionLog(KeyValueStore<String, byte[]> store) {
    this.store = store;
  }

  /**
   * Indexes the decisions made for one event at {@code decidedAt}: a chunk write per {@link
   * #CHUNK_DECISIONS} decisions; for an event about one member a pointer for the member, for an
   * event about several a time pointer per chunk and a marker per member not yet marked in the
   * bucket.
   */
  public void append(String eventId, Instant decidedAt, List<Entry> decisions) {
    if (decisions.isEmpty()) {
      return;
    }
    Map<String, List<Entry>> byMember = new LinkedHashMap<>();
    for (Entry e : decisions) {
      byMember.computeIfAbsent(e.memberRef(), k -> new ArrayList<>()).add(e);
    }
    long at = decidedAt.toEpochMilli();
    String time = time(at);
    boolean several = byMember.size() - (byMember.containsKey("") ? 1 : 0) > 1;
    List<Entry> chunk = new ArrayList<>();
    List<String> members = new ArrayList<>();
    int number = 0;
    for (Map.Entry<String, List<Entry>> m : byMember.entrySet()) {
      if (!chunk.isEmpty() && chunk.size() + m.getValue().size() > CHUNK_DECISIONS) {
        writeChunk(eventId, time, number++, chunk, several ? List.of() : members);
        chunk = new ArrayList<>();
        members = new ArrayList<>();
      }
      chunk.addAll(m.getValue());
      members.add(m.getKey());
    }
    writeChunk(eventId, time, number, chunk, several ? List.of() : members);
    if (several) {
      for (int i = 0; i <= number; i++) {
        String chunkNumber = zeroPadded(i, 4);
        store.put(
            BY_TIME + time + SEP + eventId + SEP + chunkNumber,
            chunkKey(eventId, time, chunkNumber).getBytes(StandardCharsets.UTF_8));
      }
      mark(byMember.keySet(), at);
    }
  }

  private void mark(Set<String> members, long at) {
    long bucketEnd = Math.floorDiv(at, BUCKET) * BUCKET + BUCKET;
    if (bucketEnd != markedBucket) {
      marked.clear();
      markedBucket = bucketEnd;
    }
    String end = time(bucketEnd);
    for (String member : members) {
      if (!member.isEmpty() && marked.add(member)) {
        String key = MEMBER_BUCKET + member + SEP + end;
        if (store.get(key) == null) {
          store.put(key, MARKER);
        }
      }
    }
  }

  private static String chunkKey(String eventId, String time, String number) {
    return BY_EVENT + eventId + SEP + time + SEP + number;
  }

  private void writeChunk(
      String eventId, String time, int number, List<Entry> chunk, List<String> members) {
    String key = chunkKey(eventId, time, zeroPadded(number, 4));
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
   * stream thread pauses for {@code maxKeys} reads at a time instead of for the whole store. A
   * member's bucket marker carries the bucket's end: it goes only once every decision it leads to
   * has gone.
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
   * Drops every decision indexed under {@code memberRef} and the member's pointers and markers
   * (erasure); returns how many decisions were dropped.
   */
  public int forget(String memberRef) {
    Found found = find(store, memberRef);
    int dropped = 0;
    for (String key : found.chunks()) {
      byte[] value = store.get(key);
      if (value == null) {
        continue;
      }
      List<Entry> kept = new ArrayList<>();
      int droppedHere = 0;
      for (Entry e : decodeChunk(value)) {
        if (e.memberRef().equals(memberRef)) {
          droppedHere++;
        } else {
          kept.add(e);
        }
      }
      dropped += droppedHere;
      if (kept.isEmpty()) {
        store.delete(key);
        if (found.timed().contains(key)) {
          store.delete(timeKeyOf(key));
        }
      } else if (droppedHere > 0) {
        store.put(key, encodeChunk(kept));
      }
    }
    found.references().forEach(store::delete);
    marked.remove(memberRef);
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
    List<DecisionRecord> out = new ArrayList<>();
    byte[] ref = memberRef.getBytes(StandardCharsets.UTF_8);
    for (String key : find(store, memberRef).chunks()) {
      byte[] value = store.get(key);
      if (value != null) {
        for (byte[] record : recordsOf(value, ref)) {
          out.add(CODEC.decode(record));
        }
      }
    }
    out.sort(Comparator.comparing(DecisionRecord::getDecidedAt));
    return out;
  }

  /**
   * Where a member's decisions are: the chunks that may hold them (those reached through a time
   * pointer in {@code timed}), and the member's own pointer and marker keys.
   */
  private record Found(Set<String> chunks, Set<String> timed, List<String> references) {}

  private static Found find(ReadOnlyKeyValueStore<String, byte[]> store, String memberRef) {
    Set<String> chunks = new LinkedHashSet<>();
    Set<String> timed = new HashSet<>();
    List<String> references = new ArrayList<>();
    List<Long> bucketEnds = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it =
        store.prefixScan(BY_MEMBER + memberRef + SEP, Serdes.String().serializer())) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        references.add(kv.key);
        chunks.add(new String(kv.value, StandardCharsets.UTF_8));
      }
    }
    try (KeyValueIterator<String, byte[]> it =
        store.prefixScan(MEMBER_BUCKET + memberRef + SEP, Serdes.String().serializer())) {
      while (it.hasNext()) {
        String key = it.next().key;
        references.add(key);
        bucketEnds.add(decidedAt(key));
      }
    }
    for (long end : bucketEnds) {
      // [end - BUCKET, end): every time key of the bucket sorts between these two.
      try (KeyValueIterator<String, byte[]> it =
          store.range(BY_TIME + time(end - BUCKET), BY_TIME + time(end))) {
        while (it.hasNext()) {
          String chunk = new String(it.next().value, StandardCharsets.UTF_8);
          chunks.add(chunk);
          timed.add(chunk);
        }
      }
    }
    return new Found(chunks, timed, references);
  }

  /**
   * The time pointer of a chunk key {@code e<event>\0<time>\0<n>}: {@code t<time>\0<event>\0<n>}.
   */
  private static String timeKeyOf(String chunkKey) {
    int numberSep = chunkKey.lastIndexOf(SEP);
    int timeSep = chunkKey.lastIndexOf(SEP, numberSep - 1);
    return BY_TIME
        + chunkKey.substring(timeSep + 1, numberSep)
        + SEP
        + chunkKey.substring(BY_EVENT.length(), timeSep)
        + SEP
        + chunkKey.substring(numberSep + 1);
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

  /**
   * The time a key carries: right after the kind for a time pointer, right after the first
   * separator for the other kinds (the bucket's end for a marker).
   */
  private static long decidedAt(String key) {
    if (key.startsWith(BY_TIME)) {
      return Long.parseLong(key.substring(1, 20));
    }
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

  private static ByteBuffer open(byte[] chunk) {
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
    return in;
  }

  static List<Entry> decodeChunk(byte[] chunk) {
    ByteBuffer in = open(chunk);
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

  /** The records of a chunk that name {@code ref}; the others are skipped, not copied. */
  private static List<byte[]> recordsOf(byte[] chunk, byte[] ref) {
    ByteBuffer in = open(chunk);
    int count = in.getInt();
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int refLength = in.getInt();
      int refStart = in.position();
      boolean mine =
          refLength == ref.length
              && Arrays.equals(chunk, refStart, refStart + refLength, ref, 0, ref.length);
      in.position(refStart + refLength);
      int length = in.getInt();
      if (mine) {
        byte[] bytes = new byte[length];
        in.get(bytes);
        out.add(bytes);
      } else {
        in.position(in.position() + length);
      }
    }
    return out;
  }
}
