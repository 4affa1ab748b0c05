package dev.lattice.streams;

import static dev.lattice.streams.support.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.policy.ReasonCodes;
import dev.lattice.schemas.PersonalRecords;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.MemberKeyRecord;
import dev.lattice.schemas.avro.SealedPersonal;
import dev.lattice.streams.support.Fixtures;
import dev.lattice.streams.support.LatticeDriver;
import dev.lattice.streams.support.Policies;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A member has one data key, chosen by a single writer: the member's task takes the first key in
 * the member's partition, ignores a different one published later (two gateway instances creating
 * the member's first key at the same moment) and publishes the first one again, so that the
 * compacted topic's latest record is the key the topology uses.
 */
class MemberKeyWriterTopologyTest {
  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final String MEMBER = "m-keys-1";

  private final TopicNames topics = TopicNames.defaults();
  private final MemberKey first = MemberKeys.generate();
  private final MemberKey second = MemberKeys.generate();
  private LatticeDriver lattice;

  @BeforeEach
  void start() {
    lattice =
        new LatticeDriver(
            LatticeTopology.build(
                TopologySettings.of(Policies.defaultBundle(), SECRET)
                    .withInMemoryStores()
                    .withMasterKey(Fixtures.MASTER_KEY)),
            topics,
            T0);
    lattice.network(Fixtures.network("ski-club", Policies.SKI_CLUB));
    lattice.network(Fixtures.network("book-circle", Policies.BOOK_CIRCLE));
    lattice.consent(
        Fixtures.grant("c1", MEMBER, "sharing", List.of("profile", "contact", "interests")));
  }

  @AfterEach
  void stop() {
    lattice.close();
  }

  /** Publishes the key as a gateway does: wrapped under the master key. */
  private void publish(MemberKey key) {
    lattice.send(
        topics.memberKeys(), MEMBER, Fixtures.keyRecord(MEMBER, MemberKeys.keyId(key), key));
  }

  private void sendSealedWith(MemberKey key, String eventId) {
    MemberDataEvent event = Fixtures.memberData(eventId, "ski-club", MEMBER, "sharing");
    byte[] ciphertext =
        PayloadCipher.seal(key, MEMBER, PersonalRecords.encode(event.getPersonal()));
    event.setPersonal(null);
    event.setSealed(new SealedPersonal(MemberKeys.keyId(key), ByteBuffer.wrap(ciphertext)));
    lattice.send(topics.memberData(), MEMBER, event);
  }

  @Test
  void aSecondKeyForAMemberIsIgnoredAndTheFirstIsPublishedAgain() {
    publish(first);

    publish(second);

    List<MemberKeyRecord> republished = lattice.read(topics.memberKeys(), MemberKeyRecord.class);
    assertThat(republished)
        .as("what the topology wrote to the member keys topic")
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getMemberId()).isEqualTo(MEMBER);
              assertThat(r.getKeyId()).isEqualTo(MemberKeys.keyId(first));
              assertThat(Fixtures.MASTER_KEY.unwrap(bytes(r.getKeyset()), MEMBER).toBytes())
                  .isEqualTo(first.toBytes());
            });
  }

  @Test
  void dataSealedWithTheFirstKeyStaysReadableAfterALaterKeyForTheSameMember() {
    publish(first);
    publish(second);

    sendSealedWith(first, "e-first");

    assertThat(lattice.quarantine()).isEmpty();
    assertThat(lattice.audit())
        .filteredOn(d -> d.getEventId().equals("e-first"))
        .isNotEmpty()
        .allSatisfy(
            d ->
                assertThat(d.getReasons())
                    .noneMatch(r -> r.getCode().equals(ReasonCodes.MEMBER_KEY_UNAVAILABLE)));
  }

  @Test
  void theSameKeyPublishedTwiceIsNotAConflict() {
    publish(first);

    publish(first);

    assertThat(lattice.readValues(topics.memberKeys())).as("nothing published again").isEmpty();
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] out = new byte[copy.remaining()];
    copy.get(out);
    return out;
  }
}
