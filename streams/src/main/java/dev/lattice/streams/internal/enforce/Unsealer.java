package dev.lattice.streams.internal.enforce;

import dev.lattice.policy.ReasonCodes;
import dev.lattice.schemas.avro.ContentPersonal;
import dev.lattice.schemas.avro.MemberKeyRecord;
import dev.lattice.schemas.avro.MemberPersonal;
import dev.lattice.schemas.avro.PurchasePersonal;
import dev.lattice.streams.InvalidMemberKeyException;
import dev.lattice.streams.MemberKey;
import dev.lattice.streams.PayloadCipher;
import dev.lattice.streams.PayloadUnsealException;
import dev.lattice.streams.internal.codec.AvroCodec;
import dev.lattice.streams.internal.codec.Inbound;
import dev.lattice.streams.internal.codec.UndecodableRecordException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the members' data keys (from {@code lattice.member.keys}) and opens the personal data that
 * events carry sealed with them. An erased member's key is replaced by a marker for good: a key
 * published after the erasure does not bring old data back. One task owns the store; not
 * thread-safe.
 *
 * <p>A member has one key: the first one in the member's partition wins. The member's task is the
 * single writer of that choice; a different key published later for the same live member (two
 * gateway instances creating the member's first key at the same moment) is ignored, and the winner
 * is published again so that the compacted topic, whose latest record would otherwise be the loser,
 * keeps the key the topology uses. Gateways read the topic with the same rule.
 */
public final class Unsealer {
  private static final Logger LOGGER = LoggerFactory.getLogger(Unsealer.class);

  /** Marker stored for an erased member (its key is gone for good). */
  private static final byte[] ERASED = new byte[0];

  private static final AvroCodec<MemberKeyRecord> KEYS = AvroCodec.of(MemberKeyRecord.class);
  private static final Map<Class<?>, AvroCodec<? extends SpecificRecordBase>> PERSONAL =
      Map.of(
          MemberPersonal.class, AvroCodec.of(MemberPersonal.class),
          ContentPersonal.class, AvroCodec.of(ContentPersonal.class),
          PurchasePersonal.class, AvroCodec.of(PurchasePersonal.class));

  /** The personal data of an event, opened or not. */
  public sealed interface Opened {
    /** In clear (null when the event carries none). */
    record Clear(SpecificRecordBase personal) implements Opened {}

    /** Cannot be read, for a reason that is a decision (erased, key not there): audited denies. */
    record Unreadable(String code, String message) implements Opened {}

    /** Sealed data that is broken (wrong key, tampered, undecodable): the event is quarantined. */
    record Broken(String message) implements Opened {}
  }

  private final org.apache.kafka.streams.state.KeyValueStore<String, byte[]> keys;
  private final Quarantine quarantine;

  public Unsealer(
      org.apache.kafka.streams.state.KeyValueStore<String, byte[]> keys, Quarantine quarantine) {
    this.keys = keys;
    this.quarantine = quarantine;
  }

  /**
   * Applies one record of the member-keys topic (a key, or a tombstone that shreds it).
   *
   * @return the member's key record to publish again when this record lost to an earlier key of the
   *     member (empty otherwise)
   */
  public java.util.Optional<MemberKeyRecord> applyKeyRecord(Inbound in, Instant now) {
    if (in.key() == null) {
      quarantine.put(
          in, Quarantine.SCHEMA_VIOLATION, "member key record has no key (member id)", now);
      return java.util.Optional.empty();
    }
    String member = new String(in.key(), StandardCharsets.UTF_8);
    if (in.value() == null) {
      shred(member);
      return java.util.Optional.empty();
    }
    MemberKeyRecord record;
    try {
      record = KEYS.decode(in.value());
    } catch (UndecodableRecordException e) {
      quarantine.put(in, Quarantine.UNDECODABLE, e.getMessage(), now);
      return java.util.Optional.empty();
    }
    if (record.getKeyset() == null || record.getErasedAt() != null) {
      shred(member);
      return java.util.Optional.empty();
    }
    if (isErased(member)) {
      LOGGER.warn("key for an erased member ignored memberId={}", member);
      return java.util.Optional.empty();
    }
    byte[] current = keys.get(member);
    byte[] offered = bytes(record.getKeyset());
    if (current != null && !java.util.Arrays.equals(current, offered)) {
      // Not the member's first key: the first one stays (events may already be sealed with it).
      LOGGER.warn("a second data key for a member ignored; the first one is published again");
      MemberKey winner = MemberKey.fromBytes(current);
      return java.util.Optional.of(
          MemberKeyRecord.newBuilder()
              .setMemberId(member)
              .setKeyId(dev.lattice.streams.MemberKeys.keyId(winner))
              .setKeyset(ByteBuffer.wrap(current))
              .setCreatedAt(now)
              .setErasedAt(null)
              .build());
    }
    keys.put(member, offered);
    return java.util.Optional.empty();
  }

  /** Encodes a member key record for {@code lattice.member.keys}. */
  public static byte[] encode(MemberKeyRecord record) {
    return KEYS.encode(record);
  }

  /** Forgets the member's key for good. */
  public void shred(String member) {
    keys.put(member, ERASED);
  }

  public boolean isErased(String member) {
    byte[] key = keys.get(member);
    return key != null && key.length == 0;
  }

  /** Opens the event's personal data (clear or sealed with the member's key). */
  public Opened open(IngestEvent event) {
    if (event.sealed() == null) {
      return new Opened.Clear(event.personal());
    }
    byte[] keyset = keys.get(event.memberId());
    if (keyset != null && keyset.length == 0) {
      return new Opened.Unreadable(
          ReasonCodes.MEMBER_ERASED, "the member's personal data can no longer be read");
    }
    if (keyset == null) {
      return new Opened.Unreadable(
          ReasonCodes.MEMBER_KEY_UNAVAILABLE, "the member's personal data can no longer be read");
    }
    try {
      byte[] plain =
          PayloadCipher.unseal(
              MemberKey.fromBytes(keyset), event.memberId(), bytes(event.sealed().getCiphertext()));
      return new Opened.Clear(PERSONAL.get(event.personalType()).decode(plain));
    } catch (PayloadUnsealException | UndecodableRecordException | InvalidMemberKeyException e) {
      return new Opened.Broken(e.getMessage());
    }
  }

  static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer dup = buffer.duplicate();
    byte[] b = new byte[dup.remaining()];
    dup.get(b);
    return b;
  }
}
