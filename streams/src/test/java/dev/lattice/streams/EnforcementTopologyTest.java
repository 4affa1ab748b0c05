package dev.lattice.streams;

import static dev.lattice.streams.support.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.policy.DecisionService;
import dev.lattice.schemas.LatticeSerdes;
import dev.lattice.schemas.PersonalRecords;
import dev.lattice.schemas.avro.ConsentAction;
import dev.lattice.schemas.avro.ConsentCommand;
import dev.lattice.schemas.avro.ConsentState;
import dev.lattice.schemas.avro.ContentEvent;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.MemberKeyRecord;
import dev.lattice.schemas.avro.OfferDelivery;
import dev.lattice.schemas.avro.QuarantineRecord;
import dev.lattice.schemas.avro.SealedPersonal;
import dev.lattice.streams.support.FaultInjectingDecisions;
import dev.lattice.streams.support.Fixtures;
import dev.lattice.streams.support.LatticeDriver;
import dev.lattice.streams.support.Policies;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EnforcementTopologyTest {
  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private final TopicNames topics = TopicNames.defaults();
  private final DecisionService policy = Policies.defaultBundle();
  private LatticeDriver lattice;

  @BeforeEach
  void start() {
    lattice =
        new LatticeDriver(
            LatticeTopology.build(
                TopologySettings.of(policy, SECRET)
                    .withInMemoryStores()
                    .withMasterKey(Fixtures.MASTER_KEY)),
            topics,
            T0);
    lattice.network(Fixtures.network("ski-club", Policies.SKI_CLUB));
    lattice.network(Fixtures.network("book-circle", Policies.BOOK_CIRCLE));
  }

  @AfterEach
  void stop() {
    lattice.close();
  }

  private static MemberDataEvent decode(byte[] bytes) {
    return LatticeSerdes.codec(MemberDataEvent.class).decode(bytes);
  }

  @Test
  void consentedMemberDataReachesThePartnerNetworkAndTheSubscribedBrandWithObligationsApplied() {
    lattice.consent(
        Fixtures.grant("c1", "m-1", "sharing", List.of("profile", "location", "interests")));
    lattice.send(
        topics.memberData(), "m-1", Fixtures.memberData("e1", "ski-club", "m-1", "sharing"));

    List<byte[]> toNetwork = lattice.readValues(topics.networkOut("book-circle"));
    List<byte[]> toBrand = lattice.readValues(topics.brandOut("acme"));
    assertThat(toNetwork).hasSize(1);
    MemberDataEvent delivered = decode(toNetwork.get(0));
    assertThat(delivered.getPersonal().getEmail()).as("contact not granted: redacted").isNull();
    assertThat(delivered.getPersonal().getExternalIds()).as("identifiers not exported").isEmpty();
    assertThat(delivered.getPersonal().getHome().getCity()).as("generalised to region").isNull();
    assertThat(delivered.getPersonal().getHome().getRegion()).isEqualTo("Valais");
    assertThat(delivered.getPersonal().getInterests()).containsExactly("skiing");
    assertThat(delivered.getHeader().getSubjectMember()).startsWith("p-");
    MemberDataEvent branded = decode(toBrand.get(0));
    assertThat(branded.getHeader().getSubjectMember())
        .as("no identifiers granted to the brand: it is not told who the member is")
        .isNull();

    List<DecisionRecord> audit = lattice.audit();
    assertThat(audit)
        .extracting(d -> d.getDestination().getId())
        .containsExactlyInAnyOrder("book-circle", "acme");
    assertThat(audit)
        .allSatisfy(
            d -> {
              assertThat(d.getAllow()).isTrue();
              assertThat(d.getConsentVersion()).isEqualTo(1L);
              assertThat(d.getConsentReceiptId()).startsWith("rcpt-");
              assertThat(d.getBundleRevision()).isEqualTo(policy.activeRevision()).isNotEmpty();
            });
  }

  @Test
  void memberDataWithoutConsentIsDeniedAuditedAndNotDelivered() {
    lattice.send(
        topics.memberData(), "m-2", Fixtures.memberData("e2", "ski-club", "m-2", "sharing"));

    assertThat(lattice.readValues(topics.networkOut("book-circle"))).isEmpty();
    assertThat(lattice.readValues(topics.brandOut("acme"))).isEmpty();
    assertThat(lattice.audit())
        .hasSize(2)
        .allSatisfy(
            d -> {
              assertThat(d.getAllow()).isFalse();
              assertThat(d.getReasons())
                  .extracting(r -> r.getCode())
                  .contains("consent.purpose_not_granted");
              assertThat(d.getConsentVersion()).isZero();
            });
  }

  @Test
  void anEventFetchedAfterAGrantAppendedLaterIsDecidedWithoutThatGrantAndTheAuditSaysSo() {
    // The broker appended the event at T0+1 s and the grant at T0+2 s; a late fetch hands the task
    // the grant first. The grant is applied (later events see it) but withheld from this event.
    Instant eventAppended = T0.plusSeconds(1);
    lattice.send(
        topics.consentCommands(),
        "m-1",
        Fixtures.grant("c1", "m-1", "sharing", List.of("profile", "location", "interests")),
        eventAppended.plusSeconds(1));
    lattice.send(
        topics.memberData(),
        "m-1",
        Fixtures.memberData("e-late", "ski-club", "m-1", "sharing"),
        eventAppended);
    lattice.send(
        topics.memberData(),
        "m-1",
        Fixtures.memberData("e-after", "ski-club", "m-1", "sharing"),
        eventAppended.plusSeconds(2));

    List<DecisionRecord> audit = lattice.audit();
    assertThat(audit)
        .filteredOn(d -> d.getEventId().equals("e-late"))
        .hasSize(2)
        .allSatisfy(
            d -> {
              assertThat(d.getAllow()).isFalse();
              assertThat(d.getReasons())
                  .extracting(r -> r.getCode())
                  .contains("consent.purpose_not_granted", "consent.changed_after_event");
              assertThat(d.getConsentVersion()).isEqualTo(1L);
            });
    assertThat(audit)
        .filteredOn(d -> d.getEventId().equals("e-after"))
        .hasSize(2)
        .allSatisfy(d -> assertThat(d.getAllow()).isTrue());
    assertThat(lattice.readValues(topics.networkOut("book-circle"))).hasSize(1);
  }

  @Test
  void anEventSentTwiceIsDecidedAndDeliveredOnce() {
    lattice.consent(Fixtures.grant("c1", "m-1", "sharing", List.of("profile")));
    lattice.send(
        topics.memberData(), "m-1", Fixtures.memberData("e1", "ski-club", "m-1", "sharing"));

    // the same event again, e.g. retried through another gateway instance
    lattice.send(
        topics.memberData(), "m-1", Fixtures.memberData("e1", "ski-club", "m-1", "sharing"));

    assertThat(lattice.readValues(topics.networkOut("book-circle"))).hasSize(1);
    assertThat(lattice.audit())
        .hasSize(2)
        .extracting(DecisionRecord::getEventId)
        .containsOnly("e1");
  }

  @Test
  void withdrawalStopsTheVeryNextEvent() {
    lattice.consent(Fixtures.grant("c1", "m-1", "sharing", List.of("profile")));
    lattice.send(
        topics.memberData(), "m-1", Fixtures.memberData("e1", "ski-club", "m-1", "sharing"));
    lattice.consent(Fixtures.withdraw("c2", "m-1", "sharing"));
    lattice.send(
        topics.memberData(), "m-1", Fixtures.memberData("e2", "ski-club", "m-1", "sharing"));

    assertThat(lattice.readValues(topics.networkOut("book-circle"))).hasSize(1);
    List<DecisionRecord> audit = lattice.audit();
    assertThat(audit)
        .filteredOn(d -> d.getEventId().equals("e2"))
        .hasSize(2)
        .allSatisfy(
            d -> {
              assertThat(d.getAllow()).isFalse();
              assertThat(d.getConsentVersion()).isEqualTo(2L);
            });
  }

  @Test
  void theLedgerHoldsOneVersionedStatePerMemberAndRejectsWhatCannotBeApplied() {
    lattice.consent(Fixtures.grant("c1", "m-1", "sharing", List.of("profile")));
    lattice.consent(Fixtures.grant("c2", "m-1", "telepathy", List.of()));
    lattice.consent(Fixtures.withdraw("c3", "m-1", "marketing"));
    lattice.consent(Fixtures.withdraw("c4", "m-1", "sharing"));

    List<ConsentState> ledger = lattice.read(topics.consentLedger(), ConsentState.class);
    assertThat(ledger).extracting(ConsentState::getVersion).containsExactly(1L, 2L);
    assertThat(ledger.get(1).getPurposes().get("sharing").getGranted()).isFalse();
    assertThat(
            lattice.read(
                topics.consentRejections(), dev.lattice.schemas.avro.ConsentRejection.class))
        .extracting(r -> r.getReasonCode())
        .containsExactly("consent.unknown_purpose", "consent.nothing_to_withdraw");
  }

  @Test
  void anUndecodableRecordIsQuarantinedWithItsKeyBytesHeadersPositionAndReason() {
    byte[] garbage = {1, 2, 3, 4};
    lattice.pipe(topics.memberData(), "m-1", new byte[] {9}, traceHeaders("t-0"));
    lattice.quarantine();

    lattice.pipe(topics.memberData(), "m-1", garbage, traceHeaders("t-1"));

    assertQuarantined(
        single(lattice.quarantine()),
        "record.undecodable",
        "",
        topics.memberData(),
        1,
        "m-1",
        garbage,
        "t-1");
    assertThat(lattice.audit()).isEmpty();
  }

  @Test
  void anEventWhoseMemberIdHasAControlCharacterIsQuarantinedAndNothingIsDelivered() {
    String member = "\u0001insights-since";
    byte[] value = encode(Fixtures.memberData("e1", "ski-club", member, "sharing"));

    lattice.pipe(topics.memberData(), member, value, traceHeaders("t-1"));

    assertQuarantined(
        single(lattice.quarantine()),
        "event.schema_violation",
        "header.subject_member contains a control character",
        topics.memberData(),
        0,
        member,
        value,
        "t-1");
    assertThat(lattice.audit()).isEmpty();
  }

  @Test
  void anEventFromAnUnknownNetworkIsQuarantinedAndNothingIsDelivered() {
    lattice.consent(Fixtures.grant("c1", "m-1", "sharing", List.of("profile")));
    byte[] value = encode(Fixtures.memberData("e1", "nowhere", "m-1", "sharing"));

    lattice.pipe(topics.memberData(), "m-1", value, traceHeaders("t-1"));

    assertQuarantined(
        single(lattice.quarantine()),
        "network.unknown",
        "source network nowhere is not registered",
        topics.memberData(),
        0,
        "m-1",
        value,
        "t-1");
    assertNothingDelivered();
    assertThat(lattice.audit()).isEmpty();
  }

  @Test
  void contentForARegisteredAndAnUnknownTargetNetworkReachesTheRegisteredOneAndIsDeniedTheOther() {
    contentNetworks();
    lattice.consent(Fixtures.grant("c1", "m-1", "sharing", List.of()));
    byte[] value =
        encode(
            Fixtures.content(
                "e1", "ski-club", "m-1", "sharing", List.of("book-circle", "atlantis")));

    lattice.pipe(topics.content(), "m-1", value, traceHeaders("t-1"));

    assertThat(lattice.quarantine())
        .as("an unknown destination is a decision, not a quarantine")
        .isEmpty();
    assertThat(lattice.readValues(topics.networkOut("book-circle"))).hasSize(1);
    assertThat(lattice.audit())
        .filteredOn(d -> d.getDestination().getId().equals("atlantis"))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.getAllow()).isFalse();
              assertThat(d.getReasons())
                  .extracting(r -> r.getCode())
                  .containsExactly("destination.unknown");
            });
  }

  @Test
  void anEventWhoseTypeDoesNotMatchItsTopicIsASchemaViolationAndNothingIsDelivered() {
    lattice.consent(Fixtures.grant("c1", "m-1", "sharing", List.of("profile")));
    MemberDataEvent e = Fixtures.memberData("e1", "ski-club", "m-1", "sharing");
    e.getHeader().setEventType("content");
    byte[] value = encode(e);

    lattice.pipe(topics.memberData(), "m-1", value, traceHeaders("t-1"));

    assertQuarantined(
        single(lattice.quarantine()),
        "event.schema_violation",
        "header.event_type is 'content' on a member_data topic",
        topics.memberData(),
        0,
        "m-1",
        value,
        "t-1");
    assertNothingDelivered();
    assertThat(lattice.audit()).isEmpty();
  }

  @Test
  void eventsNotKeyedByTheirMemberAreRepartitionedAndDecidedUnderThatMembersConsent() {
    lattice.consent(Fixtures.grant("c1", "m-1", "sharing", List.of("profile")));
    lattice.send(
        topics.memberData(), "m-9", Fixtures.memberData("e1", "ski-club", "m-1", "sharing"));
    lattice.send(
        topics.memberData(), null, Fixtures.memberData("e2", "ski-club", "m-1", "sharing"));

    assertThat(lattice.quarantine()).isEmpty();
    assertThat(lattice.audit())
        .hasSize(4)
        .allSatisfy(
            d -> {
              assertThat(lattice.memberOf(d.getMemberId())).isEqualTo("m-1");
              assertThat(d.getAllow()).isTrue();
              assertThat(d.getConsentVersion()).isEqualTo(1L);
            });
  }

  @Test
  void aPartnerNetworkThatIsNotRegisteredIsNeverACandidate() {
    lattice.network(
        Fixtures.network(
            "ski-club",
            Policies.SKI_CLUB.replace("[\"book-circle\"]", "[\"book-circle\", \"ghost\"]")));
    lattice.consent(Fixtures.grant("c1", "m-1", "sharing", List.of("profile")));
    lattice.send(
        topics.memberData(), "m-1", Fixtures.memberData("e1", "ski-club", "m-1", "sharing"));

    assertThat(lattice.audit())
        .extracting(d -> d.getDestination().getId())
        .containsExactlyInAnyOrder("book-circle", "acme");
  }

  @Test
  void anEventWithoutASubjectMemberIsASchemaViolationAndNothingIsDelivered() {
    lattice.consent(Fixtures.grant("c1", "m-1", "sharing", List.of("profile")));
    MemberDataEvent e = Fixtures.memberData("e1", "ski-club", "m-1", "sharing");
    e.getHeader().setSubjectMember(null);
    byte[] value = encode(e);

    lattice.pipe(topics.memberData(), "m-1", value, traceHeaders("t-1"));

    assertQuarantined(
        single(lattice.quarantine()),
        "event.schema_violation",
        "header.subject_member is required",
        topics.memberData(),
        0,
        "m-1",
        value,
        "t-1");
    assertNothingDelivered();
    assertThat(lattice.audit()).isEmpty();
  }

  @Test
  void sealedPersonalDataIsOpenedWithTheMembersKeyAndErasureDeniesWithMemberErased() {
    MemberKey key = MemberKeys.generate();
    lattice.send(
        topics.memberKeys(),
        "m-1",
        MemberKeyRecord.newBuilder()
            .setMemberId("m-1")
            .setKeyId("k1")
            .setKeyset(ByteBuffer.wrap(Fixtures.MASTER_KEY.wrap(key, "m-1")))
            .setCreatedAt(T0)
            .build());
    lattice.consent(Fixtures.grant("c1", "m-1", "sharing", List.of("profile", "interests")));
    MemberDataEvent sealed = Fixtures.memberData("e1", "ski-club", "m-1", "sharing");
    byte[] ciphertext =
        PayloadCipher.seal(key, "m-1", PersonalRecords.encode(sealed.getPersonal()));
    sealed.setPersonal(null);
    sealed.setSealed(new SealedPersonal("k1", ByteBuffer.wrap(ciphertext)));

    lattice.send(topics.memberData(), "m-1", sealed);
    List<byte[]> delivered = lattice.readValues(topics.networkOut("book-circle"));
    assertThat(delivered).hasSize(1);
    assertThat(decode(delivered.get(0)).getPersonal().getDisplayName()).isEqualTo("Ann");
    assertThat(decode(delivered.get(0)).getSealed()).isNull();

    lattice.pipe(topics.memberKeys(), "m-1", null);
    sealed.getHeader().setEventId("e2");
    lattice.send(topics.memberData(), "m-1", sealed);

    assertThat(lattice.readValues(topics.networkOut("book-circle"))).isEmpty();
    assertThat(lattice.audit())
        .filteredOn(d -> d.getEventId().equals("e2"))
        .hasSize(2)
        .allSatisfy(
            d ->
                assertThat(d.getReasons())
                    .extracting(r -> r.getCode())
                    .containsExactly("member.erased"));
  }

  @Test
  void offersReachConsentingMembersOfTargetNetworksButNotAfterAPurchaseOfTheProduct() {
    lattice.consent(Fixtures.grant("c1", "m-1", "offers", List.of()));
    lattice.consent(Fixtures.grant("c2", "m-2", "offers", List.of()));
    lattice.send(
        topics.memberData(), "m-1", Fixtures.memberData("e1", "ski-club", "m-1", "analytics"));
    lattice.send(
        topics.memberData(), "m-2", Fixtures.memberData("e2", "ski-club", "m-2", "analytics"));
    lattice.send(
        topics.memberData(), "m-3", Fixtures.memberData("e3", "ski-club", "m-3", "analytics"));
    lattice.send(
        topics.purchases(), "m-2", Fixtures.purchase("p1", "ski-club", "m-2", "acme", "SKI-001"));
    lattice.audit();

    lattice.send(
        topics.offers(),
        "o1",
        Fixtures.offer("o1", "acme", "SKI-001", "outdoor", List.of("ski-club")));

    List<OfferDelivery> deliveries =
        lattice.read(topics.networkOut("ski-club"), OfferDelivery.class);
    assertThat(deliveries).extracting(OfferDelivery::getMemberId).containsExactly("m-1");
    assertThat(lattice.audit())
        .extracting(
            d ->
                lattice.memberOf(d.getMemberId())
                    + ":"
                    + d.getAllow()
                    + ":"
                    + d.getReasons().stream().map(r -> r.getCode()).toList())
        .containsExactlyInAnyOrder(
            "m-1:true:[]",
            "m-2:false:[offer.recently_purchased]",
            "m-3:false:[consent.purpose_not_granted]");
  }

  @Test
  void anOfferForAnUnknownNetworkIsQuarantinedOnce() {
    lattice.send(
        topics.offers(),
        "o1",
        Fixtures.offer("o1", "acme", "SKI-001", "outdoor", List.of("atlantis")));

    assertThat(lattice.quarantine())
        .extracting(QuarantineRecord::getErrorClass)
        .containsExactly("network.unknown");
  }

  @Test
  void theFrequencyCapStopsTheFourthOfferWithinADay() {
    lattice.consent(Fixtures.grant("c1", "m-1", "offers", List.of()));
    lattice.send(
        topics.memberData(), "m-1", Fixtures.memberData("e1", "ski-club", "m-1", "analytics"));
    for (int i = 1; i <= 4; i++) {
      lattice.send(
          topics.offers(),
          "o" + i,
          Fixtures.offer("o" + i, "brand-" + i, "SKU-" + i, "outdoor", List.of("ski-club")));
    }

    assertThat(lattice.read(topics.networkOut("ski-club"), OfferDelivery.class)).hasSize(3);
    assertThat(lattice.audit())
        .filteredOn(d -> d.getEventId().equals("o4"))
        .singleElement()
        .satisfies(
            d ->
                assertThat(d.getReasons())
                    .extracting(r -> r.getCode())
                    .containsExactly("offer.frequency_cap"));
  }

  // ---------------------------------------------------------------- content

  /** Ski club and book circle letting content flow between them (both sides opted in). */
  private void contentNetworks() {
    lattice.network(Fixtures.network("ski-club", Policies.SKI_CLUB_WITH_CONTENT));
    lattice.network(Fixtures.network("book-circle", Policies.BOOK_CIRCLE_WITH_CONTENT));
  }

  @Test
  void consentedCrossNetworkContentReachesItsTargetWithOnlyTheGrantedCategories() {
    contentNetworks();
    lattice.consent(Fixtures.grant("c1", "m-1", "sharing", List.of("content", "location")));
    ContentEvent post =
        Fixtures.content("e1", "ski-club", "m-1", "sharing", List.of("book-circle"));
    post.getPersonal().setAuthorDisplayName("Ann");
    post.getPersonal().setTags(List.of("powder"));

    lattice.send(topics.content(), "m-1", post);

    List<byte[]> delivered = lattice.readValues(topics.networkOut("book-circle"));
    assertThat(delivered).hasSize(1);
    ContentEvent received = LatticeSerdes.codec(ContentEvent.class).decode(delivered.get(0));
    assertThat(received.getHeader().getEventId())
        .as("re-keyed for the destination")
        .startsWith("evt-")
        .isNotEqualTo("e1");
    assertThat(received.getPersonal().getTitle()).isEqualTo("Powder day");
    assertThat(received.getPersonal().getAuthorDisplayName()).as("profile not granted").isNull();
    assertThat(received.getPersonal().getTags()).as("interests not granted").isEmpty();
    assertThat(received.getPersonal().getPlace())
        .as("a free-text location cannot be generalised: removed")
        .isNull();
    assertThat(received.getHeader().getSubjectMember()).startsWith("p-");
    assertThat(lattice.readValues(topics.brandOut("acme")))
        .as("content goes to networks")
        .isEmpty();
    assertThat(lattice.audit())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.getAllow()).isTrue();
              assertThat(d.getDestination().getId()).isEqualTo("book-circle");
              assertThat(d.getObligations().getRedact())
                  .contains("payload.author_display_name", "payload.tags");
            });
  }

  @Test
  void contentIsDeniedAndNotDeliveredWhenNeitherNetworkLetsContentCross() {
    lattice.consent(Fixtures.grant("c1", "m-1", "sharing", List.of()));

    lattice.send(
        topics.content(),
        "m-1",
        Fixtures.content("e1", "ski-club", "m-1", "sharing", List.of("book-circle")));

    assertNothingDelivered();
    assertThat(lattice.audit())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.getAllow()).isFalse();
              assertThat(d.getReasons())
                  .extracting(r -> r.getCode())
                  .contains("network.content_export_denied", "network.content_import_denied");
            });
  }

  @Test
  void contentWithoutConsentIsDeniedAndNotDelivered() {
    contentNetworks();

    lattice.send(
        topics.content(),
        "m-1",
        Fixtures.content("e1", "ski-club", "m-1", "sharing", List.of("book-circle")));

    assertNothingDelivered();
    assertThat(lattice.audit())
        .singleElement()
        .satisfies(
            d ->
                assertThat(d.getReasons())
                    .extracting(r -> r.getCode())
                    .containsExactly("consent.purpose_not_granted"));
  }

  // ---------------------------------------------------------------- fail closed

  /** Restarts the topology on {@code decisions} (a public seam: the service it is built with). */
  private void decidingWith(DecisionService decisions) {
    lattice.close();
    lattice =
        new LatticeDriver(
            LatticeTopology.build(
                TopologySettings.of(decisions, SECRET)
                    .withInMemoryStores()
                    .withMasterKey(Fixtures.MASTER_KEY)),
            topics,
            T0);
    lattice.network(Fixtures.network("ski-club", Policies.SKI_CLUB));
    lattice.network(Fixtures.network("book-circle", Policies.BOOK_CIRCLE));
  }

  @Test
  void whenTheDecisionServiceThrowsEveryDestinationIsDeniedTheEventQuarantinedNothingDelivered() {
    decidingWith(new FaultInjectingDecisions(policy).throwOn("e2"));
    lattice.consent(Fixtures.grant("c1", "m-1", "sharing", List.of("profile")));
    byte[] value = encode(Fixtures.memberData("e2", "ski-club", "m-1", "sharing"));

    lattice.pipe(topics.memberData(), "m-1", value, traceHeaders("t-2"));

    assertNothingDelivered();
    assertThat(lattice.audit())
        .hasSize(2)
        .allSatisfy(
            d -> {
              assertThat(d.getEventId()).isEqualTo("e2");
              assertThat(d.getAllow()).isFalse();
              assertThat(d.getReasons())
                  .extracting(r -> r.getCode())
                  .containsExactly("policy.error");
            });
    assertQuarantined(
        single(lattice.quarantine()),
        "policy.error",
        "policy evaluation failed",
        topics.memberData(),
        0,
        "m-1",
        value,
        "t-2");
  }

  @Test
  void anAllowWhoseObligationCannotBeCarriedOutBecomesADenyAndTheEventIsQuarantined() {
    decidingWith(new FaultInjectingDecisions(policy).allowWithUnenforceableObligationOn("e3"));
    byte[] value = encode(Fixtures.memberData("e3", "ski-club", "m-1", "sharing"));

    lattice.pipe(topics.memberData(), "m-1", value, traceHeaders("t-3"));

    assertNothingDelivered();
    assertThat(lattice.audit())
        .hasSize(2)
        .allSatisfy(
            d -> {
              assertThat(d.getAllow()).isFalse();
              assertThat(d.getReasons())
                  .extracting(r -> r.getCode())
                  .containsExactly("obligation.unenforceable");
              assertThat(d.getObligations().getRedact()).as("nothing was applied").isEmpty();
            });
    assertQuarantined(
        single(lattice.quarantine()),
        "obligation.unenforceable",
        "payload.no_such_field",
        topics.memberData(),
        0,
        "m-1",
        value,
        "t-3");
  }

  @Test
  void anOfferWhoseObligationCannotBeCarriedOutIsDeniedQuarantinedAndNotDelivered() {
    decidingWith(new FaultInjectingDecisions(policy).allowWithUnenforceableObligationOn("o1"));
    lattice.consent(Fixtures.grant("c1", "m-1", "offers", List.of()));
    lattice.send(
        topics.memberData(), "m-1", Fixtures.memberData("e1", "ski-club", "m-1", "analytics"));
    lattice.audit();
    byte[] value = encode(Fixtures.offer("o1", "acme", "SKI-001", "outdoor", List.of("ski-club")));

    lattice.pipe(topics.offers(), "o1", value, traceHeaders("t-o1"));

    assertThat(lattice.readValues(topics.networkOut("ski-club"))).isEmpty();
    assertThat(lattice.audit())
        .singleElement()
        .satisfies(
            d ->
                assertThat(d.getReasons())
                    .extracting(r -> r.getCode())
                    .containsExactly("obligation.unenforceable"));
    assertQuarantined(
        single(lattice.quarantine()),
        "obligation.unenforceable",
        "network ski-club",
        topics.offers(),
        0,
        "o1",
        value,
        "t-o1");
  }

  @Test
  void sealedDataOfAMemberWhoseKeyWasNeverSeenIsDeniedAndNotDelivered() {
    lattice.consent(Fixtures.grant("c1", "m-1", "sharing", List.of("profile", "interests")));

    lattice.send(topics.memberData(), "m-1", sealed("e1", MemberKeys.generate()));

    assertNothingDelivered();
    assertThat(lattice.audit())
        .hasSize(2)
        .allSatisfy(
            d -> {
              assertThat(d.getAllow()).isFalse();
              assertThat(d.getReasons())
                  .extracting(r -> r.getCode())
                  .containsExactly("member.key_unavailable");
            });
    assertThat(lattice.quarantine()).isEmpty();
  }

  @Test
  void sealedDataThatTheMembersKeyCannotOpenIsQuarantinedDeniedAndNotDelivered() {
    publishKey("m-1", MemberKeys.generate());
    lattice.consent(Fixtures.grant("c1", "m-1", "sharing", List.of("profile", "interests")));
    byte[] value = encode(sealed("e1", MemberKeys.generate()));

    lattice.pipe(topics.memberData(), "m-1", value, traceHeaders("t-1"));

    assertNothingDelivered();
    assertThat(lattice.audit())
        .hasSize(2)
        .allSatisfy(
            d -> {
              assertThat(d.getAllow()).isFalse();
              assertThat(d.getReasons())
                  .extracting(r -> r.getCode())
                  .containsExactly("event.sealed_data_unreadable");
            });
    assertQuarantined(
        single(lattice.quarantine()),
        "event.sealed_data_unreadable",
        "",
        topics.memberData(),
        0,
        "m-1",
        value,
        "t-1");
  }

  @Test
  void aKeyPublishedAfterErasureIsIgnoredAndTheMembersSealedDataStaysUnreadable() {
    publishKey("m-1", MemberKeys.generate());
    lattice.consent(
        ConsentCommand.newBuilder(Fixtures.withdraw("c1", "m-1", null))
            .setAction(ConsentAction.ERASE)
            .build());
    List<TestRecord<byte[], byte[]>> shredded = lattice.readRecords(topics.memberKeys());
    MemberKey after = MemberKeys.generate();
    publishKey("m-1", after);
    lattice.consent(Fixtures.grant("c2", "m-1", "sharing", List.of("profile", "interests")));

    lattice.send(topics.memberData(), "m-1", sealed("e1", after));

    assertThat(shredded)
        .as("erasure publishes a tombstone for the member's key")
        .singleElement()
        .satisfies(
            r -> {
              assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("m-1");
              assertThat(r.value()).isNull();
            });
    assertNothingDelivered();
    assertThat(lattice.audit())
        .hasSize(2)
        .allSatisfy(
            d ->
                assertThat(d.getReasons())
                    .extracting(r -> r.getCode())
                    .containsExactly("member.erased"));
  }

  // ---------------------------------------------------------------- helpers

  private void publishKey(String member, MemberKey key) {
    lattice.send(
        topics.memberKeys(),
        member,
        MemberKeyRecord.newBuilder()
            .setMemberId(member)
            .setKeyId("k-" + UUID.randomUUID())
            .setKeyset(ByteBuffer.wrap(Fixtures.MASTER_KEY.wrap(key, member)))
            .setCreatedAt(T0)
            .build());
  }

  /** Member data of m-1 whose personal part is sealed with {@code key}. */
  private static MemberDataEvent sealed(String eventId, MemberKey key) {
    MemberDataEvent e = Fixtures.memberData(eventId, "ski-club", "m-1", "sharing");
    byte[] ciphertext = PayloadCipher.seal(key, "m-1", PersonalRecords.encode(e.getPersonal()));
    e.setPersonal(null);
    e.setSealed(new SealedPersonal("k", ByteBuffer.wrap(ciphertext)));
    return e;
  }

  /** Reads both output topics a member-data event could reach. */
  private void assertNothingDelivered() {
    assertThat(lattice.readValues(topics.networkOut("book-circle")))
        .as("delivered to book-circle")
        .isEmpty();
    assertThat(lattice.readValues(topics.brandOut("acme"))).as("delivered to acme").isEmpty();
  }

  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecord> byte[] encode(T record) {
    return LatticeSerdes.codec((Class<T>) record.getClass()).encode(record);
  }

  private static Headers traceHeaders(String trace) {
    Headers h = new RecordHeaders();
    h.add("trace-id", trace.getBytes(StandardCharsets.UTF_8));
    h.add("empty", null);
    return h;
  }

  private static QuarantineRecord single(List<QuarantineRecord> q) {
    assertThat(q).hasSize(1);
    return q.get(0);
  }

  /** Every field a quarantine record keeps of the original record, and the reason. */
  private static void assertQuarantined(
      QuarantineRecord q,
      String errorClass,
      String messageContains,
      String topic,
      long offset,
      String key,
      byte[] value,
      String trace) {
    assertThat(q.getErrorClass()).isEqualTo(errorClass);
    assertThat(q.getErrorMessage()).isNotBlank().contains(messageContains);
    assertThat(q.getTopic()).isEqualTo(topic);
    assertThat(q.getPartition()).isZero();
    assertThat(q.getOffset()).isEqualTo(offset);
    assertThat(new String(bytes(q.getOriginalKey()), StandardCharsets.UTF_8)).isEqualTo(key);
    assertThat(bytes(q.getOriginalValue())).isEqualTo(value);
    assertThat(q.getHeaders())
        .extracting(
            h ->
                h.getKey()
                    + "="
                    + (h.getValue() == null
                        ? null
                        : new String(bytes(h.getValue()), StandardCharsets.UTF_8)))
        .containsExactly("trace-id=" + trace, "empty=null");
  }

  private static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }
}
