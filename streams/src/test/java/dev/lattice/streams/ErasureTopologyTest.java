package dev.lattice.streams;

import static dev.lattice.streams.support.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.policy.DecisionService;
import dev.lattice.schemas.LatticeSerdes;
import dev.lattice.schemas.PersonalRecords;
import dev.lattice.schemas.avro.ConsentAction;
import dev.lattice.schemas.avro.ConsentState;
import dev.lattice.schemas.avro.DecisionRecord;
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
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.SessionStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStore;
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
  private static final String NAME = "Annabel Erasedottir";

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

  /**
   * A member with a key, consents, shared (sealed) data, a purchase, offers (one for the product
   * they bought: denied, its sku sealed in the audit) and decisions. Returns the member's key.
   */
  private MemberKey aMemberWithHistory() {
    MemberKey key = MemberKeys.generate();
    lattice.send(
        topics.memberKeys(),
        MEMBER,
        MemberKeyRecord.newBuilder()
            .setMemberId(MEMBER)
            .setKeyId("k1")
            .setKeyset(ByteBuffer.wrap(Fixtures.MASTER_KEY.wrap(key, MEMBER)))
            .setCreatedAt(T0)
            .build());
    lattice.consent(
        Fixtures.grant("c1", MEMBER, "sharing", List.of("profile", "contact", "interests")));
    lattice.consent(Fixtures.grant("c2", MEMBER, "offers", List.of()));
    lattice.consent(Fixtures.withdraw("c3", MEMBER, "research")); // rejected: nothing to withdraw
    MemberDataEvent sealed = Fixtures.memberData("e1", "ski-club", MEMBER, "sharing");
    sealed.getPersonal().setEmail(EMAIL);
    sealed.getPersonal().setDisplayName(NAME);
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
    return key;
  }

  private void erase() {
    lattice.consent(Fixtures.erase("erase-1", MEMBER));
  }

  /**
   * Logs are not erased, so the topology never writes a member's id or values to them: a member's
   * whole history, a rejected command, the erasure and a key published after it, logged at DEBUG.
   */
  @Test
  void theTopologyLogsNoneOfTheMembersIdOrValues() {
    ch.qos.logback.classic.Logger lattice =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.lattice");
    ch.qos.logback.classic.Level level = lattice.getLevel();
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
        new ch.qos.logback.core.read.ListAppender<>();
    logged.start();
    lattice.setLevel(ch.qos.logback.classic.Level.DEBUG);
    lattice.addAppender(logged);
    try {
      aMemberWithHistory();
      erase();
      this.lattice.send(
          topics.memberKeys(),
          MEMBER,
          Fixtures.keyRecord(MEMBER, "k2", MemberKeys.generate())); // ignored: erased
    } finally {
      lattice.detachAppender(logged);
      lattice.setLevel(level);
    }

    assertThat(logged.list).as("the scenario logs something").isNotEmpty();
    assertThat(logged.list)
        .extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
        .noneMatch(
            line ->
                line.contains(MEMBER)
                    || line.contains(EMAIL)
                    || line.contains(SKU)
                    || line.contains(NAME));
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
  void afterAnErasureNoTopicTheTopologyWritesYieldsTheMembersIdValuesOrKey() {
    MemberKey key = aMemberWithHistory();
    erase();

    Map<String, byte[]> needles = needles(key);
    Set<String> produced = lattice.driver().producedTopicNames();
    assertThat(produced)
        .as("the walk covers the outputs, the ledger, the keys topic and the changelogs")
        .contains(
            topics.audit(),
            topics.consentLedger(),
            topics.memberKeys(),
            topics.networkOut("ski-club"),
            topics.networkOut("book-circle"),
            topics.brandOut("acme"))
        .anyMatch(t -> t.endsWith("-changelog"));
    List<String> hits = new ArrayList<>();
    for (String topic : produced) {
      List<TestRecord<byte[], byte[]>> records = lattice.readRecords(topic);
      if (topic.contains("-repartition")) {
        continue; // internal hand-over, purged by Kafka Streams once committed (docs/privacy.md)
      }
      if (compacted(topic)) {
        // What the log cleaner leaves: the latest record per key, tombstones dropped once
        // delete.retention.ms has passed (a minute on the member-keyed topics: docs/privacy.md).
        Map<String, TestRecord<byte[], byte[]>> latest = new LinkedHashMap<>();
        records.forEach(r -> latest.put(new String(r.key(), StandardCharsets.ISO_8859_1), r));
        latest.values().removeIf(r -> r.value() == null);
        records = new ArrayList<>(latest.values());
      }
      for (TestRecord<byte[], byte[]> r : records) {
        for (Map.Entry<String, byte[]> n : needles.entrySet()) {
          if (contains(r.key(), n.getValue()) || contains(r.value(), n.getValue())) {
            hits.add(topic + " holds the member's " + n.getKey());
          }
        }
      }
    }

    assertThat(hits)
        .as(
            "only the erasure receipt (consent ledger), the member's own network (it knows its"
                + " member) and the profile the member shared with a partner network and a brand"
                + " before the erasure")
        .allMatch(
            hit ->
                hit.equals(topics.consentLedger() + " holds the member's id")
                    || hit.startsWith(changelogOf(StoreNames.CONSENT) + " holds the member's id")
                    || hit.startsWith(
                        changelogOf(StoreNames.MEMBER_KEYS) + " holds the member's id")
                    || hit.equals(topics.networkOut("ski-club") + " holds the member's id")
                    || hit.equals(topics.networkOut("book-circle") + " holds the member's email")
                    || hit.equals(topics.networkOut("book-circle") + " holds the member's name")
                    || hit.equals(topics.brandOut("acme") + " holds the member's name"));
  }

  @Test
  void noStoreOrTopicEverHoldsTheMembersKeyUnwrapped() {
    MemberKey key = aMemberWithHistory();
    byte[] raw = RawKeys.aesKeyBytes(key);

    assertThat(storeEntriesContaining(raw)).isEmpty();
    for (String topic : lattice.driver().producedTopicNames()) {
      for (TestRecord<byte[], byte[]> r : lattice.readRecords(topic)) {
        assertThat(contains(r.value(), raw)).as("a record on %s", topic).isFalse();
      }
    }
    byte[] stored =
        lattice.driver().<String, byte[]>getKeyValueStore(StoreNames.MEMBER_KEYS).get(MEMBER);
    assertThat(stored).as("the key store holds the wrapped key").isNotEmpty();
  }

  @Test
  void aRetargetingDenyNamesNoSkuAndSealsItWithTheMembersKey() {
    MemberKey key = aMemberWithHistory();

    DecisionRecord denied =
        lattice.audit().stream()
            .filter(d -> d.getEventId().equals("o1"))
            .filter(d -> d.getDestination().getId().equals("ski-club"))
            .findFirst()
            .orElseThrow();

    assertThat(denied.getAllow()).isFalse();
    assertThat(denied.getReasons())
        .anySatisfy(
            r -> {
              assertThat(r.getCode()).isEqualTo("offer.recently_purchased");
              assertThat(r.getMessage()).contains("a product the member bought");
            })
        .allSatisfy(r -> assertThat(r.getMessage()).doesNotContain(SKU).doesNotContain("2026"));
    assertThat(denied.getSealedDetail()).isNotNull();
    String ref = denied.getMemberId();
    byte[] detail =
        PayloadCipher.unseal(key, MEMBER, bytes(denied.getSealedDetail().getCiphertext()));
    assertThat(new String(detail, StandardCharsets.UTF_8))
        .contains("offer.recently_purchased")
        .contains(SKU)
        .contains("purchased_at");
    assertThat(ref).doesNotContain(MEMBER);
  }

  private Map<String, byte[]> needles(MemberKey key) {
    Map<String, byte[]> needles = new LinkedHashMap<>();
    needles.put("id", MEMBER.getBytes(StandardCharsets.UTF_8));
    needles.put("email", EMAIL.getBytes(StandardCharsets.UTF_8));
    needles.put("name", NAME.getBytes(StandardCharsets.UTF_8));
    needles.put("purchased sku", SKU.getBytes(StandardCharsets.UTF_8));
    needles.put("unwrapped key", RawKeys.aesKeyBytes(key));
    return needles;
  }

  private boolean compacted(String topic) {
    return topic.endsWith("-changelog")
        || topic.equals(topics.consentLedger())
        || topic.equals(topics.memberKeys());
  }

  private static String changelogOf(String store) {
    return "lattice-test-" + store + "-changelog";
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    return RawKeys.contains(haystack, needle);
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer dup = buffer.duplicate();
    byte[] out = new byte[dup.remaining()];
    dup.get(out);
    return out;
  }

  /** Every store entry (as "store:key") whose key or value holds {@code needle}. */
  private List<String> storeEntriesContaining(byte[] needle) {
    List<String> hits = new ArrayList<>();
    for (Map.Entry<String, StateStore> e : lattice.driver().getAllStateStores().entrySet()) {
      try (KeyValueIterator<?, ?> it = iterate(e.getValue())) {
        while (it.hasNext()) {
          var kv = it.next();
          if (contains(raw(kv.key), needle) || contains(raw(kv.value), needle)) {
            hits.add(e.getKey() + ":" + kv.key);
          }
        }
      }
    }
    return hits;
  }

  /** Every entry of a key-value, window or session store. */
  private static KeyValueIterator<?, ?> iterate(StateStore store) {
    return switch (store) {
      case KeyValueStore<?, ?> kv -> kv.all();
      case WindowStore<?, ?> w -> w.all();
      case SessionStore<?, ?> ss -> ss.findSessions(0, Long.MAX_VALUE);
      default -> throw new AssertionError("the walk does not know store " + store.name() + " yet");
    };
  }

  /** The bytes a store key or value holds. */
  private static byte[] raw(Object o) {
    return switch (o) {
      case null -> new byte[0];
      case byte[] b -> b;
      case Bytes b -> b.get();
      case ValueAndTimestamp<?> v -> raw(v.value());
      case Windowed<?> w -> raw(w.key());
      default -> o.toString().getBytes(StandardCharsets.UTF_8);
    };
  }

  @Test
  void afterAnErasureTheMembersDecisionsAreNoLongerFoundByMember() {
    aMemberWithHistory();
    KeyValueStore<String, byte[]> refs = lattice.driver().getKeyValueStore(StoreNames.MEMBER_REFS);
    String ref = new String(refs.get(MEMBER), StandardCharsets.UTF_8);

    erase();

    assertThat(refs.get(MEMBER)).isNull();
    KeyValueStore<String, byte[]> decisions =
        lattice.driver().getKeyValueStore(StoreNames.DECISIONS);
    byte[] refBytes = ref.getBytes(StandardCharsets.UTF_8);
    try (var it = decisions.all()) {
      it.forEachRemaining(
          kv -> {
            assertThat(kv.key).doesNotContain(ref);
            assertThat(contains(kv.value, refBytes)).as("a decision of the member").isFalse();
          });
    }
  }

  /** Every store entry (as "store:key") whose key or value contains {@code needle}. */
  private List<String> storeEntriesMentioning(String needle) {
    return storeEntriesContaining(needle.getBytes(StandardCharsets.UTF_8));
  }
}
