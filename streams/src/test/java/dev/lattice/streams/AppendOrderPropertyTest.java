package dev.lattice.streams;

import static dev.lattice.streams.support.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.schemas.avro.ConsentRejection;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.streams.support.Fixtures;
import dev.lattice.streams.support.LatticeDriver;
import dev.lattice.streams.support.Policies;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Generated interleavings of consent commands and events for several members, written by producers
 * whose clocks disagree (record times up to a day in the past or the future) and keyed well or
 * badly; piped in append order. Every event must be decided under exactly the consent its member
 * had at that point of the append order, whatever time its producer wrote on it; a command not
 * keyed by its member is rejected and changes nothing; an event not keyed by its member is re-keyed
 * and decided like the others.
 *
 * <p>The TopologyTestDriver processes records in the order they are piped, so this checks the
 * processors' half of the guarantee (nothing in them depends on producer time or on the key
 * detour). The other half, how a task chooses among partitions on a real broker, is checked by
 * {@code AppendOrderIT}.
 */
class AppendOrderPropertyTest {
  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final List<String> MEMBERS = List.of("m-1", "m-2", "m-3", "m-4");

  enum Keying {
    BY_MEMBER,
    NONE,
    OTHER_MEMBER
  }

  sealed interface Write {
    String member();

    Keying keying();

    long skewMinutes();
  }

  record Grant(String member, Keying keying, long skewMinutes) implements Write {}

  record Withdraw(String member, Keying keying, long skewMinutes) implements Write {}

  record Share(String member, Keying keying, long skewMinutes) implements Write {}

  @Provide
  Arbitrary<List<Write>> interleavings() {
    Arbitrary<String> member = Arbitraries.of(MEMBERS);
    Arbitrary<Long> skew = Arbitraries.longs().between(-24 * 60, 24 * 60);
    Arbitrary<Keying> commandKeying =
        Arbitraries.frequency(
            net.jqwik.api.Tuple.of(8, Keying.BY_MEMBER),
            net.jqwik.api.Tuple.of(1, Keying.NONE),
            net.jqwik.api.Tuple.of(1, Keying.OTHER_MEMBER));
    Arbitrary<Keying> eventKeying =
        Arbitraries.frequency(
            net.jqwik.api.Tuple.of(4, Keying.BY_MEMBER), net.jqwik.api.Tuple.of(1, Keying.NONE));
    Arbitrary<Write> write =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(
                3, Combinators.combine(member, commandKeying, skew).as(Grant::new)),
            net.jqwik.api.Tuple.of(
                3, Combinators.combine(member, commandKeying, skew).as(Withdraw::new)),
            net.jqwik.api.Tuple.of(
                6, Combinators.combine(member, eventKeying, skew).as(Share::new)));
    return write.list().ofMinSize(1).ofMaxSize(40);
  }

  @Property(tries = 30)
  void everyEventIsDecidedUnderTheConsentItsMemberHadAtItsPlaceInTheAppendOrder(
      @ForAll("interleavings") List<Write> writes) {
    TopicNames topics = TopicNames.defaults();
    Set<String> granted = new HashSet<>();
    Map<String, Boolean> expected = new HashMap<>();
    int misKeyed = 0;
    int n = 0;
    try (LatticeDriver lattice =
        new LatticeDriver(
            LatticeTopology.build(
                TopologySettings.of(Policies.defaultBundle(), SECRET).withInMemoryStores()),
            topics,
            T0)) {
      lattice.network(Fixtures.network("ski-club", Policies.SKI_CLUB));
      lattice.network(Fixtures.network("book-circle", Policies.BOOK_CIRCLE));
      for (Write w : writes) {
        String id = "w" + ++n;
        Instant producerTime = T0.plus(Duration.ofMinutes(w.skewMinutes()));
        String key = key(w);
        switch (w) {
          case Grant g -> {
            lattice.send(
                topics.consentCommands(),
                key,
                Fixtures.grant(id, g.member(), "sharing", List.of("profile")),
                producerTime);
            if (g.keying() == Keying.BY_MEMBER) {
              granted.add(g.member());
            } else {
              misKeyed++;
            }
          }
          case Withdraw wd -> {
            lattice.send(
                topics.consentCommands(),
                key,
                Fixtures.withdraw(id, wd.member(), "sharing"),
                producerTime);
            if (wd.keying() == Keying.BY_MEMBER) {
              granted.remove(wd.member());
            } else {
              misKeyed++;
            }
          }
          case Share s -> {
            lattice.send(
                topics.memberData(),
                key,
                Fixtures.memberData(id, "ski-club", s.member(), "sharing"),
                producerTime);
            boolean allow = granted.contains(s.member());
            expected.put(id + "|book-circle", allow);
            expected.put(id + "|acme", allow);
          }
        }
      }

      Map<String, Boolean> decided = new HashMap<>();
      for (DecisionRecord d : lattice.audit()) {
        String key = d.getEventId() + "|" + d.getDestination().getId();
        assertThat(decided.put(key, d.getAllow())).as("one audit record for %s", key).isNull();
      }
      assertThat(decided).isEqualTo(expected);
      assertThat(lattice.read(topics.consentRejections(), ConsentRejection.class))
          .filteredOn(r -> r.getReasonCode().equals("consent.member_mismatch"))
          .as("every command not keyed by its member is rejected")
          .hasSize(misKeyed);
      assertThat(lattice.quarantine()).isEmpty();
    }
  }

  private static String key(Write w) {
    return switch (w.keying()) {
      case BY_MEMBER -> w.member();
      case NONE -> null;
      case OTHER_MEMBER -> w.member() + "-other";
    };
  }
}
