package dev.lattice.streams;

import static dev.lattice.streams.support.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.policy.DecisionService;
import dev.lattice.schemas.LatticeSerdes;
import dev.lattice.schemas.PersonalRecords;
import dev.lattice.schemas.avro.ConsentState;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.MemberKeyRecord;
import dev.lattice.schemas.avro.OfferDelivery;
import dev.lattice.schemas.avro.QuarantineRecord;
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
  void anUndecodableRecordIsQuarantinedWithItsBytesAndPosition() {
    byte[] garbage = {1, 2, 3, 4};
    lattice.pipe(topics.memberData(), "m-1", garbage);

    List<QuarantineRecord> q = lattice.quarantine();
    assertThat(q).hasSize(1);
    assertThat(q.get(0).getErrorClass()).isEqualTo("record.undecodable");
    assertThat(q.get(0).getTopic()).isEqualTo(topics.memberData());
    assertThat(q.get(0).getOffset()).isZero();
    assertThat(bytes(q.get(0).getOriginalValue())).isEqualTo(garbage);
    assertThat(lattice.audit()).isEmpty();
  }

  @Test
  void anEventFromAnUnknownNetworkIsQuarantinedAndNothingIsDelivered() {
    lattice.consent(Fixtures.grant("c1", "m-1", "sharing", List.of("profile")));
    lattice.send(
        topics.memberData(), "m-1", Fixtures.memberData("e1", "nowhere", "m-1", "sharing"));

    assertThat(lattice.quarantine())
        .extracting(QuarantineRecord::getErrorClass)
        .containsExactly("network.unknown");
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
  void anEventWithoutASubjectMemberIsASchemaViolation() {
    MemberDataEvent e = Fixtures.memberData("e1", "ski-club", "m-1", "sharing");
    e.getHeader().setSubjectMember(null);
    lattice.send(topics.memberData(), "m-1", e);

    assertThat(lattice.quarantine())
        .extracting(QuarantineRecord::getErrorClass)
        .containsExactly("event.schema_violation");
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
            .setKeyset(ByteBuffer.wrap(key.toBytes()))
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

  private static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }
}
