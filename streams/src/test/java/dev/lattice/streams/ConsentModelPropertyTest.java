package dev.lattice.streams;

import static dev.lattice.streams.support.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.policy.DecisionService;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.OfferDelivery;
import dev.lattice.streams.support.Fixtures;
import dev.lattice.streams.support.LatticeDriver;
import dev.lattice.streams.support.Policies;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Model-based: random interleavings of consent grants and withdrawals, network rule changes,
 * purchases, member events, offers and poison records; the topology's audit and deliveries must
 * equal those of the reference model below, written from the rules and not from the
 * topology's code.
 */
class ConsentModelPropertyTest {
  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final List<String> MEMBERS = List.of("m-1", "m-2", "m-3");
  private static final List<String> PURPOSES = List.of("sharing", "offers");
  private static final List<String> SKUS = List.of("SKU-1", "SKU-2");

  sealed interface Action {}

  record Grant(String member, String purpose) implements Action {}

  record Withdraw(String member, String purpose) implements Action {}

  record ShareData(String member) implements Action {}

  record Buy(String member, String sku) implements Action {}

  record Offer(String sku, String brand) implements Action {}

  record TogglePartnership() implements Action {}

  record Poison(String member) implements Action {}

  @Provide
  Arbitrary<List<Action>> scenarios() {
    Arbitrary<String> member = Arbitraries.of(MEMBERS);
    Arbitrary<String> purpose = Arbitraries.of(PURPOSES);
    Arbitrary<Action> action =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(4, Combinators.combine(member, purpose).as(Grant::new)),
            net.jqwik.api.Tuple.of(3, Combinators.combine(member, purpose).as(Withdraw::new)),
            net.jqwik.api.Tuple.of(5, member.map(ShareData::new)),
            net.jqwik.api.Tuple.of(
                2, Combinators.combine(member, Arbitraries.of(SKUS)).as(Buy::new)),
            net.jqwik.api.Tuple.of(
                3,
                Combinators.combine(Arbitraries.of(SKUS), Arbitraries.of("acme", "globex"))
                    .as(Offer::new)),
            net.jqwik.api.Tuple.of(1, Arbitraries.just(new TogglePartnership())),
            net.jqwik.api.Tuple.of(1, member.map(Poison::new)));
    return action.list().ofMinSize(1).ofMaxSize(30);
  }

  /** The reference model: who may receive what, from the rules of the issue. */
  static final class Model {
    final Map<String, Set<String>> granted = new HashMap<>();
    final Set<String> seenInNetwork = new TreeSet<>();
    final Map<String, Set<String>> bought = new HashMap<>();
    final Map<String, Integer> offersDelivered = new HashMap<>();
    final Map<String, Integer> brandOffersDelivered = new HashMap<>();
    boolean partnership = true;

    /** (event id, destination, member) -> allowed */
    final Map<String, Boolean> expected = new HashMap<>();

    final Set<String> deliveredPurposeAfterWithdrawal = new HashSet<>();

    boolean has(String m, String p) {
      return granted.getOrDefault(m, Set.of()).contains(p);
    }
  }

  @Property(tries = 25)
  void theTopologyDecidesExactlyAsTheReferenceModel(@ForAll("scenarios") List<Action> actions) {
    DecisionService policy = Policies.defaultBundle();
    TopicNames topics = TopicNames.defaults();
    Model model = new Model();
    int commands = 0;
    int events = 0;
    int poisons = 0;
    try (LatticeDriver lattice =
        new LatticeDriver(
            LatticeTopology.build(TopologySettings.of(policy, SECRET).withInMemoryStores()),
            topics,
            T0)) {
      lattice.network(Fixtures.network("ski-club", rules(true)));
      lattice.network(Fixtures.network("book-circle", Policies.BOOK_CIRCLE));
      for (Action a : actions) {
        switch (a) {
          case Grant g -> {
            // Offer consent without categories covers every offer category; sharing covers profile
            // data.
            List<String> categories = g.purpose().equals("offers") ? List.of() : List.of("profile");
            lattice.consent(Fixtures.grant("c" + ++commands, g.member(), g.purpose(), categories));
            model.granted.computeIfAbsent(g.member(), k -> new HashSet<>()).add(g.purpose());
          }
          case Withdraw w -> {
            lattice.consent(Fixtures.withdraw("c" + ++commands, w.member(), w.purpose()));
            Set<String> s = model.granted.get(w.member());
            if (s != null) s.remove(w.purpose());
          }
          case ShareData s -> {
            String id = "e" + ++events;
            lattice.send(
                topics.memberData(),
                s.member(),
                Fixtures.memberData(id, "ski-club", s.member(), "sharing"));
            model.seenInNetwork.add(s.member());
            boolean allow = model.has(s.member(), "sharing");
            // book-circle keeps its side of the agreement, so it stays a candidate; the transit
            // needs both sides.
            model.expected.put(id + "|book-circle|" + s.member(), allow && model.partnership);
            model.expected.put(id + "|acme|" + s.member(), allow);
          }
          case Buy b -> {
            lattice.send(
                topics.purchases(),
                b.member(),
                Fixtures.purchase("e" + ++events, "ski-club", b.member(), "acme", b.sku()));
            model.seenInNetwork.add(b.member());
            // A product is a brand's SKU: suppression matches brand and SKU.
            model.bought.computeIfAbsent(b.member(), k -> new HashSet<>()).add("acme|" + b.sku());
          }
          case Offer o -> {
            String id = "e" + ++events;
            lattice.send(
                topics.offers(),
                id,
                Fixtures.offer(id, o.brand(), o.sku(), "outdoor", List.of("ski-club")));
            for (String m : model.seenInNetwork) {
              boolean allow =
                  model.has(m, "offers")
                      && !model.bought.getOrDefault(m, Set.of()).contains(o.brand() + "|" + o.sku())
                      && model.offersDelivered.getOrDefault(m, 0) < 3
                      && model.brandOffersDelivered.getOrDefault(m + "|" + o.brand(), 0) < 1;
              if (allow) {
                model.offersDelivered.merge(m, 1, Integer::sum);
                model.brandOffersDelivered.merge(m + "|" + o.brand(), 1, Integer::sum);
              }
              model.expected.put(id + "|ski-club|" + m, allow);
            }
          }
          case TogglePartnership t -> {
            model.partnership = !model.partnership;
            lattice.network(Fixtures.network("ski-club", rules(model.partnership)));
          }
          case Poison p -> {
            poisons++;
            lattice.pipe(
                topics.memberData(),
                p.member(),
                ("poison-" + poisons).getBytes(StandardCharsets.UTF_8));
          }
        }
      }

      List<DecisionRecord> audit = lattice.audit();
      Map<String, Boolean> actual = new HashMap<>();
      for (DecisionRecord d : audit) {
        String key =
            d.getEventId()
                + "|"
                + d.getDestination().getId()
                + "|"
                + lattice.memberOf(d.getMemberId());
        assertThat(actual.put(key, d.getAllow()))
            .as("exactly one audit record for %s", key)
            .isNull();
      }
      assertThat(actual).as("audit equals the reference model").isEqualTo(model.expected);

      long allowedShares =
          model.expected.entrySet().stream()
              .filter(e -> e.getValue() && e.getKey().contains("|book-circle|"))
              .count();
      long allowedBrand =
          model.expected.entrySet().stream()
              .filter(e -> e.getValue() && e.getKey().contains("|acme|"))
              .count();
      long allowedOffers =
          model.expected.entrySet().stream()
              .filter(e -> e.getValue() && e.getKey().contains("|ski-club|"))
              .count();
      List<MemberDataEvent> shared =
          lattice.read(topics.networkOut("book-circle"), MemberDataEvent.class);
      assertThat(shared).hasSize((int) allowedShares);
      assertThat(lattice.readOnly(topics.brandOut("acme"), MemberDataEvent.class))
          .hasSize((int) allowedBrand);
      List<OfferDelivery> offers = lattice.read(topics.networkOut("ski-club"), OfferDelivery.class);
      assertThat(offers).hasSize((int) allowedOffers);
      // Delivered events carry ids re-keyed for the destination; the test holds the secret, so it
      // can tell which ingest event each one was.
      dev.lattice.streams.internal.obligations.Pseudonymiser ids =
          new dev.lattice.streams.internal.obligations.Pseudonymiser(SECRET);
      for (MemberDataEvent e : shared) {
        assertThat(model.expected.entrySet())
            .as("nothing reaches a destination without consent: %s", e.getHeader().getEventId())
            .anyMatch(
                x ->
                    x.getValue()
                        && x.getKey().contains("|book-circle|")
                        && ids.keyedId(
                                "evt-",
                                "event",
                                "network:book-circle",
                                x.getKey().substring(0, x.getKey().indexOf('|')))
                            .equals(e.getHeader().getEventId()));
      }
      for (OfferDelivery o : offers) {
        DecisionRecord d =
            audit.stream()
                .filter(x -> x.getDecisionId().equals(o.getDecisionId()))
                .findFirst()
                .orElseThrow();
        assertThat(
                model.expected.get(
                    d.getEventId() + "|ski-club|" + lattice.memberOf(d.getMemberId())))
            .isTrue();
      }
      assertThat(lattice.quarantine()).as("every poison record is quarantined").hasSize(poisons);
    }
  }

  private static String rules(boolean partnership) {
    return partnership
        ? Policies.SKI_CLUB
        : Policies.SKI_CLUB.replace(
            "{\"network\": \"book-circle\", \"purposes\": [\"sharing\", \"marketing\"]}", "");
  }
}
