package dev.lattice.streams;

import static dev.lattice.streams.support.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.policy.DecisionService;
import dev.lattice.streams.support.Fixtures;
import dev.lattice.streams.support.LatticeDriver;
import dev.lattice.streams.support.Policies;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The topology records the first event of a member through a network on the memberships topic (the
 * gateway's {@code lattice.memberships} format), so that every gateway instance knows the member's
 * networks without reading the stores of the instance hosting the member; an erasure tombstones
 * what it recorded.
 */
class MembershipRecordsTopologyTest {
  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final String MEMBERSHIPS = "lattice.memberships";
  private static final String MEMBER = "m-joins-1";

  private final TopicNames topics = TopicNames.defaults();
  private final DecisionService policy = Policies.defaultBundle();
  private LatticeDriver lattice;

  private void start(TopologySettings settings) {
    lattice = new LatticeDriver(LatticeTopology.build(settings), topics, T0);
    lattice.network(Fixtures.network("ski-club", Policies.SKI_CLUB));
    lattice.network(Fixtures.network("book-circle", Policies.BOOK_CIRCLE));
  }

  private TopologySettings settings() {
    return TopologySettings.of(policy, SECRET)
        .withInMemoryStores()
        .withMasterKey(Fixtures.MASTER_KEY);
  }

  @AfterEach
  void stop() {
    lattice.close();
  }

  private void event(String id, String network) {
    lattice.send(
        topics.memberData(), MEMBER, Fixtures.memberData(id, network, MEMBER, "analytics"));
  }

  private static String key(TestRecord<byte[], byte[]> r) {
    return new String(r.key(), StandardCharsets.UTF_8);
  }

  @Test
  void theFirstEventOfAMemberThroughANetworkIsRecordedOnceWithTheInstantItWasSeen() {
    start(settings().withMembershipsTopic(MEMBERSHIPS));

    event("e1", "ski-club");
    event("e2", "ski-club");
    event("e3", "book-circle");

    List<TestRecord<byte[], byte[]>> records = lattice.readRecords(MEMBERSHIPS);
    assertThat(records)
        .extracting(MembershipRecordsTopologyTest::key)
        .containsExactly("ski-club|" + MEMBER, "book-circle|" + MEMBER);
    for (TestRecord<byte[], byte[]> r : records) {
      assertThat(Instant.parse(new String(r.value(), StandardCharsets.UTF_8))).isAfterOrEqualTo(T0);
    }
  }

  @Test
  void anErasureTombstonesTheMembershipsAndALaterEventRecordsOneAgain() {
    start(settings().withMembershipsTopic(MEMBERSHIPS));
    event("e1", "ski-club");
    event("e2", "book-circle");
    lattice.readRecords(MEMBERSHIPS);

    lattice.consent(Fixtures.erase("erase-1", MEMBER));
    List<TestRecord<byte[], byte[]>> erased = lattice.readRecords(MEMBERSHIPS);
    event("e3", "ski-club");
    List<TestRecord<byte[], byte[]>> after = lattice.readRecords(MEMBERSHIPS);

    assertThat(erased)
        .extracting(MembershipRecordsTopologyTest::key)
        .containsExactlyInAnyOrder("ski-club|" + MEMBER, "book-circle|" + MEMBER);
    assertThat(erased).allSatisfy(r -> assertThat(r.value()).isNull());
    assertThat(after)
        .extracting(MembershipRecordsTopologyTest::key)
        .containsExactly("ski-club|" + MEMBER);
    assertThat(after.getFirst().value()).isNotNull();
  }

  @Test
  void withoutAMembershipsTopicNothingIsRecorded() {
    start(settings());

    event("e1", "ski-club");

    assertThat(lattice.readRecords(MEMBERSHIPS)).isEmpty();
    assertThat(lattice.audit()).isNotEmpty();
  }
}
