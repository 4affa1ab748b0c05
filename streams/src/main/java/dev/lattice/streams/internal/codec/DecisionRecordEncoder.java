package dev.lattice.streams.internal.codec;

import dev.lattice.schemas.EventEncodingException;
import dev.lattice.schemas.LatticeSerdes;
import dev.lattice.schemas.avro.AppliedObligations;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.schemas.avro.Destination;
import dev.lattice.schemas.avro.ReasonEntry;
import dev.lattice.schemas.avro.SealedPersonal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The audit record's single-object encoding written field by field: the same bytes as the schemas
 * module's {@code AvroCodec<DecisionRecord>} (header, then the Avro binary body of the current
 * schema), without Avro's generic writer, which walks the schema, resolves unions and looks up
 * logical-type conversions for every field of every record (the enforcing topology writes one
 * record per event and destination; Avro's writer was about 6 % of its time). {@code
 * DecisionRecordEncoderTest} checks the bytes against Avro's over generated records; a change of
 * {@code DecisionRecord.avsc} fails that test until this class follows it.
 *
 * <p>One instance per thread (it reuses its buffer); not thread-safe. A required field that is null
 * fails with {@link EventEncodingException}, as Avro's writer does.
 */
public final class DecisionRecordEncoder {
  // The 10-byte single-object header (C3 01 + the current schema's fingerprint), taken from the
  // schemas module's own codec so that the two can never disagree on it.
  private static final byte[] HEADER = header();

  private byte[] buf = new byte[512];
  private int pos;

  /** The record's single-object encoding. */
  public byte[] encode(DecisionRecord r) {
    pos = 0;
    raw(HEADER);
    string(r.getDecisionId(), "decision_id");
    string(r.getEventId(), "event_id");
    string(r.getEventType(), "event_type");
    optionalString(r.getPurpose());
    optionalString(r.getMemberId());
    string(r.getSourceNetwork(), "source_network");
    Destination d = required(r.getDestination(), "destination");
    string(d.getKind(), "destination.kind");
    string(d.getId(), "destination.id");
    ensure(1);
    buf[pos++] = (byte) (r.getAllow() ? 1 : 0);
    List<ReasonEntry> reasons = required(r.getReasons(), "reasons");
    arrayStart(reasons.size());
    for (ReasonEntry e : reasons) {
      required(e, "reasons");
      string(e.getCode(), "reasons.code");
      string(e.getMessage(), "reasons.message");
    }
    arrayEnd(reasons.size());
    AppliedObligations o = required(r.getObligations(), "obligations");
    strings(o.getRedact(), "obligations.redact");
    strings(o.getPseudonymize(), "obligations.pseudonymize");
    map(o.getGeneralize(), "obligations.generalize");
    map(o.getCoarsenTime(), "obligations.coarsen_time");
    string(r.getBundleRevision(), "bundle_revision");
    varLong(r.getConsentVersion());
    optionalString(r.getConsentReceiptId());
    Instant decidedAt = required(r.getDecidedAt(), "decided_at");
    varLong(decidedAt.toEpochMilli());
    varLong(r.getEvalNanos());
    optionalString(r.getCorrelationId());
    strings(r.getCategories(), "categories");
    SealedPersonal sealed = r.getSealedDetail();
    if (sealed == null) {
      varLong(0);
    } else {
      varLong(1);
      string(sealed.getKeyId(), "sealed_detail.key_id");
      ByteBuffer bytes = required(sealed.getCiphertext(), "sealed_detail.ciphertext").duplicate();
      varLong(bytes.remaining());
      ensure(bytes.remaining());
      int n = bytes.remaining();
      bytes.get(buf, pos, n);
      pos += n;
    }
    return Arrays.copyOf(buf, pos);
  }

  private static <T> T required(T value, String field) {
    if (value == null) {
      throw new EventEncodingException(
          "cannot encode DecisionRecord: null of required field " + field, null);
    }
    return value;
  }

  private void strings(List<String> values, String field) {
    required(values, field);
    arrayStart(values.size());
    for (String s : values) {
      string(s, field);
    }
    arrayEnd(values.size());
  }

  private void map(Map<String, String> values, String field) {
    required(values, field);
    arrayStart(values.size());
    for (Map.Entry<String, String> e : values.entrySet()) {
      string(e.getKey(), field);
      string(e.getValue(), field);
    }
    arrayEnd(values.size());
  }

  /** Avro's block encoding of arrays and maps: one block of {@code count} items, then 0. */
  private void arrayStart(int count) {
    if (count > 0) {
      varLong(count);
    }
  }

  private void arrayEnd(int count) {
    varLong(0);
  }

  private void optionalString(String s) {
    if (s == null) {
      varLong(0); // union branch 0: null
    } else {
      varLong(1); // union branch 1: string
      string(s, "");
    }
  }

  private void string(String s, String field) {
    // The JDK's UTF-8 encoder copies Latin-1 text of ASCII characters (ids, codes, messages) as
    // it is, faster than a loop over the characters here.
    byte[] utf8 = required(s, field).getBytes(StandardCharsets.UTF_8);
    varLong(utf8.length);
    raw(utf8);
  }

  private void raw(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, pos, bytes.length);
    pos += bytes.length;
  }

  /** Avro's zig-zag variable-length long (an int is written the same way). */
  private void varLong(long value) {
    ensure(10);
    long n = (value << 1) ^ (value >> 63);
    while ((n & ~0x7FL) != 0) {
      buf[pos++] = (byte) ((n & 0x7F) | 0x80);
      n >>>= 7;
    }
    buf[pos++] = (byte) n;
  }

  private void ensure(int more) {
    if (pos + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
    }
  }

  private static byte[] header() {
    DecisionRecord sample =
        DecisionRecord.newBuilder()
            .setDecisionId("")
            .setEventId("")
            .setEventType("")
            .setSourceNetwork("")
            .setDestination(new Destination("", ""))
            .setAllow(false)
            .setObligations(new AppliedObligations(List.of(), List.of(), Map.of(), Map.of()))
            .setBundleRevision("")
            .setConsentVersion(0L)
            .setDecidedAt(Instant.EPOCH)
            .setEvalNanos(0L)
            .build();
    return Arrays.copyOf(LatticeSerdes.codec(DecisionRecord.class).encode(sample), 10);
  }
}
