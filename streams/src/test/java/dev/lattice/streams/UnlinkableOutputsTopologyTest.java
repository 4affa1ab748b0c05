package dev.lattice.streams;

import static dev.lattice.streams.support.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.policy.DecisionService;
import dev.lattice.schemas.LatticeSerdes;
import dev.lattice.schemas.avro.ContentEvent;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.OfferDelivery;
import dev.lattice.streams.support.Fixtures;
import dev.lattice.streams.support.LatticeDriver;
import dev.lattice.streams.support.Policies;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Point 2 of the privacy core: records written to two recipients cannot be joined on their ids. */
class UnlinkableOutputsTopologyTest {
  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private final TopicNames topics = TopicNames.defaults();
  private final DecisionService policy = Policies.defaultBundle();
  private LatticeDriver lattice;

  @BeforeEach
  void start() {
    lattice =
        new LatticeDriver(
            LatticeTopology.build(TopologySettings.of(policy, SECRET).withInMemoryStores()),
            topics,
            T0);
    lattice.network(Fixtures.network("ski-club", Policies.SKI_CLUB));
    lattice.network(Fixtures.network("book-circle", Policies.BOOK_CIRCLE));
  }

  @AfterEach
  void stop() {
    lattice.close();
  }

  @Test
  void aPartnerNetworkAndABrandGetEventAndCorrelationIdsOfTheirOwn() {
    lattice.consent(Fixtures.grant("c1", "m-1", "sharing", List.of("profile", "interests")));
    MemberDataEvent event = Fixtures.memberData("e1", "ski-club", "m-1", "sharing");
    event.getHeader().setCorrelationId("corr-1");
    lattice.send(topics.memberData(), "m-1", event);

    MemberDataEvent toNetwork =
        LatticeSerdes.codec(MemberDataEvent.class)
            .decode(lattice.readValues(topics.networkOut("book-circle")).get(0));
    MemberDataEvent toBrand =
        LatticeSerdes.codec(MemberDataEvent.class)
            .decode(lattice.readValues(topics.brandOut("acme")).get(0));

    assertThat(toNetwork.getHeader().getEventId())
        .startsWith("evt-")
        .isNotEqualTo("e1")
        .isNotEqualTo(toBrand.getHeader().getEventId());
    assertThat(toNetwork.getHeader().getCorrelationId())
        .isNotEqualTo("corr-1")
        .isNotEqualTo(toBrand.getHeader().getCorrelationId());
    assertThat(lattice.audit())
        .as("the audit shows which identifiers were re-keyed")
        .filteredOn(DecisionRecord::getAllow)
        .allSatisfy(
            d -> assertThat(d.getObligations().getPseudonymize()).contains("id", "correlation_id"));
  }

  @Test
  void contentIdsAreReKeyedPerTargetNetwork() {
    lattice.network(
        Fixtures.network(
            "ski-club",
            """
            {"export": {"networks": ["book-circle"], "purposes": ["sharing"],
                        "categories": ["content", "location"], "content": true},
             "agreements": [{"network": "book-circle", "purposes": ["sharing"], "content": true}]}
            """));
    lattice.network(
        Fixtures.network(
            "book-circle",
            """
            {"import": {"networks": ["ski-club"], "purposes": ["sharing"], "categories": ["*"],
                        "content": true},
             "agreements": [{"network": "ski-club", "purposes": ["sharing"], "content": true}]}
            """));
    lattice.consent(Fixtures.grant("c1", "m-1", "sharing", List.of("content", "location")));
    lattice.send(
        topics.content(),
        "m-1",
        Fixtures.content("e1", "ski-club", "m-1", "sharing", List.of("book-circle")));

    List<byte[]> delivered = lattice.readValues(topics.networkOut("book-circle"));
    assertThat(delivered).hasSize(1);
    ContentEvent content = LatticeSerdes.codec(ContentEvent.class).decode(delivered.get(0));
    assertThat(content.getContentId()).startsWith("cnt-").isNotEqualTo("c-e1");
  }

  @Test
  void aBrandGetsTheTimeOfAMembersEventToTheHourOnlyAndTheAuditSaysSo() {
    lattice.consent(Fixtures.grant("c1", "m-1", "sharing", List.of("profile", "interests")));
    MemberDataEvent event = Fixtures.memberData("e1", "ski-club", "m-1", "sharing");
    event.getHeader().setOccurredAt(EXACT);
    lattice.send(topics.memberData(), "m-1", event);

    MemberDataEvent toBrand =
        LatticeSerdes.codec(MemberDataEvent.class)
            .decode(lattice.readValues(topics.brandOut("acme")).get(0));
    MemberDataEvent toNetwork =
        LatticeSerdes.codec(MemberDataEvent.class)
            .decode(lattice.readValues(topics.networkOut("book-circle")).get(0));

    assertThat(toBrand.getHeader().getOccurredAt())
        .isEqualTo(Instant.parse("2026-11-23T10:00:00Z"));
    assertThat(toNetwork.getHeader().getOccurredAt())
        .as("no rule of ski-club or book-circle asks for less than the exact time")
        .isEqualTo(EXACT);
    assertThat(lattice.audit())
        .filteredOn(d -> d.getDestination().getKind().equals("brand"))
        .singleElement()
        .satisfies(
            d ->
                assertThat(d.getObligations().getCoarsenTime())
                    .containsExactly(Map.entry("occurred_at", "hour")));
  }

  @Test
  void aNetworkWhoseRulesImportDaysGetsTheDayOfTheEvent() {
    lattice.network(
        Fixtures.network(
            "book-circle",
            Policies.BOOK_CIRCLE.replace(
                "\"location_precision\": \"region\"",
                "\"location_precision\": \"region\", \"time_precision\": \"day\"")));
    lattice.consent(Fixtures.grant("c1", "m-1", "sharing", List.of("profile", "interests")));
    MemberDataEvent event = Fixtures.memberData("e1", "ski-club", "m-1", "sharing");
    event.getHeader().setOccurredAt(EXACT);
    lattice.send(topics.memberData(), "m-1", event);

    MemberDataEvent toNetwork =
        LatticeSerdes.codec(MemberDataEvent.class)
            .decode(lattice.readValues(topics.networkOut("book-circle")).get(0));

    assertThat(toNetwork.getHeader().getOccurredAt())
        .isEqualTo(Instant.parse("2026-11-23T00:00:00Z"));
    assertThat(lattice.audit())
        .filteredOn(d -> d.getDestination().getId().equals("book-circle"))
        .singleElement()
        .satisfies(
            d ->
                assertThat(d.getObligations().getCoarsenTime())
                    .containsExactly(Map.entry("occurred_at", "day")));
  }

  @Test
  void theBrandsCopyOfAnOfferDeliveryCarriesTheHourNotTheExactDeliveryTime() {
    lattice.advance(Duration.ofMinutes(17).plusSeconds(42));
    lattice.consent(Fixtures.grant("c1", "m-1", "offers", List.of()));
    lattice.send(
        topics.memberData(), "m-1", Fixtures.memberData("seen", "ski-club", "m-1", "analytics"));
    lattice.send(
        topics.offers(),
        "o1",
        Fixtures.offer("o1", "acme", "SKU-1", "outdoor", List.of("ski-club")));

    OfferDelivery toNetwork =
        lattice.read(topics.networkOut("ski-club"), OfferDelivery.class).get(0);
    OfferDelivery toBrand = lattice.readOnly(topics.brandOut("acme"), OfferDelivery.class).get(0);

    assertThat(toNetwork.getDeliveredAt()).isEqualTo(T0.plusSeconds(17 * 60 + 42));
    assertThat(toBrand.getDeliveredAt()).isEqualTo(T0);
  }

  private static final Instant EXACT = Instant.parse("2026-11-23T10:17:42.123Z");
}
