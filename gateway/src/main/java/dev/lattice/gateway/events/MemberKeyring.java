package dev.lattice.gateway.events;

import dev.lattice.schemas.AvroCodec;
import dev.lattice.schemas.TopicCatalogue;
import dev.lattice.schemas.avro.MemberKeyRecord;
import dev.lattice.streams.InvalidMasterKeyException;
import dev.lattice.streams.MasterKey;
import dev.lattice.streams.MasterKeyMismatchException;
import dev.lattice.streams.MemberKey;
import dev.lattice.streams.MemberKeys;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Members' data keys, from the compacted {@code lattice.member.keys} topic. The gateway seals the
 * personal part of every event with its member's key at ingest; erasure deletes the key (a
 * tombstone), after which nothing sealed with it can be read anywhere. Keys are published wrapped
 * under the installation's {@link MasterKey} (member id as associated data): the topic never holds
 * a key in clear.
 *
 * <p>Thread-safe. Keys are created on first use, one at a time per member within this instance. A
 * member has one key, the first in the member's partition of the topic: the topology (the member's
 * task, the single writer of that choice) ignores a later different key and publishes the first
 * again, and this view applies the same rule. Two instances creating the first key of the same
 * member at the same moment therefore agree: each publishes its candidate, catches up with the
 * topic and seals with whichever came first.
 */
public final class MemberKeyring implements AutoCloseable {

  private static final Logger LOGGER = LoggerFactory.getLogger(MemberKeyring.class);

  /** A member's key with its id. */
  public record Keyed(String keyId, MemberKey key) {}

  private final CompactedTopicView<MemberKeyRecord> view;
  private final EventPublisher publisher;
  private final Clock clock;
  private final MasterKey masterKey;
  private final AvroCodec<MemberKeyRecord> codec = AvroCodec.of(MemberKeyRecord.class);
  // Keys this instance created and the view has not caught up with yet.
  private final Map<String, Keyed> created = new ConcurrentHashMap<>();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  /**
   * Starts reading the keys topic and checks the master key against it.
   *
   * @throws InvalidMasterKeyException when the master key was just created although wrapped keys
   *     are already published (they were wrapped under a key that is not configured here)
   * @throws MasterKeyMismatchException when a published key does not open with the master key
   */
  public MemberKeyring(
      Map<String, Object> clientProperties,
      EventPublisher publisher,
      Clock clock,
      MasterKey masterKey) {
    this.view =
        new CompactedTopicView<>(
                TopicCatalogue.MEMBER_KEYS.name(), MemberKeyRecord.class, clientProperties)
            .keeping(MemberKeyring::firstKey)
            .start();
    this.publisher = publisher;
    this.clock = clock;
    this.masterKey = java.util.Objects.requireNonNull(masterKey, "masterKey");
    try {
      checkMasterKey();
    } catch (RuntimeException e) {
      view.close();
      throw e;
    }
  }

  /** Refuses to go on with a master key that does not open the keys already published. */
  private void checkMasterKey() {
    view.catchUp();
    Map<String, MemberKeyRecord> published = view.snapshot();
    Optional<Map.Entry<String, MemberKeyRecord>> wrapped =
        published.entrySet().stream().filter(e -> e.getValue().getKeyset() != null).findFirst();
    if (wrapped.isEmpty()) {
      return;
    }
    if (masterKey.created()) {
      throw new InvalidMasterKeyException(
          "lattice.member.keys holds member keys wrapped under a master key, but none was"
              + " configured: a new one was generated in <data-dir>/"
              + MasterKey.FILE_NAME
              + ", which cannot open them. Set "
              + MasterKey.ENVIRONMENT_VARIABLE
              + " (or restore the key file) to the master key they were wrapped under, and delete"
              + " the new file (keys written by a build before envelope encryption cannot be"
              + " migrated: start from an empty data directory)");
    }
    masterKey.unwrap(bytes(wrapped.get().getValue().getKeyset()), wrapped.get().getKey());
  }

  /** The member's current key, if they have one. */
  public Optional<Keyed> find(String memberId) {
    Optional<MemberKeyRecord> record = view.get(memberId);
    if (record.isPresent() && record.get().getKeyset() != null) {
      return Optional.of(
          new Keyed(
              record.get().getKeyId(),
              masterKey.unwrap(bytes(record.get().getKeyset()), memberId)));
    }
    if (record.isPresent()) {
      return Optional.empty(); // erased marker
    }
    return Optional.ofNullable(created.get(memberId));
  }

  /** The member's key, creating and publishing one when they have none. */
  public Keyed keyFor(String memberId) {
    Optional<Keyed> existing = find(memberId);
    if (existing.isPresent()) {
      return existing.get();
    }
    synchronized (locks.computeIfAbsent(memberId, k -> new Object())) {
      // Another instance may have created the member's key a moment ago: catch up before creating
      // one (what remains uncoordinated is two instances creating the same member's first key at
      // the very same moment).
      view.catchUp();
      existing = find(memberId);
      if (existing.isPresent()) {
        return existing.get();
      }
      MemberKey key = MemberKeys.generate();
      String keyId = MemberKeys.keyId(key);
      MemberKeyRecord record =
          MemberKeyRecord.newBuilder()
              .setMemberId(memberId)
              .setKeyId(keyId)
              .setKeyset(ByteBuffer.wrap(masterKey.wrap(key, memberId)))
              .setCreatedAt(clock.instant())
              .setErasedAt(null)
              .build();
      publisher.publish(TopicCatalogue.MEMBER_KEYS.name(), memberId, codec.encode(record));
      // Another instance may have published a key for the member at the same moment: the first in
      // the partition is the member's key (the view keeps it), so catch up and take that one.
      if (view.awaitCaughtUp(java.time.Duration.ofSeconds(10))) {
        Optional<Keyed> winner = find(memberId);
        if (winner.isPresent()) {
          if (!winner.get().keyId().equals(keyId)) {
            LOGGER.info(
                "Another instance created the member's key first memberKeyId={}",
                winner.get().keyId());
          }
          return winner.get();
        }
      }
      Keyed keyed = new Keyed(keyId, key);
      created.put(memberId, keyed);
      LOGGER.info("Created a data key memberKeyId={}", keyId);
      return keyed;
    }
  }

  /**
   * Crypto-shreds a member: publishes a tombstone for their key. Waits until this instance's view
   * has applied it.
   *
   * @return true when the member had a key
   */
  public boolean erase(String memberId) {
    synchronized (locks.computeIfAbsent(memberId, k -> new Object())) {
      boolean had = find(memberId).isPresent();
      publisher.publish(TopicCatalogue.MEMBER_KEYS.name(), memberId, null);
      created.remove(memberId);
      view.awaitCaughtUp(java.time.Duration.ofSeconds(10));
      return had;
    }
  }

  /**
   * The member's first live key stays; a tombstone (erasure) removes it, and an erased marker
   * record replaces it.
   */
  static MemberKeyRecord firstKey(MemberKeyRecord current, MemberKeyRecord incoming) {
    boolean currentLive = current.getKeyset() != null && current.getErasedAt() == null;
    boolean incomingLive = incoming.getKeyset() != null && incoming.getErasedAt() == null;
    return currentLive && incomingLive ? current : incoming;
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] out = new byte[copy.remaining()];
    copy.get(out);
    return out;
  }

  @Override
  public void close() {
    view.close();
  }
}
