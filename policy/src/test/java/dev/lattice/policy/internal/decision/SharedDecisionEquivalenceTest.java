package dev.lattice.policy.internal.decision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.policy.Decision;
import dev.lattice.policy.DecisionInput;
import dev.lattice.policy.DecisionServiceConfig;
import dev.lattice.policy.bundle.DefaultBundle;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The shared-part memo ({@link DecisionServiceConfig#shareDecisions()}) never changes a decision:
 * over generated worlds (network rules, agreements, offer rules) and generated decision inputs
 * (event types, purposes, members, consent, counters, purchases, times, destinations), a service
 * with the memo gives every input the same allow, reasons and obligations as a service that
 * evaluates everything for every decision — also when the memo answers from entries computed for
 * other inputs (the inputs are decided several times, in different orders).
 */
class SharedDecisionEquivalenceTest {

  private static final List<String> NETWORKS = List.of("n1", "n2", "n3", "n4");
  private static final List<String> BRANDS = List.of("acme", "globex", "shady");
  private static final List<String> PURPOSES = List.of("marketing", "sharing", "research", "");
  private static final List<String> CATEGORIES =
      List.of("profile", "interests", "contact", "location", "identifiers", "outdoor", "gambling");
  private static final List<String> TYPES =
      List.of(
          "member_data",
          "purchase",
          "content",
          "offer",
          "offer",
          "offer",
          "insight",
          "insight_contribution",
          "unknown");
  private static final List<Instant> TIMES =
      List.of(Instant.parse("2026-11-23T10:00:00Z"), Instant.parse("2027-06-01T00:00:00Z"));

  record World(Map<String, Object> networks, List<Map<String, Object>> inputs, long seed) {
    @Override
    public String toString() {
      return "World[seed=" + seed + ", inputs=" + inputs.size() + "]";
    }
  }

  @Provide
  Arbitrary<World> worlds() {
    return Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(20, 40))
        .as(SharedDecisionEquivalenceTest::world);
  }

  @Property(tries = 30)
  void theMemoGivesEveryInputTheDecisionOfAFullEvaluation(@ForAll("worlds") World w) {
    BundleDecisionService shared =
        new BundleDecisionService(
            new DecisionServiceConfig(List.of(), false), DefaultBundle.load());
    BundleDecisionService full =
        new BundleDecisionService(
            new DecisionServiceConfig(List.of(), false).withoutSharedDecisions(),
            DefaultBundle.load());
    shared.putData("networks", w.networks());
    full.putData("networks", w.networks());

    List<Map<String, Object>> order = new ArrayList<>(w.inputs());
    Random random = new Random(w.seed());
    for (int round = 0; round < 3; round++) {
      for (Map<String, Object> input : order) {
        Decision a = shared.decide(input);
        Decision b = full.decide(input);
        assertThat(a.allow()).as("allow for %s", input).isEqualTo(b.allow());
        assertThat(a.reasons()).as("reasons for %s", input).isEqualTo(b.reasons());
        assertThat(a.obligations()).as("obligations for %s", input).isEqualTo(b.obligations());
        assertThat(a.bundleRevision()).isEqualTo(b.bundleRevision());
      }
      Collections.shuffle(order, random);
    }
  }

  @Example
  void anOfferToManyMembersOfOneNetworkEvaluatesTheNetworkRulesOnce() {
    BundleDecisionService service =
        new BundleDecisionService(
            new DecisionServiceConfig(List.of(), false), DefaultBundle.load());
    World w = world(7L, 0);
    service.putData("networks", w.networks());
    for (int m = 0; m < 200; m++) {
      service.decide(offer("m-" + m, "n1", m % 4, TIMES.get(0)));
    }
    // Every member after the first finds the offer's network-level rules in the memo.
    assertThat(service.sharedMemoHits()).isGreaterThanOrEqualTo(199);
  }

  @Example
  void withoutTheMemoNothingIsShared() {
    BundleDecisionService service =
        new BundleDecisionService(
            new DecisionServiceConfig(List.of(), false).withoutSharedDecisions(),
            DefaultBundle.load());
    for (int m = 0; m < 10; m++) {
      service.decide(offer("m-" + m, "n1", 0, TIMES.get(0)));
    }
    assertThat(service.sharedMemoHits()).isZero();
  }

  // ---------------------------------------------------------------- generated worlds

  static World world(long seed, int inputs) {
    Random r = new Random(seed);
    Map<String, Object> networks = new LinkedHashMap<>();
    for (String n : NETWORKS) {
      if (r.nextInt(8) == 0) continue; // an unknown network now and then
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("name", n);
      if (r.nextInt(6) != 0) doc.put("export", rules(r, true));
      if (r.nextInt(6) != 0) doc.put("import", rules(r, false));
      List<Object> agreements = new ArrayList<>();
      for (String other : NETWORKS) {
        if (!other.equals(n) && r.nextBoolean()) {
          Map<String, Object> a = new LinkedHashMap<>();
          a.put("network", other);
          a.put("purposes", some(r, List.of("marketing", "sharing", "research", "*")));
          if (r.nextInt(3) == 0) {
            a.put("expires_at", r.nextBoolean() ? "2027-01-01T00:00:00Z" : "2028-01-01T00:00:00Z");
          }
          if (r.nextBoolean()) a.put("content", r.nextBoolean());
          if (r.nextInt(3) == 0) a.put("categories", some(r, withStar(CATEGORIES)));
          agreements.add(a);
        }
      }
      doc.put("agreements", agreements);
      if (r.nextInt(5) != 0) {
        Map<String, Object> offers = new LinkedHashMap<>();
        offers.put("accept", r.nextInt(4) != 0);
        if (r.nextBoolean()) offers.put("brands_allow", some(r, withStar(BRANDS)));
        if (r.nextBoolean()) offers.put("brands_deny", some(r, BRANDS));
        if (r.nextBoolean()) offers.put("blocked_categories", some(r, CATEGORIES));
        if (r.nextBoolean()) {
          offers.put(
              "frequency_cap",
              Map.of("per_member_24h", r.nextInt(5), "per_member_brand_24h", r.nextInt(3)));
        }
        if (r.nextBoolean()) offers.put("suppression_window_days", 1 + r.nextInt(60));
        doc.put("offers", offers);
      }
      if (r.nextBoolean()) {
        doc.put(
            "insights",
            Map.of(
                "enabled",
                r.nextBoolean(),
                "k_anonymity",
                1 + r.nextInt(20),
                "brands",
                some(r, withStar(BRANDS))));
      }
      networks.put(n, doc);
    }
    List<Map<String, Object>> list = new ArrayList<>();
    for (int i = 0; i < inputs; i++) list.add(input(r));
    return new World(networks, list, seed);
  }

  private static Map<String, Object> rules(Random r, boolean export) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("networks", some(r, withStar(NETWORKS)));
    if (export) m.put("brands", some(r, withStar(BRANDS)));
    m.put("purposes", some(r, List.of("marketing", "sharing", "research", "*")));
    m.put("categories", some(r, withStar(CATEGORIES)));
    if (r.nextBoolean()) m.put("content", r.nextBoolean());
    if (r.nextBoolean()) {
      m.put("location_precision", pick(r, List.of("exact", "city", "region", "country")));
    }
    return m;
  }

  private static Map<String, Object> input(Random r) {
    String type = pick(r, TYPES);
    String member = "m-" + r.nextInt(5);
    Instant now = pick(r, TIMES);
    if (type.equals("offer")) {
      return offer(member, pick(r, NETWORKS), r.nextInt(4), now);
    }
    String purpose = pick(r, PURPOSES);
    Map<String, Object> fields = new LinkedHashMap<>();
    for (String c : CATEGORIES) {
      if (r.nextInt(3) == 0) fields.put("payload." + c, c);
    }
    if (r.nextInt(5) == 0) fields.put("payload.note", null);
    boolean toBrand = r.nextInt(3) == 0;
    var b =
        DecisionInput.builder()
            .eventField("id", "evt-" + r.nextInt(1000))
            .eventField("type", type)
            .eventField("purpose", purpose)
            .eventField("source_network", pick(r, NETWORKS))
            .eventField("member_id", type.equals("insight") ? null : member)
            .eventField("occurred_at", now.toString())
            .eventField("brand_id", pick(r, BRANDS))
            .eventField("category", pick(r, CATEGORIES))
            .eventField("payload", Map.of("metric", "deliveries"))
            .eventField("fields", fields)
            .consent(consent(r, member, purpose.isEmpty() ? "marketing" : purpose))
            .sourceNetwork(r.nextInt(4) == 0 ? "" : pick(r, NETWORKS))
            .destination(
                toBrand
                    ? new DecisionInput.Destination(DecisionInput.Kind.BRAND, pick(r, BRANDS))
                    : new DecisionInput.Destination(
                        DecisionInput.Kind.NETWORK, pick(r, withStar(NETWORKS))))
            .now(now)
            .aggregateCount(r.nextInt(30));
    return b.build().toMap();
  }

  static Map<String, Object> offer(String member, String network, int variant, Instant now) {
    Random r = new Random(member.hashCode() * 31L + variant);
    var b =
        DecisionInput.builder()
            .eventField("id", "offer-" + variant)
            .eventField("type", "offer")
            .eventField("purpose", "offers")
            .eventField("source_network", network)
            .eventField("member_id", member)
            .eventField("occurred_at", now.toString())
            .eventField("brand_id", BRANDS.get(variant % BRANDS.size()))
            .eventField("category", CATEGORIES.get(5 + variant % 2))
            .eventField("sku", "SKU-" + variant)
            .eventField("payload", Map.of())
            .eventField("fields", Map.of())
            .consent(consent(r, member, "offers"))
            .sourceNetwork(network)
            .destination(new DecisionInput.Destination(DecisionInput.Kind.NETWORK, network))
            .now(now)
            .counter("member_offers_24h", r.nextInt(5))
            .counter("member_brand_offers_24h", r.nextInt(3));
    if (r.nextInt(3) == 0) {
      b.purchase(
          "SKU-" + variant,
          r.nextBoolean() ? BRANDS.get(variant % BRANDS.size()) : null,
          now.minusSeconds(86_400L * r.nextInt(90)));
    }
    return b.build().toMap();
  }

  private static Map<String, Object> consent(Random r, String member, String purpose) {
    Map<String, Object> grant = new LinkedHashMap<>();
    grant.put("granted", r.nextInt(4) != 0);
    grant.put("categories", r.nextBoolean() ? List.of() : some(r, CATEGORIES));
    grant.put("recipients", r.nextBoolean() ? List.of() : some(r, BRANDS));
    grant.put("networks", r.nextBoolean() ? List.of() : some(r, NETWORKS));
    grant.put("legal_basis", r.nextInt(5) == 0 ? "legitimate_interest" : "consent");
    grant.put("granted_at", r.nextInt(6) == 0 ? "2027-03-01T00:00:00Z" : "2026-01-01T00:00:00Z");
    grant.put("expires_at", r.nextInt(4) == 0 ? "2027-01-01T00:00:00Z" : null);
    Map<String, Object> purposes = new LinkedHashMap<>();
    purposes.put(purpose, grant);
    if (r.nextBoolean()) purposes.put("analytics", Map.of("granted", r.nextBoolean()));
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("member_id", member);
    doc.put("version", 1 + r.nextInt(3));
    doc.put("gpc", r.nextInt(5) == 0);
    doc.put("purposes", purposes);
    return doc;
  }

  private static List<String> withStar(List<String> xs) {
    List<String> out = new ArrayList<>(xs);
    out.add("*");
    return out;
  }

  private static List<String> some(Random r, List<String> xs) {
    List<String> out = new ArrayList<>();
    for (String x : xs) {
      if (r.nextInt(3) == 0) out.add(x);
    }
    return out;
  }

  private static <T> T pick(Random r, List<T> xs) {
    return xs.get(r.nextInt(xs.size()));
  }
}
