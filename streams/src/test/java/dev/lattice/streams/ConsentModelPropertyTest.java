package dev.lattice.streams;

import static dev.lattice.streams.support.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.policy.DecisionService;
import dev.lattice.schemas.LatticeSerdes;
import dev.lattice.schemas.PersonalRecords;
import dev.lattice.schemas.avro.ConsentAction;
import dev.lattice.schemas.avro.ConsentCommand;
import dev.lattice.schemas.avro.ContentEvent;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.MemberKeyRecord;
import dev.lattice.schemas.avro.OfferDelivery;
import dev.lattice.schemas.avro.SealedPersonal;
import dev.lattice.streams.support.Fixtures;
import dev.lattice.streams.support.LatticeDriver;
import dev.lattice.streams.support.Policies;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import net.jqwik.api.Tuple;

/**
 * Model-based: random interleavings of consent grants (purposes sharing, marketing and offers,
 * varied data categories, some expiring), withdrawals, erasures, member keys, network agreement
 * changes, purchases, member data (in clear and sealed), posts, offers, poison records and a wall
 * clock that moves (consents expire, the 24 h offer window slides). The topology's audit and every
 * delivery, matched by event id, must equal those of the reference model below, which is written
 * from the rules (network rules in the test, the default policy's documented semantics) and uses no
 * production class.
 *
 * <p>Tries: 200 by default ({@code jqwik.tries.default} from the build, {@code -Djqwik.tries=N} to
 * change it).
 */
class ConsentModelPropertyTest {
  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final List<String> MEMBERS = List.of("m-1", "m-2", "m-3");
  private static final List<String> SKUS = List.of("SKU-1", "SKU-2");
  private static final Set<String> GRANTABLE_CATEGORIES =
      Set.of("profile", "interests", "location", "contact", "content");

  // ---------------------------------------------------------------- the world, as data

  /** What ski-club lets leave (its export.categories below). */
  private static final Set<String> EXPORTED = Set.of("profile", "interests", "location", "content");

  /** The categories of the fields a member-data fixture carries. */
  private static final Set<String> MEMBER_DATA_FIELDS =
      Set.of("profile", "contact", "location", "interests", "identifiers");

  /** The categories of the fields a post fixture carries (title, body, place). */
  private static final Set<String> POST_FIELDS = Set.of("content", "location");

  private static final int CAP_PER_MEMBER = 3;
  private static final int CAP_PER_MEMBER_BRAND = 1;
  private static final Duration OFFER_WINDOW = Duration.ofHours(24);

  private static final String AGREEMENT =
      "{\"network\": \"book-circle\", \"purposes\": [\"sharing\", \"marketing\"], \"content\":"
          + " true}";

  /** Ski club: exports to book-circle and brand acme; insights never reach k (not modelled). */
  private static String skiClub(boolean agreement) {
    return """
        {"export": {"networks": ["book-circle"], "brands": ["acme"], "purposes": ["sharing", "marketing"],
                    "categories": ["profile", "interests", "location", "content"],
                    "location_precision": "region", "content": true},
         "import": {"networks": ["book-circle"], "purposes": ["sharing"], "categories": ["*"]},
         "agreements": [%s],
         "offers": {"accept": true, "frequency_cap": {"per_member_24h": %d, "per_member_brand_24h": %d}},
         "insights": {"enabled": true, "k_anonymity": 100000, "brands": ["acme"]}}
        """
        .formatted(agreement ? AGREEMENT : "", CAP_PER_MEMBER, CAP_PER_MEMBER_BRAND);
  }

  // ---------------------------------------------------------------- actions

  sealed interface Action {}

  record Grant(String member, String purpose, Set<String> categories, Integer expiresInHours)
      implements Action {}

  record Withdraw(String member, String purpose) implements Action {}

  record Erase(String member) implements Action {}

  record PublishKey(String member) implements Action {}

  record ShareData(String member, String purpose, boolean sealed) implements Action {}

  record Post(String member) implements Action {}

  record Buy(String member, String sku) implements Action {}

  record Offer(String sku, String brand) implements Action {}

  record ToggleAgreement() implements Action {}

  record Poison(String member) implements Action {}

  record Advance(int minutes) implements Action {}

  @Provide
  Arbitrary<List<Action>> scenarios() {
    Arbitrary<String> member = Arbitraries.of(MEMBERS);
    Arbitrary<String> purpose = Arbitraries.of("sharing", "marketing", "offers");
    Arbitrary<Set<String>> categories =
        Arbitraries.oneOf(
            Arbitraries.just(Set.<String>of()), Arbitraries.subsetOf(GRANTABLE_CATEGORIES));
    Arbitrary<Integer> expiry = Arbitraries.integers().between(1, 30).injectNull(0.6);
    Arbitrary<Action> action =
        Arbitraries.frequencyOf(
            Tuple.of(
                5,
                Combinators.combine(member, purpose, categories, expiry)
                    .as((m, p, c, e) -> (Action) new Grant(m, p, c, e))),
            Tuple.of(3, Combinators.combine(member, purpose).as(Withdraw::new)),
            Tuple.of(1, member.map(Erase::new)),
            Tuple.of(2, member.map(PublishKey::new)),
            Tuple.of(
                5,
                Combinators.combine(
                        member, Arbitraries.of("sharing", "marketing"), Arbitraries.of(true, false))
                    .as(ShareData::new)),
            Tuple.of(2, member.map(Post::new)),
            Tuple.of(2, Combinators.combine(member, Arbitraries.of(SKUS)).as(Buy::new)),
            Tuple.of(
                3,
                Combinators.combine(Arbitraries.of(SKUS), Arbitraries.of("acme", "globex"))
                    .as(Offer::new)),
            Tuple.of(1, Arbitraries.just(new ToggleAgreement())),
            Tuple.of(1, member.map(Poison::new)),
            Tuple.of(2, Arbitraries.of(30, 60 * 5, 60 * 13, 60 * 24).map(Advance::new)));
    return action.list().ofMinSize(1).ofMaxSize(40);
  }

  // ---------------------------------------------------------------- the reference model

  /** A grant as the member gave it. */
  record ModelGrant(Set<String> categories, Instant expiresAt) {}

  /** What the model knows of one event it expects decisions for. */
  record ModelEvent(String member, String purpose, Set<String> allowedCategories) {}

  /** The rules, restated: who may receive what. */
  static final class Model {
    Instant now = T0;
    boolean agreement = true;
    final Map<String, Map<String, ModelGrant>> grants = new HashMap<>();
    final Set<String> seenInSkiClub = new TreeSet<>();
    final Set<String> keyPublished = new HashSet<>();
    final Set<String> erased = new HashSet<>();
    final Map<String, Set<String>> bought = new HashMap<>();
    final Map<String, List<Instant>> offerDeliveries = new HashMap<>();
    final Map<String, List<Instant>> brandOfferDeliveries = new HashMap<>();

    /** Withdrawn (or erased) and not granted again since: (member|purpose). */
    final Set<String> withdrawn = new HashSet<>();

    /** (event id|destination|member) -> allowed. */
    final Map<String, Boolean> expected = new HashMap<>();

    final Map<String, ModelEvent> events = new HashMap<>();

    /** Event ids sent while their purpose stood withdrawn for their member. */
    final Set<String> sentAfterWithdrawal = new HashSet<>();

    ModelGrant effective(String member, String purpose) {
      ModelGrant g = grants.getOrDefault(member, Map.of()).get(purpose);
      return g == null || (g.expiresAt() != null && !now.isBefore(g.expiresAt())) ? null : g;
    }

    /** The categories of {@code fields} that may leave ski-club under the member's grant. */
    static Set<String> allowed(ModelGrant g, Set<String> fields) {
      Set<String> out = new TreeSet<>();
      for (String c : fields) {
        if (EXPORTED.contains(c) && (g.categories().isEmpty() || g.categories().contains(c))) {
          out.add(c);
        }
      }
      return out;
    }

    static long within(List<Instant> times, Instant from) {
      return times == null ? 0 : times.stream().filter(t -> !t.isBefore(from)).count();
    }
  }

  @Property
  void theTopologyDecidesAndDeliversExactlyAsTheReferenceModel(
      @ForAll("scenarios") List<Action> actions) {
    DecisionService policy = Policies.defaultBundle();
    TopicNames topics = TopicNames.defaults();
    Model model = new Model();
    Map<String, MemberKey> keys = new HashMap<>();
    int commands = 0;
    int events = 0;
    int poisons = 0;
    try (LatticeDriver lattice =
        new LatticeDriver(
            LatticeTopology.build(
                TopologySettings.of(policy, SECRET)
                    .withInMemoryStores()
                    .withMasterKey(Fixtures.MASTER_KEY)),
            topics,
            T0)) {
      lattice.network(Fixtures.network("ski-club", skiClub(true)));
      lattice.network(Fixtures.network("book-circle", Policies.BOOK_CIRCLE_WITH_CONTENT));
      for (Action a : actions) {
        switch (a) {
          case Grant g -> {
            Instant expiresAt =
                g.expiresInHours() == null
                    ? null
                    : model.now.plus(Duration.ofHours(g.expiresInHours()));
            ConsentCommand grant =
                Fixtures.grant(
                    "c" + ++commands,
                    g.member(),
                    g.purpose(),
                    List.copyOf(new TreeSet<>(g.categories())));
            grant.setExpiresAt(expiresAt);
            grant.setIssuedAt(model.now);
            lattice.consent(grant);
            model
                .grants
                .computeIfAbsent(g.member(), k -> new HashMap<>())
                .put(g.purpose(), new ModelGrant(Set.copyOf(g.categories()), expiresAt));
            model.withdrawn.remove(g.member() + "|" + g.purpose());
          }
          case Withdraw w -> {
            lattice.consent(Fixtures.withdraw("c" + ++commands, w.member(), w.purpose()));
            Map<String, ModelGrant> mine = model.grants.get(w.member());
            if (mine != null && mine.remove(w.purpose()) != null) {
              model.withdrawn.add(w.member() + "|" + w.purpose());
            }
          }
          case Erase e -> {
            // Erasure unlinks the audit's reference to the member: remember it to check the model.
            lattice.rememberMemberRefs();
            lattice.consent(
                ConsentCommand.newBuilder(Fixtures.withdraw("c" + ++commands, e.member(), null))
                    .setAction(ConsentAction.ERASE)
                    .build());
            Map<String, ModelGrant> mine = model.grants.remove(e.member());
            if (mine != null) {
              mine.keySet().forEach(p -> model.withdrawn.add(e.member() + "|" + p));
            }
            model.erased.add(e.member());
            // Erasure also forgets memberships, purchases and the offer timeline.
            model.seenInSkiClub.remove(e.member());
            model.bought.remove(e.member());
            model.offerDeliveries.remove(e.member());
            model.brandOfferDeliveries.keySet().removeIf(k -> k.startsWith(e.member() + "|"));
          }
          case PublishKey k -> {
            MemberKey key = MemberKeys.generate();
            // A member has one key, the first published (single writer: a later different key, as
            // two gateway instances racing would publish, is ignored and gateways seal with the
            // first); the model seals with that one.
            keys.putIfAbsent(k.member(), key);
            lattice.send(
                topics.memberKeys(),
                k.member(),
                MemberKeyRecord.newBuilder()
                    .setMemberId(k.member())
                    .setKeyId("k-" + ++commands)
                    .setKeyset(ByteBuffer.wrap(Fixtures.MASTER_KEY.wrap(key, k.member())))
                    .setCreatedAt(model.now)
                    .build());
            model.keyPublished.add(k.member());
          }
          case ShareData s -> {
            String id = "e" + ++events;
            MemberDataEvent event = Fixtures.memberData(id, "ski-club", s.member(), s.purpose());
            if (s.sealed()) {
              // Sealed with the member's key (the first published); a member without one gets a key
              // Lattice never saw.
              MemberKey key = keys.getOrDefault(s.member(), MemberKeys.generate());
              byte[] ciphertext =
                  PayloadCipher.seal(key, s.member(), PersonalRecords.encode(event.getPersonal()));
              event.setPersonal(null);
              event.setSealed(new SealedPersonal("k", ByteBuffer.wrap(ciphertext)));
            }
            lattice.send(topics.memberData(), s.member(), event);
            model.seenInSkiClub.add(s.member());
            ModelGrant g = model.effective(s.member(), s.purpose());
            boolean readable =
                !s.sealed()
                    || (!model.erased.contains(s.member())
                        && model.keyPublished.contains(s.member()));
            Set<String> allowed = g == null ? Set.of() : Model.allowed(g, MEMBER_DATA_FIELDS);
            boolean allow = g != null && readable && !allowed.isEmpty();
            model.events.put(id, new ModelEvent(s.member(), s.purpose(), allowed));
            model.expected.put(id + "|book-circle|" + s.member(), allow && model.agreement);
            model.expected.put(id + "|acme|" + s.member(), allow);
            if (model.withdrawn.contains(s.member() + "|" + s.purpose())) {
              model.sentAfterWithdrawal.add(id);
            }
          }
          case Post p -> {
            String id = "e" + ++events;
            lattice.send(
                topics.content(),
                p.member(),
                Fixtures.content(id, "ski-club", p.member(), "sharing", List.of("book-circle")));
            model.seenInSkiClub.add(p.member());
            // A post needs the sharing purpose, whatever purpose it names.
            ModelGrant g = model.effective(p.member(), "sharing");
            Set<String> allowed = g == null ? Set.of() : Model.allowed(g, POST_FIELDS);
            model.events.put(id, new ModelEvent(p.member(), "sharing", allowed));
            model.expected.put(
                id + "|book-circle|" + p.member(),
                g != null && !allowed.isEmpty() && model.agreement);
            if (model.withdrawn.contains(p.member() + "|sharing")) {
              model.sentAfterWithdrawal.add(id);
            }
          }
          case Buy b -> {
            lattice.send(
                topics.purchases(),
                b.member(),
                Fixtures.purchase("e" + ++events, "ski-club", b.member(), "acme", b.sku()));
            model.seenInSkiClub.add(b.member());
            // A product is a brand's SKU: suppression matches brand and SKU.
            model.bought.computeIfAbsent(b.member(), k -> new HashSet<>()).add("acme|" + b.sku());
          }
          case Offer o -> {
            String id = "e" + ++events;
            lattice.send(
                topics.offers(),
                id,
                Fixtures.offer(id, o.brand(), o.sku(), "outdoor", List.of("ski-club")));
            Instant from = model.now.minus(OFFER_WINDOW);
            for (String m : model.seenInSkiClub) {
              ModelGrant g = model.effective(m, "offers");
              boolean allow =
                  g != null
                      && (g.categories().isEmpty() || g.categories().contains("outdoor"))
                      && !model.erased.contains(m)
                      && !model.bought.getOrDefault(m, Set.of()).contains(o.brand() + "|" + o.sku())
                      && Model.within(model.offerDeliveries.get(m), from) < CAP_PER_MEMBER
                      && Model.within(model.brandOfferDeliveries.get(m + "|" + o.brand()), from)
                          < CAP_PER_MEMBER_BRAND;
              if (allow) {
                model.offerDeliveries.computeIfAbsent(m, k -> new ArrayList<>()).add(model.now);
                model
                    .brandOfferDeliveries
                    .computeIfAbsent(m + "|" + o.brand(), k -> new ArrayList<>())
                    .add(model.now);
              }
              model.events.put(id + "|" + m, new ModelEvent(m, "offers", Set.of()));
              model.expected.put(id + "|ski-club|" + m, allow);
              if (model.withdrawn.contains(m + "|offers")) {
                model.sentAfterWithdrawal.add(id + "|" + m);
              }
            }
          }
          case ToggleAgreement t -> {
            model.agreement = !model.agreement;
            lattice.network(Fixtures.network("ski-club", skiClub(model.agreement)));
          }
          case Poison p -> {
            poisons++;
            lattice.pipe(
                topics.memberData(),
                p.member(),
                ("poison-" + poisons).getBytes(StandardCharsets.UTF_8));
          }
          case Advance v -> {
            lattice.advance(Duration.ofMinutes(v.minutes()));
            model.now = model.now.plus(Duration.ofMinutes(v.minutes()));
          }
        }
      }

      // Then exactly one audit record per (event, destination, member), as the model decides
      List<DecisionRecord> audit = lattice.audit();
      Map<String, Boolean> decided = new HashMap<>();
      Map<String, DecisionRecord> byDecisionId = new HashMap<>();
      for (DecisionRecord d : audit) {
        // Audit records name the member by a reference (unlinked on erasure); resolve it.
        String key =
            d.getEventId()
                + "|"
                + d.getDestination().getId()
                + "|"
                + lattice.memberOf(d.getMemberId());
        assertThat(decided.put(key, d.getAllow()))
            .as("exactly one audit record for %s", key)
            .isNull();
        byDecisionId.put(d.getDecisionId(), d);
      }
      assertThat(decided).as("audit equals the reference model").isEqualTo(model.expected);

      // and every delivery is an allowed (event, destination), once, with only what may leave
      Set<String> delivered = new HashSet<>();
      for (byte[] value : lattice.readValues(topics.networkOut("book-circle"))) {
        String eventId = deliveredToBookCircle(value, model);
        ModelEvent e = model.events.get(eventId);
        assertThat(e).as("delivery of an unknown event %s", eventId).isNotNull();
        assertThat(delivered.add(eventId + "|book-circle|" + e.member()))
            .as("delivered once: %s", eventId)
            .isTrue();
      }
      // (the brand's topic also carries its offer deliveries; its member data has re-keyed ids)
      for (MemberDataEvent m : lattice.readOnly(topics.brandOut("acme"), MemberDataEvent.class)) {
        String eventId = originalId(model, "brand:acme", m.getHeader().getEventId());
        ModelEvent e = model.events.get(eventId);
        assertThat(e).isNotNull();
        assertMemberDataCarriesOnly(m, e);
        assertThat(delivered.add(eventId + "|acme|" + e.member()))
            .as("delivered once: %s", eventId)
            .isTrue();
      }
      for (OfferDelivery o : lattice.read(topics.networkOut("ski-club"), OfferDelivery.class)) {
        DecisionRecord d = byDecisionId.get(o.getDecisionId());
        assertThat(d).as("the delivery's decision is audited").isNotNull();
        assertThat(o.getOfferId()).isEqualTo("o-" + d.getEventId());
        // An offer flows into the member's own network, which knows its member.
        String member = lattice.memberOf(d.getMemberId());
        assertThat(o.getMemberId()).isEqualTo(member);
        assertThat(delivered.add(d.getEventId() + "|ski-club|" + member))
            .as("delivered once: %s", o.getDecisionId())
            .isTrue();
      }
      Set<String> allowed = new HashSet<>();
      model.expected.forEach(
          (k, v) -> {
            if (v) allowed.add(k);
          });
      assertThat(delivered).as("deliveries equal the allowed decisions").isEqualTo(allowed);

      // and nothing sent while its purpose stood withdrawn was delivered
      Set<String> deliveredAfterWithdrawal = new TreeSet<>();
      for (String d : delivered) {
        String[] p = d.split("\\|");
        String eventKey = p[1].equals("ski-club") ? p[0] + "|" + p[2] : p[0];
        if (model.sentAfterWithdrawal.contains(eventKey)) {
          deliveredAfterWithdrawal.add(d);
        }
      }
      assertThat(deliveredAfterWithdrawal).as("delivered after withdrawal").isEmpty();
      assertThat(lattice.quarantine()).as("every poison record is quarantined").hasSize(poisons);
    }
  }

  /** Decodes a book-circle delivery (member data or a post), checks its content, returns its id. */
  private static String deliveredToBookCircle(byte[] value, Model model) {
    MemberDataEvent m;
    try {
      m = LatticeSerdes.codec(MemberDataEvent.class).decode(value);
    } catch (RuntimeException notMemberData) {
      ContentEvent c = LatticeSerdes.codec(ContentEvent.class).decode(value);
      String id = originalId(model, "network:book-circle", c.getHeader().getEventId());
      ModelEvent e = model.events.get(id);
      assertThat(e).isNotNull();
      assertThat(c.getHeader().getSubjectMember()).startsWith("p-");
      assertThat(c.getPersonal().getTitle() != null)
          .as("title iff content may leave")
          .isEqualTo(e.allowedCategories().contains("content"));
      assertThat(c.getPersonal().getPlace()).as("free-text place never leaves").isNull();
      return id;
    }
    String id = originalId(model, "network:book-circle", m.getHeader().getEventId());
    ModelEvent e = model.events.get(id);
    assertThat(e).isNotNull();
    assertMemberDataCarriesOnly(m, e);
    return id;
  }

  private static final dev.lattice.streams.internal.obligations.Pseudonymiser IDS =
      new dev.lattice.streams.internal.obligations.Pseudonymiser(SECRET);

  /**
   * The ingest event id behind a delivered event's id, which is re-keyed per destination (the test
   * holds the topology's secret, so it can recompute the keyed ids); the delivered id when none.
   */
  private static String originalId(Model model, String destination, String delivered) {
    for (String id : model.events.keySet()) {
      if (IDS.keyedId("evt-", "event", destination, id).equals(delivered)) {
        return id;
      }
    }
    return delivered;
  }

  /** Only the categories the model allows are present; contact and identifiers never are. */
  private static void assertMemberDataCarriesOnly(MemberDataEvent m, ModelEvent e) {
    // A partner network gets its pseudonym; a brand at most its own (with identifiers consent).
    String subject = m.getHeader().getSubjectMember();
    assertThat(subject == null || subject.startsWith("p-")).as("subject %s", subject).isTrue();
    assertThat(m.getSealed()).isNull();
    var p = m.getPersonal();
    assertThat(p.getEmail()).as("contact never leaves ski-club").isNull();
    assertThat(p.getExternalIds()).as("identifiers never leave ski-club").isEmpty();
    assertThat(p.getDisplayName() != null)
        .as("profile of %s", m.getHeader().getEventId())
        .isEqualTo(e.allowedCategories().contains("profile"));
    assertThat(!p.getInterests().isEmpty())
        .as("interests of %s", m.getHeader().getEventId())
        .isEqualTo(e.allowedCategories().contains("interests"));
    // Redaction clears each address field (the empty address may remain).
    var home = p.getHome();
    assertThat(home != null && home.getCountry() != null)
        .as("location of %s", m.getHeader().getEventId())
        .isEqualTo(e.allowedCategories().contains("location"));
    if (home != null) {
      assertThat(home.getStreet()).isNull();
      assertThat(home.getPostalCode()).isNull();
      assertThat(home.getCity()).as("generalised to region at most").isNull();
    }
  }
}
