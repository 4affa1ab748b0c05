package dev.lattice.streams;

import static dev.lattice.streams.support.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.schemas.avro.ConsentAction;
import dev.lattice.schemas.avro.ConsentCommand;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.schemas.avro.NetworkDocument;
import dev.lattice.schemas.avro.NoticeRecord;
import dev.lattice.streams.support.Fixtures;
import dev.lattice.streams.support.LatticeDriver;
import dev.lattice.streams.support.Policies;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A network changing hands (build, buy, transit): ski-club, controlled by the ski association, is
 * bought by acme-group, which controls the brand acme (it built acme-hub). Consent given to the
 * association stops covering acme until re-confirmed; book-circle (books-ltd) is unaffected; every
 * member gets one notice.
 */
class ControllerTransferTopologyTest {
  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final String SKI_ASSOC =
      "\"controller\": {\"organisation\": \"ski-assoc\", \"privacy_contact\": \"privacy@ski.example\"}";
  private static final String ACME_GROUP =
      "\"controller\": {\"organisation\": \"acme-group\", \"brand\": \"acme\","
          + " \"privacy_contact\": \"privacy@acme.example\", \"since\": \"2026-11-23T10:05:00Z\","
          + " \"previous\": \"ski-assoc\", \"transfer_id\": \"trf-1\"}";
  private final TopicNames topics = TopicNames.defaults();
  private LatticeDriver lattice;

  @BeforeEach
  void start() {
    lattice =
        new LatticeDriver(
            LatticeTopology.build(
                TopologySettings.of(Policies.defaultBundle(), SECRET).withInMemoryStores()),
            topics,
            T0);
    lattice.network(skiClub(1, SKI_ASSOC));
    lattice.network(
        network(
            "book-circle",
            1,
            Policies.BOOK_CIRCLE,
            "\"controller\": {\"organisation\": \"books-ltd\", \"privacy_contact\":"
                + " \"https://books.example/privacy\"}"));
    lattice.network(
        network(
            "acme-hub",
            1,
            "{\"export\": {\"networks\": [], \"purposes\": [], \"categories\": []}}",
            "\"controller\": {\"organisation\": \"acme-group\", \"brand\": \"acme\","
                + " \"privacy_contact\": \"privacy@acme.example\"}"));
    lattice.consent(grantedTo("c1", "m-1", "ski-assoc"));
    lattice.consent(grantedTo("c2", "m-2", "ski-assoc"));
  }

  @AfterEach
  void stop() {
    lattice.close();
  }

  @Test
  void beforeTheTransferConsentGivenToTheAssociationCoversTheBrandAndThePartner() {
    sendEvent("e1", "m-1");

    assertThat(decisions("e1"))
        .containsEntry("acme", "allow")
        .containsEntry("book-circle", "allow");
  }

  @Test
  void afterTheTransferFlowsToTheNewControllersBrandAreDeniedAndOthersContinue() {
    lattice.network(skiClub(2, ACME_GROUP));

    sendEvent("e2", "m-1");

    assertThat(decisions("e2"))
        .containsEntry("acme", "consent.controller_changed")
        .containsEntry("book-circle", "allow");
    assertThat(lattice.readValues(topics.brandOut("acme"))).isEmpty();
    assertThat(lattice.readValues(topics.networkOut("book-circle"))).hasSize(1);
  }

  @Test
  void aMemberWhoReConfirmsForTheNewControllerIsAllowedAgainAndOnlyThatMember() {
    lattice.network(skiClub(2, ACME_GROUP));

    lattice.consent(reconfirm("c3", "m-1", "acme-group"));
    sendEvent("e3", "m-1");
    sendEvent("e4", "m-2");

    assertThat(decisions("e3")).containsEntry("acme", "allow");
    assertThat(decisions("e4")).containsEntry("acme", "consent.controller_changed");
  }

  @Test
  void aGrantNamingTheNewControllerCoversItAsARecordedConsent() {
    lattice.network(skiClub(2, ACME_GROUP));

    lattice.consent(grantedTo("c4", "m-1", "acme-group"));
    sendEvent("e5", "m-1");

    assertThat(decisions("e5")).containsEntry("acme", "allow");
  }

  @Test
  void everyMemberOfTheNetworkGetsExactlyOneNoticeEvenWhenTheTransferIsReadAgain() {
    sendEvent("e6", "m-1");
    sendEvent("e7", "m-2");
    lattice.network(skiClub(2, ACME_GROUP));

    lattice.advance(Duration.ofSeconds(2));
    lattice.network(skiClub(3, ACME_GROUP)); // the same transfer again (a retried write)
    lattice.advance(Duration.ofSeconds(2));

    List<NoticeRecord> notices = lattice.read(topics.notices(), NoticeRecord.class);
    assertThat(notices)
        .extracting(NoticeRecord::getMemberId)
        .containsExactlyInAnyOrder("m-1", "m-2");
    assertThat(notices)
        .allSatisfy(
            n -> {
              assertThat(n.getNetworkId()).isEqualTo("ski-club");
              assertThat(n.getKind()).isEqualTo("controller_changed");
              assertThat(n.getNewController()).isEqualTo("acme-group");
              assertThat(n.getPreviousController()).isEqualTo("ski-assoc");
              assertThat(n.getPrivacyContact()).isEqualTo("privacy@acme.example");
              assertThat(n.getMessage()).contains("acme-group").contains("privacy@acme.example");
            });
  }

  @Test
  void aNetworkThatNeverChangedHandsSendsNoNotice() {
    sendEvent("e8", "m-1");

    lattice.advance(Duration.ofSeconds(2));

    assertThat(lattice.readValues(topics.notices())).isEmpty();
  }

  private void sendEvent(String eventId, String member) {
    lattice.send(
        topics.memberData(), member, Fixtures.memberData(eventId, "ski-club", member, "sharing"));
  }

  private final List<DecisionRecord> audited = new java.util.ArrayList<>();

  /** Destination id → "allow" or the deny's reason codes, for one event. */
  private Map<String, String> decisions(String eventId) {
    audited.addAll(lattice.audit());
    return audited.stream()
        .filter(d -> d.getEventId().equals(eventId))
        .collect(
            Collectors.toMap(
                d -> d.getDestination().getId(),
                ControllerTransferTopologyTest::outcome,
                (a, b) -> a + "," + b));
  }

  private static String outcome(DecisionRecord d) {
    return d.getAllow()
        ? "allow"
        : d.getReasons().stream().map(r -> r.getCode()).collect(Collectors.joining(","));
  }

  private static ConsentCommand grantedTo(String commandId, String member, String controller) {
    ConsentCommand c = Fixtures.grant(commandId, member, "sharing", List.of("profile"));
    c.setSourceNetwork("ski-club");
    c.setController(controller);
    return c;
  }

  private static ConsentCommand reconfirm(String commandId, String member, String controller) {
    return ConsentCommand.newBuilder()
        .setCommandId(commandId)
        .setMemberId(member)
        .setAction(ConsentAction.RECONFIRM)
        .setSourceNetwork("ski-club")
        .setController(controller)
        .setIssuedAt(T0)
        .build();
  }

  private static NetworkDocument skiClub(long version, String controller) {
    return network("ski-club", version, Policies.SKI_CLUB, controller);
  }

  private static NetworkDocument network(String id, long version, String rules, String controller) {
    String trimmed = rules.strip();
    NetworkDocument doc =
        Fixtures.network(id, trimmed.substring(0, trimmed.length() - 1) + ", " + controller + "}");
    doc.setVersion(version);
    return doc;
  }
}
