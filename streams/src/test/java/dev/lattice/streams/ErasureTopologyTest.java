package dev.lattice.streams;

import static dev.lattice.streams.support.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.policy.DecisionService;
import dev.lattice.schemas.LatticeSerdes;
import dev.lattice.schemas.PersonalRecords;
import dev.lattice.schemas.avro.ConsentAction;
import dev.lattice.schemas.avro.ConsentCommand;
import dev.lattice.schemas.avro.ConsentState;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.MemberKeyRecord;
import dev.lattice.schemas.avro.SealedPersonal;
import dev.lattice.streams.internal.StoreNames;
import dev.lattice.streams.support.Fixtures;
import dev.lattice.streams.support.LatticeDriver;
import dev.lattice.streams.support.Policies;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Point 3 of the privacy core: after an erasure, no store and no topic that the topology writes
 * yields the member's id or personal values, apart from the erasure receipt (the member's consent
 * state reduced to the erasure entry, and the marker that their key is gone for good).
 */
class ErasureTopologyTest {
  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final String MEMBER = "m-erased-1";
  private static final String EMAIL = "ann@example.org";
  private static final String SKU = "SKU-SECRET-42";

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

  /** A member with a key, consents, shared (sealed) data, a purchase, offers and decisions. */
  private void aMemberWithHistory() {
    MemberKey key = MemberKeys.generate();
    lattice.send(
        topics.memberKeys(),
        MEMBER,
        MemberKeyRecord.newBuilder()
            .setMemberId(MEMBER)
            .setKeyId("k1")
            .setKeyset(ByteBuffer.wrap(key.toBytes()))
            .setCreatedAt(T0)
            .build());
    lattice.consent(
        Fixtures.grant("c1", MEMBER, "sharing", List.of("profile", "contact", "interests")));
    lattice.consent(Fixtures.grant("c2", MEMBER, "offers", List.of()));
    lattice.consent(Fixtures.withdraw("c3", MEMBER, "research")); // rejected: nothing to withdraw
    MemberDataEvent sealed = Fixtures.memberData("e1", "ski-club", MEMBER, "sharing");
    byte[] ciphertext =
        PayloadCipher.seal(key, MEMBER, PersonalRecords.encode(sealed.getPersonal()));
    sealed.setPersonal(null);
    sealed.setSealed(new SealedPersonal("k1", ByteBuffer.wrap(ciphertext)));
    lattice.send(topics.memberData(), MEMBER, sealed);
    lattice.send(
        topics.purchases(), MEMBER, Fixtures.purchase("p1", "ski-club", MEMBER, "acme", SKU));
    lattice.send(
        topics.offers(), "o1", Fixtures.offer("o1", "acme", SKU, "outdoor", List.of("ski-club")));
    lattice.send(
        topics.offers(),
        "o2",
        Fixtures.offer("o2", "globex", "SKU-2", "outdoor", List.of("ski-club")));
  }

  private void erase() {
    lattice.consent(
        ConsentCommand.newBuilder()
            .setCommandId("erase-1")
            .setMemberId(MEMBER)
            .setAction(ConsentAction.ERASE)
            .setIssuedAt(T0)
            .build());
  }

  @Test
  void afterAnErasureNoStoreHoldsTheMembersIdOrValuesBeyondTheErasureReceipt() {
    aMemberWithHistory();
    assertThat(storeEntriesMentioning(MEMBER)).as("the walk finds the member before").isNotEmpty();

    erase();

    Map<String, List<String>> found = new LinkedHashMap<>();
    for (String needle : List.of(MEMBER, EMAIL, SKU)) {
      for (String hit : storeEntriesMentioning(needle)) {
        found.computeIfAbsent(needle, k -> new ArrayList<>()).add(hit);
      }
    }
    assertThat(found.getOrDefault(EMAIL, List.of())).isEmpty();
    assertThat(found.getOrDefault(SKU, List.of())).isEmpty();
    assertThat(found.getOrDefault(MEMBER, List.of()))
        .as("only the erasure receipt: consent state and the key-gone-for-good marker")
        .allMatch(
            hit ->
                hit.startsWith(StoreNames.CONSENT + ":")
                    || hit.startsWith(StoreNames.MEMBER_KEYS + ":"));
    ConsentState receipt =
        LatticeSerdes.codec(ConsentState.class)
            .decode(
                lattice.driver().<String, byte[]>getKeyValueStore(StoreNames.CONSENT).get(MEMBER));
    assertThat(receipt.getPurposes()).isEmpty();
    assertThat(receipt.getHistory())
        .singleElement()
        .satisfies(h -> assertThat(h.getAction()).isEqualTo(ConsentAction.ERASE));
  }

  @Test
  void theAuditRejectionsBrandTopicsAndQuarantineNeverCarryTheMembersIdOrValues() {
    aMemberWithHistory();
    erase();

    for (String topic :
        List.of(
            topics.audit(),
            topics.consentRejections(),
            topics.quarantine(),
            topics.brandOut("acme"),
            topics.brandOut("globex"))) {
      for (TestRecord<byte[], byte[]> r : lattice.readRecords(topic)) {
        String text = text(r.key()) + " " + text(r.value());
        assertThat(text)
            .as("a record on %s", topic)
            .doesNotContain(MEMBER)
            .doesNotContain(EMAIL)
            .doesNotContain(SKU);
      }
    }
  }

  @Test
  void afterAnErasureTheMembersDecisionsAreNoLongerFoundByMember() {
    aMemberWithHistory();
    KeyValueStore<String, byte[]> refs = lattice.driver().getKeyValueStore(StoreNames.MEMBER_REFS);
    String ref = new String(refs.get(MEMBER), StandardCharsets.UTF_8);

    erase();

    assertThat(refs.get(MEMBER)).isNull();
    KeyValueStore<String, byte[]> byMember =
        lattice.driver().getKeyValueStore(StoreNames.DECISIONS_BY_MEMBER);
    try (var it = byMember.all()) {
      it.forEachRemaining(kv -> assertThat(kv.key).doesNotStartWith(ref));
    }
  }

  /** Every store entry (as "store:key") whose key or value contains {@code needle}. */
  private List<String> storeEntriesMentioning(String needle) {
    List<String> hits = new ArrayList<>();
    for (Map.Entry<String, StateStore> e : lattice.driver().getAllStateStores().entrySet()) {
      if (!(e.getValue() instanceof KeyValueStore<?, ?> store)) {
        continue;
      }
      try (var it = store.all()) {
        while (it.hasNext()) {
          var kv = it.next();
          String text = String.valueOf(kv.key) + " " + text(kv.value);
          if (text.contains(needle)) {
            hits.add(e.getKey() + ":" + kv.key);
          }
        }
      }
    }
    return hits;
  }

  private static String text(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof byte[] b) {
      return new String(b, StandardCharsets.ISO_8859_1);
    }
    return value.toString();
  }
}
