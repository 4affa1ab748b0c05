package dev.lattice.streams.internal.enforce;

import dev.lattice.policy.ReasonCodes;
import dev.lattice.schemas.avro.ContentPersonal;
import dev.lattice.schemas.avro.MemberKeyRecord;
import dev.lattice.schemas.avro.MemberPersonal;
import dev.lattice.schemas.avro.PurchasePersonal;
import dev.lattice.schemas.avro.SealedPersonal;
import dev.lattice.streams.InvalidMemberKeyException;
import dev.lattice.streams.MasterKey;
import dev.lattice.streams.MasterKeyMismatchException;
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
 * events carry sealed with them. Keys are stored as published: wrapped under the installation's
 * {@link MasterKey} (never in clear, so the store and its changelog hold no usable key), and
 * unwrapped only in memory when used. An erased member's key is replaced by a marker for good: a
 * key published after the erasure does not bring old data back. One task owns the store; not
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
  private final MasterKey masterKey;

  /**
   * @param keys the member keys store: member id → the key record as published (wrapped key), or an
   *     empty value for an erased member
   * @param masterKey unwraps the keys; null when none is configured (sealed data cannot be opened)
   */
  public Unsealer(
      org.apache.kafka.streams.state.KeyValueStore<String, byte[]> keys,
      Quarantine quarantine,
      MasterKey masterKey) {
    this.keys = keys;
    this.quarantine = quarantine;
    this.masterKey = masterKey;
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
      LOGGER.warn(
          "a key published for an erased member was ignored"); // no id: logs outlive erasure
      return java.util.Optional.empty();
    }
    byte[] current = keys.get(member);
    if (current != null) {
      MemberKeyRecord first = KEYS.decode(current);
      // Key ids are fingerprints of the key (MemberKeys.keyId); the wrapped bytes of one key differ
      // from one wrapping to the next, so the id is what tells two keys apart.
      if (!first.getKeyId().equals(record.getKeyId())) {
        // Not the member's first key: the first one stays (events may already be sealed with it).
        LOGGER.warn("a second data key for a member ignored; the first one is published again");
        return java.util.Optional.of(first);
      }
    }
    // Stored as published: the key id and the wrapped keyset, never the key in clear.
    keys.put(member, in.value());
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
    byte[] stored = keys.get(event.memberId());
    if (stored != null && stored.length == 0) {
      return new Opened.Unreadable(
          ReasonCodes.MEMBER_ERASED, "the member's personal data can no longer be read");
    }
    if (stored == null) {
      return new Opened.Unreadable(
          ReasonCodes.MEMBER_KEY_UNAVAILABLE, "the member's personal data can no longer be read");
    }
    try {
      byte[] plain =
          PayloadCipher.unseal(
              unwrap(stored, event.memberId()).key(),
              event.memberId(),
              bytes(event.sealed().getCiphertext()));
      return new Opened.Clear(PERSONAL.get(event.personalType()).decode(plain));
    } catch (PayloadUnsealException
        | UndecodableRecordException
        | InvalidMemberKeyException
        | MasterKeyMismatchException e) {
      return new Opened.Broken(e.getMessage());
    }
  }

  /**
   * Seals {@code plaintext} with the member's current key (for values that must become unreadable
   * when the member is erased), or returns null when the member has no usable key (never had one,
   * erased, or no master key).
   */
  public SealedPersonal seal(String member, byte[] plaintext) {
    byte[] stored = member == null ? null : keys.get(member);
    if (stored == null || stored.length == 0 || masterKey == null) {
      return null;
    }
    try {
      Unwrapped key = unwrap(stored, member);
      return new SealedPersonal(
          key.keyId(), ByteBuffer.wrap(PayloadCipher.seal(key.key(), member, plaintext)));
    } catch (InvalidMemberKeyException
        | MasterKeyMismatchException
        | UndecodableRecordException e) {
      LOGGER.warn("member key not usable to seal a decision detail reason={}", e.getMessage());
      return null;
    }
  }

  private record Unwrapped(String keyId, MemberKey key) {}

  private Unwrapped unwrap(byte[] stored, String member) {
    if (masterKey == null) {
      throw new MasterKeyMismatchException(
          "no master key is configured (LATTICE_MASTER_KEY or <data-dir>/"
              + MasterKey.FILE_NAME
              + "), so member keys cannot be unwrapped");
    }
    MemberKeyRecord record = KEYS.decode(stored);
    return new Unwrapped(record.getKeyId(), masterKey.unwrap(bytes(record.getKeyset()), member));
  }

  static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer dup = buffer.duplicate();
    byte[] b = new byte[dup.remaining()];
    dup.get(b);
    return b;
  }
}
