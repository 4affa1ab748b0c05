package dev.lattice.streams;

import static dev.lattice.streams.support.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.schemas.avro.ConsentRejection;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.streams.support.Fixtures;
import dev.lattice.streams.support.LatticeDriver;
import dev.lattice.streams.support.Policies;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Generated interleavings of consent commands and events for several members, keyed well or badly,
 * with their broker append times (the member-keyed inputs are {@code LogAppendTime} topics: what a
 * producer's clock says plays no part).
 *
 * <ul>
 *   <li>Piped in append order, every event must be decided under exactly the consent its member had
 *       at that point of the append order; a command not keyed by its member is rejected and
 *       changes nothing; an event not keyed by its member is re-keyed and decided like the others.
 *   <li>Piped as a late fetch of events delivers them (each topic in its own order, events held
 *       back at random behind commands appended after them), no event is decided more permissively
 *       than at its place; an event no later command overtook is decided exactly as at its place.
 * </ul>
 *
 * <p>The TopologyTestDriver processes records in the order they are piped, so this checks the
 * processors' half of the guarantee. The other half, how a task chooses among partitions on a real
 * broker, is checked by {@code AppendOrderIT}.
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

    default boolean isCommand() {
      return !(this instanceof Share);
    }
  }

  record Grant(String member, Keying keying) implements Write {}

  record Withdraw(String member, Keying keying) implements Write {}

  record Share(String member, Keying keying) implements Write {}

  @Provide
  Arbitrary<List<Write>> interleavings() {
    Arbitrary<String> member = Arbitraries.of(MEMBERS);
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
            net.jqwik.api.Tuple.of(3, Combinators.combine(member, commandKeying).as(Grant::new)),
            net.jqwik.api.Tuple.of(3, Combinators.combine(member, commandKeying).as(Withdraw::new)),
            net.jqwik.api.Tuple.of(6, Combinators.combine(member, eventKeying).as(Share::new)));
    return write.list().ofMinSize(1).ofMaxSize(40);
  }

  @Property(tries = 30)
  void everyEventIsDecidedUnderTheConsentItsMemberHadAtItsPlaceInTheAppendOrder(
      @ForAll("interleavings") List<Write> writes) {
    Run run = run(writes, indexes(writes.size()));
    assertThat(run.decided()).isEqualTo(run.atPlace());
  }

  @Property(tries = 30)
  void anEventFetchedBehindLaterCommandsIsNeverDecidedMorePermissivelyThanAtItsPlace(
      @ForAll("interleavings") List<Write> writes, @ForAll long seed) {
    Run run = run(writes, lateFetch(writes, new Random(seed)));
    run.decided()
        .forEach(
            (decision, allowed) -> {
              if (allowed) {
                assertThat(run.atPlace().get(decision))
                    .as("%s allowed although denied at its place", decision)
                    .isTrue();
              }
              if (!run.overtaken().contains(decision.substring(0, decision.indexOf('|')))) {
                assertThat(allowed)
                    .as("%s, processed at its place, is decided as there", decision)
                    .isEqualTo(run.atPlace().get(decision));
              }
            });
    assertThat(run.decided().keySet()).isEqualTo(run.atPlace().keySet());
  }

  /**
   * What one run decided ({@code event|destination → allow}), what the append order says it should
   * be at each event's place, and the events processed behind a command of their member's appended
   * after them.
   */
  record Run(Map<String, Boolean> decided, Map<String, Boolean> atPlace, Set<String> overtaken) {}

  /**
   * Pipes the writes (append time T0 + position ms) in the given processing order and reads back
   * the decisions.
   */
  private static Run run(List<Write> writes, List<Integer> processing) {
    TopicNames topics = TopicNames.defaults();
    Set<String> granted = new HashSet<>();
    Map<String, Boolean> atPlace = new HashMap<>();
    int misKeyed = 0;
    for (int i = 0; i < writes.size(); i++) {
      Write w = writes.get(i);
      String id = "w" + (i + 1);
      boolean byMember = w.keying() == Keying.BY_MEMBER;
      switch (w) {
        case Grant g -> {
          if (byMember) granted.add(g.member());
          else misKeyed++;
        }
        case Withdraw wd -> {
          if (byMember) granted.remove(wd.member());
          else misKeyed++;
        }
        case Share s -> {
          boolean allow = granted.contains(s.member());
          atPlace.put(id + "|book-circle", allow);
          atPlace.put(id + "|acme", allow);
        }
      }
    }
    Set<String> overtaken = new HashSet<>();
    for (int p = 0; p < processing.size(); p++) {
      int i = processing.get(p);
      if (writes.get(i) instanceof Share s) {
        for (int q = 0; q < p; q++) {
          int j = processing.get(q);
          Write before = writes.get(j);
          if (j > i
              && before.isCommand()
              && before.keying() == Keying.BY_MEMBER
              && before.member().equals(s.member())) {
            overtaken.add("w" + (i + 1));
          }
        }
      }
    }
    try (LatticeDriver lattice =
        new LatticeDriver(
            LatticeTopology.build(
                TopologySettings.of(Policies.defaultBundle(), SECRET).withInMemoryStores()),
            topics,
            T0)) {
      lattice.network(Fixtures.network("ski-club", Policies.SKI_CLUB));
      lattice.network(Fixtures.network("book-circle", Policies.BOOK_CIRCLE));
      for (int i : processing) {
        Write w = writes.get(i);
        String id = "w" + (i + 1);
        Instant appendedAt = T0.plusMillis(i);
        String key = key(w);
        switch (w) {
          case Grant g ->
              lattice.send(
                  topics.consentCommands(),
                  key,
                  Fixtures.grant(id, g.member(), "sharing", List.of("profile")),
                  appendedAt);
          case Withdraw wd ->
              lattice.send(
                  topics.consentCommands(),
                  key,
                  Fixtures.withdraw(id, wd.member(), "sharing"),
                  appendedAt);
          case Share s ->
              lattice.send(
                  topics.memberData(),
                  key,
                  Fixtures.memberData(id, "ski-club", s.member(), "sharing"),
                  appendedAt);
        }
      }

      Map<String, Boolean> decided = new HashMap<>();
      for (DecisionRecord d : lattice.audit()) {
        String key = d.getEventId() + "|" + d.getDestination().getId();
        assertThat(decided.put(key, d.getAllow())).as("one audit record for %s", key).isNull();
      }
      assertThat(lattice.read(topics.consentRejections(), ConsentRejection.class))
          .filteredOn(r -> r.getReasonCode().equals("consent.member_mismatch"))
          .as("every command not keyed by its member is rejected")
          .hasSize(misKeyed);
      assertThat(lattice.quarantine()).isEmpty();
      return new Run(decided, atPlace, overtaken);
    }
  }

  private static List<Integer> indexes(int n) {
    List<Integer> order = new ArrayList<>(n);
    for (int i = 0; i < n; i++) order.add(i);
    return order;
  }

  /**
   * A processing order a late fetch of events can produce: the commands in their append order, the
   * events in theirs, events held back at random behind later commands.
   */
  private static List<Integer> lateFetch(List<Write> writes, Random random) {
    ArrayDeque<Integer> commands = new ArrayDeque<>();
    ArrayDeque<Integer> events = new ArrayDeque<>();
    for (int i = 0; i < writes.size(); i++) {
      (writes.get(i).isCommand() ? commands : events).add(i);
    }
    List<Integer> order = new ArrayList<>(writes.size());
    while (!commands.isEmpty() || !events.isEmpty()) {
      // A command is never processed after an event appended after it: the task waits for the
      // partition that has data (guarantee 1); what a late fetch can do is hold an event back.
      boolean eventMayGo =
          !events.isEmpty() && (commands.isEmpty() || events.peek() < commands.peek());
      boolean command = !eventMayGo || (!commands.isEmpty() && random.nextBoolean());
      order.add((command ? commands : events).poll());
    }
    return order;
  }

  private static String key(Write w) {
    return switch (w.keying()) {
      case BY_MEMBER -> w.member();
      case NONE -> null;
      case OTHER_MEMBER -> w.member() + "-other";
    };
  }
}
