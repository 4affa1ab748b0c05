package dev.lattice.streams;

import static dev.lattice.streams.support.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.policy.DecisionService;
import dev.lattice.policy.bundle.BundleBuilder;
import dev.lattice.schemas.LatticeSerdes;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.OfferDelivery;
import dev.lattice.schemas.avro.OfferEvent;
import dev.lattice.schemas.avro.PolicyBundleRecord;
import dev.lattice.schemas.avro.QuarantineRecord;
import dev.lattice.streams.support.Fixtures;
import dev.lattice.streams.support.LatticeDriver;
import dev.lattice.streams.support.Policies;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bundles arrive on lattice.policy.bundles; a small custom Rego bundle makes evaluation fail on
 * demand.
 */
class PolicyBundlesTopologyTest {
  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final String OK = "{\"redact\": [], \"pseudonymize\": [], \"generalize\": {}}";

  /**
   * Allows everything except events of kind "poison", on which two complete definitions conflict.
   */
  private static final String FRAGILE_POLICY =
      """
      package lattice
      import rego.v1

      decision := {"allow": true, "reasons": [], "obligations": %s} if input.event.payload.kind != "poison"

      decision := {"allow": true, "reasons": [], "obligations": %s} if input.event.payload.kind == "poison"

      decision := {"allow": false, "reasons": [{"code": "x", "message": "x"}], "obligations": %s} if {
        input.event.payload.kind == "poison"
      }
      """
          .formatted(OK, OK, OK);

  /**
   * Allows every offer except those of brand "chaos", for which two complete definitions of the
   * decision conflict (an evaluation error, as a policy bug would cause).
   */
  private static final String FRAGILE_OFFER_POLICY =
      """
      package lattice
      import rego.v1

      decision := {"allow": true, "reasons": [], "obligations": %s} if input.event.brand_id != "chaos"

      decision := {"allow": true, "reasons": [], "obligations": %s} if input.event.brand_id == "chaos"

      decision := {"allow": false, "reasons": [{"code": "x", "message": "x"}], "obligations": %s} if {
        input.event.brand_id == "chaos"
      }
      """
          .formatted(OK, OK, OK);

  private final TopicNames topics = TopicNames.defaults();
  private DecisionService policy;
  private LatticeDriver lattice;

  @BeforeEach
  void start() {
    policy = Policies.freshDefaultBundle();
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

  private void publish(String revision, Map<String, String> files) {
    Map<String, byte[]> bytes = new java.util.LinkedHashMap<>();
    bytes.put(
        ".manifest",
        ("{\"revision\": \"" + revision + "\", \"roots\": [\"lattice\"]}")
            .getBytes(StandardCharsets.UTF_8));
    files.forEach((name, text) -> bytes.put(name, text.getBytes(StandardCharsets.UTF_8)));
    lattice.send(
        topics.policyBundles(),
        revision,
        PolicyBundleRecord.newBuilder()
            .setRevision(revision)
            .setBundle(ByteBuffer.wrap(BundleBuilder.tarGz(bytes)))
            .setStatus("published")
            .setPublishedAt(T0)
            .build());
  }

  private MemberDataEvent event(String id, String kind) {
    MemberDataEvent e = Fixtures.memberData(id, "ski-club", "m-1", "sharing");
    e.setKind(kind);
    return e;
  }

  @Test
  void aPublishedBundleDecidesTheNextEvents() {
    publish("fragile-1", Map.of("lattice/decision.rego", FRAGILE_POLICY));

    lattice.send(topics.memberData(), "m-1", event("e1", "profile"));

    assertThat(lattice.audit())
        .hasSize(2)
        .allSatisfy(
            d -> {
              assertThat(d.getAllow()).isTrue();
              assertThat(d.getBundleRevision()).isEqualTo("fragile-1");
            });
    assertThat(lattice.readValues(topics.networkOut("book-circle"))).hasSize(1);
  }

  @Test
  void aPolicyErrorQuarantinesTheEventDeniesEveryDestinationAndDeliversNothing() {
    publish("fragile-1", Map.of("lattice/decision.rego", FRAGILE_POLICY));

    lattice.send(topics.memberData(), "m-1", event("e1", "poison"));

    assertThat(lattice.quarantine())
        .extracting(QuarantineRecord::getErrorClass)
        .containsExactly("policy.error");
    assertThat(lattice.readValues(topics.networkOut("book-circle"))).isEmpty();
    assertThat(lattice.readValues(topics.brandOut("acme"))).isEmpty();
    List<DecisionRecord> audit = lattice.audit();
    assertThat(audit).hasSize(2).allSatisfy(d -> assertThat(d.getAllow()).isFalse());
  }

  @Test
  void aBundleThatDoesNotCompileNeverReplacesTheActiveOne() {
    publish("fragile-1", Map.of("lattice/decision.rego", FRAGILE_POLICY));
    publish(
        "broken-2", Map.of("lattice/decision.rego", "package lattice\n\ndecision := {{{ not rego"));

    lattice.send(topics.memberData(), "m-1", event("e1", "profile"));

    assertThat(policy.activeRevision()).isEqualTo("fragile-1");
    assertThat(lattice.audit())
        .extracting(DecisionRecord::getBundleRevision)
        .containsOnly("fragile-1");
  }

  @Test
  void aPolicyErrorOnAnOfferQuarantinesItDeniesEveryMemberAndDeliversNothing() {
    publish("fragile-offers-1", Map.of("lattice/decision.rego", FRAGILE_OFFER_POLICY));
    for (String member : List.of("m-1", "m-2")) {
      lattice.send(
          topics.memberData(),
          member,
          Fixtures.memberData("seen-" + member, "ski-club", member, "analytics"));
    }
    lattice.send(
        topics.offers(),
        "o1",
        Fixtures.offer("o1", "acme", "SKI-1", "outdoor", List.of("ski-club")));
    assertThat(lattice.read(topics.networkOut("ski-club"), OfferDelivery.class))
        .as("the fragile policy allows other brands' offers")
        .hasSize(2);
    lattice.audit();
    byte[] offer =
        LatticeSerdes.codec(OfferEvent.class)
            .encode(Fixtures.offer("o2", "chaos", "SKI-2", "outdoor", List.of("ski-club")));

    lattice.pipe(topics.offers(), "o2", offer);

    assertThat(lattice.readValues(topics.networkOut("ski-club"))).isEmpty();
    assertThat(lattice.audit())
        .hasSize(2)
        .allSatisfy(
            d -> {
              assertThat(d.getEventId()).isEqualTo("o2");
              assertThat(d.getAllow()).isFalse();
              assertThat(d.getReasons())
                  .extracting(r -> r.getCode())
                  .containsExactly("policy.error");
            });
    assertThat(lattice.quarantine())
        .singleElement()
        .satisfies(
            q -> {
              assertThat(q.getErrorClass()).isEqualTo("policy.error");
              assertThat(q.getErrorMessage()).contains("offer");
              assertThat(q.getTopic()).isEqualTo(topics.offers());
              assertThat(q.getOffset()).isEqualTo(1L);
              assertThat(q.getOriginalKey())
                  .isEqualTo(ByteBuffer.wrap("o2".getBytes(StandardCharsets.UTF_8)));
              assertThat(q.getOriginalValue()).isEqualTo(ByteBuffer.wrap(offer));
            });
  }
}
