package dev.lattice.streams;

import static dev.lattice.streams.support.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.policy.DecisionService;
import dev.lattice.schemas.LatticeSerdes;
import dev.lattice.schemas.avro.ConsentCommand;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.OfferDelivery;
import dev.lattice.schemas.avro.QuarantineRecord;
import dev.lattice.streams.support.Fixtures;
import dev.lattice.streams.support.LatticeDriver;
import dev.lattice.streams.support.Policies;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Point 1 and 4 of the privacy core: brands never learn who a member is, ids that leave Lattice are
 * keyed, and an unknown destination is an audited deny that stalls nobody.
 */
class BrandPrivacyTopologyTest {
  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private final TopicNames topics = TopicNames.defaults();
  private final DecisionService policy = Policies.defaultBundle();
  private LatticeDriver lattice;

  private LatticeDriver start(byte[] secret) {
    Set<String> existing = new HashSet<>();
    for (String id : List.of("ski-club", "book-circle")) {
      existing.add(topics.networkOut(id));
    }
    for (String id : List.of("acme", "globex")) {
      existing.add(topics.brandOut(id));
    }
    LatticeDriver driver =
        new LatticeDriver(
            LatticeTopology.build(
                TopologySettings.of(policy, secret)
                    .withInMemoryStores()
                    .withTopicDirectory(TopicDirectory.of(existing))),
            topics,
            T0);
    driver.network(Fixtures.network("ski-club", Policies.SKI_CLUB));
    driver.network(Fixtures.network("book-circle", Policies.BOOK_CIRCLE));
    return driver;
  }

  @BeforeEach
  void start() {
    lattice = start(SECRET);
  }

  @AfterEach
  void stop() {
    lattice.close();
  }

  /** Offers in any category, and (under marketing) identifiers for {@code brands} (none = any). */
  private void offersWithIdentifiersFor(String member, String... brands) {
    lattice.consent(Fixtures.grant("offers-" + member, member, "offers", List.of()));
    ConsentCommand c = Fixtures.grant("ids-" + member, member, "marketing", List.of("identifiers"));
    c.setRecipients(List.of(brands));
    lattice.consent(c);
  }

  private void seen(String member) {
    lattice.send(
        topics.memberData(),
        member,
        Fixtures.memberData("seen-" + member, "ski-club", member, "analytics"));
  }

  private void offer(String id, String brand) {
    lattice.send(
        topics.offers(),
        id,
        Fixtures.offer(id, brand, "SKU-" + id, "outdoor", List.of("ski-club")));
  }

  private static String nameBased(String seed) {
    return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
  }

  @Test
  void aBrandSeesAMemberOnlyUnderItsOwnPseudonymAndOnlyWithIdentifiersConsent() {
    offersWithIdentifiersFor("m-1", "acme");
    lattice.consent(Fixtures.grant("c2", "m-2", "offers", List.of()));
    seen("m-1");
    seen("m-2");

    offer("o1", "acme");
    List<OfferDelivery> toAcme = lattice.readOnly(topics.brandOut("acme"), OfferDelivery.class);

    assertThat(toAcme).hasSize(2);
    assertThat(toAcme)
        .extracting(OfferDelivery::getMemberId)
        .as("m-1 granted identifiers to acme, m-2 did not")
        .satisfiesExactlyInAnyOrder(
            id -> assertThat(id).startsWith("p-"), id -> assertThat(id).isEmpty());
    assertThat(toAcme.toString()).doesNotContain("m-1").doesNotContain("m-2");
  }

  @Test
  void oneMemberHasUnlinkablePseudonymsAtTwoBrandsButAStableOneAtEach() {
    offersWithIdentifiersFor("m-1");
    seen("m-1");

    offer("o1", "acme");
    offer("o2", "globex");
    lattice.advance(java.time.Duration.ofDays(2)); // past the per-brand frequency cap
    offer("o3", "acme");

    List<String> acme =
        lattice.readOnly(topics.brandOut("acme"), OfferDelivery.class).stream()
            .map(OfferDelivery::getMemberId)
            .toList();
    List<String> globex =
        lattice.readOnly(topics.brandOut("globex"), OfferDelivery.class).stream()
            .map(OfferDelivery::getMemberId)
            .toList();
    assertThat(acme).hasSize(2).allMatch(p -> p.startsWith("p-"));
    assertThat(acme.get(0)).as("stable for one brand").isEqualTo(acme.get(1));
    assertThat(globex).singleElement().isNotEqualTo(acme.get(0));
  }

  @Test
  void deliveryAndDecisionIdsAreKeyedNotNameBasedOnEventAndMember() {
    lattice.consent(Fixtures.grant("c1", "m-1", "offers", List.of()));
    seen("m-1");
    offer("o1", "acme");

    OfferDelivery toNetwork =
        lattice.read(topics.networkOut("ski-club"), OfferDelivery.class).get(0);
    OfferDelivery toBrand = lattice.readOnly(topics.brandOut("acme"), OfferDelivery.class).get(0);
    DecisionRecord decision =
        lattice.audit().stream().filter(d -> d.getEventId().equals("o1")).findFirst().orElseThrow();
    String oldScheme = nameBased("o1\u0000network\u0000ski-club\u0000m-1");

    assertThat(decision.getDecisionId()).doesNotContain(oldScheme);
    assertThat(toNetwork.getDeliveryId()).doesNotContain(oldScheme);
    assertThat(toBrand.getDeliveryId())
        .as("the brand's copy cannot be joined with the network's")
        .isNotEqualTo(toNetwork.getDeliveryId());
    assertThat(toBrand.getDecisionId()).isNotEqualTo(decision.getDecisionId());

    lattice.close();
    lattice = start("another-secret-of-thirty-two-byte".getBytes(StandardCharsets.UTF_8));
    lattice.consent(Fixtures.grant("c1", "m-1", "offers", List.of()));
    seen("m-1");
    offer("o1", "acme");
    assertThat(
            lattice.read(topics.networkOut("ski-club"), OfferDelivery.class).get(0).getDeliveryId())
        .as("keyed: without the secret the id cannot be recomputed")
        .isNotEqualTo(toNetwork.getDeliveryId());
  }

  @Test
  void sharedMemberDataNamesTheMemberToABrandOnlyByItsPseudonymWithIdentifiersConsent() {
    ConsentCommand grant =
        Fixtures.grant("c1", "m-1", "sharing", List.of("profile", "interests", "identifiers"));
    lattice.consent(grant);
    lattice.send(
        topics.memberData(), "m-1", Fixtures.memberData("e1", "ski-club", "m-1", "sharing"));

    MemberDataEvent branded =
        LatticeSerdes.codec(MemberDataEvent.class)
            .decode(lattice.readValues(topics.brandOut("acme")).get(0));
    assertThat(branded.getHeader().getSubjectMember()).startsWith("p-").isNotEqualTo("m-1");
  }

  @Test
  void aGhostBrandInANetworksExportRulesIsAnAuditedDenyAndOtherFlowsKeepBeingDecided() {
    lattice.network(
        Fixtures.network(
            "ski-club",
            Policies.SKI_CLUB.replace(
                "\"brands\": [\"acme\"]", "\"brands\": [\"acme\", \"ghost\"]")));
    lattice.consent(Fixtures.grant("c1", "m-1", "sharing", List.of("profile")));
    lattice.send(
        topics.memberData(), "m-1", Fixtures.memberData("e1", "ski-club", "m-1", "sharing"));

    assertThat(lattice.audit())
        .filteredOn(d -> d.getDestination().getId().equals("ghost"))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.getAllow()).isFalse();
              assertThat(d.getReasons())
                  .extracting(r -> r.getCode())
                  .containsExactly("destination.unknown");
            });
    assertThat(lattice.readValues(topics.networkOut("book-circle"))).hasSize(1);

    lattice.consent(Fixtures.grant("c2", "m-9", "sharing", List.of("profile")));
    lattice.send(
        topics.memberData(), "m-9", Fixtures.memberData("e9", "ski-club", "m-9", "sharing"));
    assertThat(lattice.readValues(topics.networkOut("book-circle")))
        .as("the next member's event is decided and delivered as usual")
        .hasSize(1);
  }

  @Test
  void contentForAnUnregisteredNetworkIsADeniedDestinationNotAQuarantinedEvent() {
    lattice.consent(Fixtures.grant("c1", "m-1", "sharing", List.of("content")));
    lattice.send(
        topics.content(),
        "m-1",
        Fixtures.content("e1", "ski-club", "m-1", "sharing", List.of("book-circle", "atlantis")));

    assertThat(lattice.quarantine()).extracting(QuarantineRecord::getErrorClass).isEmpty();
    assertThat(lattice.audit())
        .filteredOn(d -> d.getDestination().getId().equals("atlantis"))
        .singleElement()
        .satisfies(
            d ->
                assertThat(d.getReasons())
                    .extracting(r -> r.getCode())
                    .containsExactly("destination.unknown"));
  }

  @Test
  void anOfferOfABrandWithoutATopicIsDeniedForEveryMemberNotRetried() {
    lattice.consent(Fixtures.grant("c1", "m-1", "offers", List.of()));
    seen("m-1");
    offer("o1", "ghost");

    assertThat(lattice.read(topics.networkOut("ski-club"), OfferDelivery.class)).isEmpty();
    assertThat(lattice.audit())
        .filteredOn(d -> d.getEventId().equals("o1"))
        .singleElement()
        .satisfies(
            d ->
                assertThat(d.getReasons())
                    .extracting(r -> r.getCode())
                    .containsExactly("destination.unknown"));
  }
}
