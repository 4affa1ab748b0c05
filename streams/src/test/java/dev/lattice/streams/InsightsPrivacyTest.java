package dev.lattice.streams;

import static dev.lattice.streams.support.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.schemas.avro.InsightRecord;
import dev.lattice.schemas.avro.PurchaseEvent;
import dev.lattice.streams.internal.StoreNames;
import dev.lattice.streams.internal.insights.InsightsProcessor;
import dev.lattice.streams.support.Fixtures;
import dev.lattice.streams.support.LatticeDriver;
import dev.lattice.streams.support.Policies;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * The guarantee itself, measured on small worlds run through the real topology: per-member bounds,
 * consent and erasure first, and neighbouring datasets (one member added) whose release
 * probabilities stay within e^ε plus δ.
 */
class InsightsPrivacyTest {
  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final String NETWORK =
      """
      {"export": {"networks": [], "brands": [], "purposes": [], "categories": []},
       "offers": {"accept": true, "frequency_cap": {"per_member_24h": 100, "per_member_brand_24h": 100}},
       "insights": {"enabled": true, "k_anonymity": 2, "brands": ["acme"]}}
      """;

  /** ε = 1 per member-day, L = 2 (noise scale 2, ε/L = 0.5 per cell), δ = 10⁻⁶. */
  private static final InsightSettings SETTINGS =
      new InsightSettings(
          Duration.ofHours(1), Duration.ZERO, 1.0, 2, 1e-6, 50.0, 500.0, Duration.ofSeconds(30));

  private final TopicNames topics = TopicNames.defaults();

  private LatticeDriver world(InsightSettings settings) {
    LatticeDriver lattice =
        new LatticeDriver(
            LatticeTopology.build(
                TopologySettings.of(Policies.defaultBundle(), SECRET)
                    .withInMemoryStores()
                    .withInsights(settings)),
            topics,
            T0);
    lattice.network(Fixtures.network("ski-club", NETWORK));
    return lattice;
  }

  private void member(LatticeDriver lattice, String m, boolean analytics) {
    lattice.consent(Fixtures.grant("c-" + m, m, "offers", List.of()));
    if (analytics) {
      lattice.consent(Fixtures.grant("a-" + m, m, "analytics", List.of()));
    }
    lattice.send(topics.memberData(), m, Fixtures.memberData("e-" + m, "ski-club", m, "analytics"));
  }

  private int purchaseSeq;

  private void purchase(LatticeDriver lattice, String m, String category) {
    PurchaseEvent p =
        Fixtures.purchase("p-" + (purchaseSeq++) + "-" + m, "ski-club", m, "acme", "SKU");
    p.setCategory(category);
    lattice.send(topics.purchases(), m, p);
  }

  /** The open cells' true distinct counts, "category/metric" → count (internal store). */
  private static Map<String, Long> cells(LatticeDriver lattice) {
    KeyValueStore<String, Long> store = lattice.driver().getKeyValueStore(StoreNames.INSIGHT_CELLS);
    Map<String, Long> out = new TreeMap<>();
    try (KeyValueIterator<String, Long> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, Long> kv = it.next();
        String[] p = kv.key.split("\u0000");
        out.put(p[3] + "/" + p[4], kv.value);
      }
    }
    return out;
  }

  private static final List<String> CATEGORIES =
      List.of("outdoor", "ski", "boots", "jackets", "gloves", "wax");

  /**
   * Forty members buying outdoor, thirty of them also ski (both cells large enough to be
   * published); then optionally one very active member.
   */
  private Map<String, Long> smallWorld(Consumer<LatticeDriver> extra) {
    try (LatticeDriver lattice = world(SETTINGS)) {
      for (int i = 0; i < 40; i++) {
        member(lattice, "m-" + i, true);
        purchase(lattice, "m-" + i, "outdoor");
        if (i < 30) {
          purchase(lattice, "m-" + i, "ski");
        }
      }
      extra.accept(lattice);
      return cells(lattice);
    }
  }

  /** One member buying 8 times in each of the categories, in this order. */
  private Consumer<LatticeDriver> veryActiveMember(List<String> categories) {
    return lattice -> {
      member(lattice, "x", true);
      for (int round = 0; round < 8; round++) {
        for (String c : categories) {
          purchase(lattice, "x", c);
        }
      }
    };
  }

  private static Map<String, long[]> diff(Map<String, Long> without, Map<String, Long> with) {
    TreeSet<String> keys = new TreeSet<>(without.keySet());
    keys.addAll(with.keySet());
    Map<String, long[]> out = new TreeMap<>();
    for (String k : keys) {
      long a = without.getOrDefault(k, 0L);
      long b = with.getOrDefault(k, 0L);
      if (a != b) {
        out.put(k, new long[] {a, b});
      }
    }
    return out;
  }

  // The small worlds are deterministic; both tests read the same ones.
  private static Map<String, Long> worldWithout;
  private static Map<String, Long> worldWithActiveMember;

  private Map<String, Long> worldWithout() {
    if (worldWithout == null) {
      worldWithout = smallWorld(l -> {});
    }
    return worldWithout;
  }

  private Map<String, Long> worldWithActiveMember() {
    if (worldWithActiveMember == null) {
      worldWithActiveMember = smallWorld(veryActiveMember(CATEGORIES));
    }
    return worldWithActiveMember;
  }

  @Test
  void oneMembersManyEventsMoveEachCellByAtMostOneAndAtMostLCellsInAll() {
    Map<String, Long> without = worldWithout();
    Map<String, Long> with = worldWithActiveMember();

    assertThat(without).containsEntry("outdoor/purchases", 40L).containsEntry("ski/purchases", 30L);
    Map<String, long[]> changed = diff(without, with);
    assertThat(changed).as("48 purchases in 6 categories: L = 2 cells change").hasSize(2);
    changed.forEach(
        (cell, counts) -> assertThat(counts[1] - counts[0]).as("cell %s", cell).isEqualTo(1));
    assertThat(with).hasSize(without.size());
  }

  @Test
  void neighbouringWorldsReleaseWithProbabilitiesWithinEToTheEpsilonPlusDelta() {
    long tau = InsightsProcessor.tauOf(SETTINGS);
    double scale = (double) SETTINGS.cellsPerMemberDay() / SETTINGS.memberDayEpsilon();
    double epsilon = SETTINGS.memberDayEpsilon();
    double delta = SETTINGS.cellsPerMemberDay() * SETTINGS.delta();
    Map<String, Long> d = worldWithout();

    // x joins two published cells (the e^ε part) ...
    Map<String, long[]> big = diff(d, worldWithActiveMember());
    // ... or creates a cell of its own and joins a published one (the δ part).
    Map<String, long[]> fresh =
        diff(d, smallWorld(veryActiveMember(List.of("wax", "outdoor", "ski"))));
    assertThat(big).containsOnlyKeys("outdoor/purchases", "ski/purchases");
    assertThat(fresh).containsOnlyKeys("wax/purchases", "outdoor/purchases");

    for (Map<String, long[]> pair : List.of(big, fresh)) {
      List<long[]> differing = List.copyOf(pair.values());
      double[][] p = joint(differing, 0, tau, scale);
      double[][] q = joint(differing, 1, tau, scale);
      // Cells that do not differ have the same output distribution in both worlds (independent
      // noise per cell), so the loss is that of the differing cells' joint output.
      assertThat(hockeyStick(p, q, epsilon)).isLessThanOrEqualTo(delta);
      assertThat(hockeyStick(q, p, epsilon)).isLessThanOrEqualTo(delta);
    }
    // The measure has teeth: noise that ignores L (scale 1/ε) breaks the bound on the same worlds.
    List<long[]> differing = List.copyOf(big.values());
    double[][] p = joint(differing, 0, tau, 1 / epsilon);
    double[][] q = joint(differing, 1, tau, 1 / epsilon);
    assertThat(hockeyStick(q, p, epsilon)).isGreaterThan(1000 * delta);
  }

  /**
   * The exact output distribution of one cell of true count {@code c}: index 0 = not published (or
   * the cell does not exist, c = 0), index i > 0 = published value tau - 1 + i.
   */
  private static double[] cellOutput(long c, long tau, double scale, int width) {
    double[] out = new double[width + 1];
    if (c == 0) {
      out[0] = 1;
      return out;
    }
    double a = Math.exp(-1 / scale);
    double published = 0;
    for (int i = 1; i <= width; i++) {
      long v = tau - 1 + i;
      out[i] = (1 - a) / (1 + a) * Math.pow(a, Math.abs(v - c));
      published += out[i];
    }
    out[0] = 1 - published;
    return out;
  }

  /** Joint output of two differing cells as a matrix (world 0 = without, 1 = with). */
  private static double[][] joint(List<long[]> cells, int world, long tau, double scale) {
    int width = 400;
    double[] first = cellOutput(cells.get(0)[world], tau, scale, width);
    double[] second = cellOutput(cells.get(1)[world], tau, scale, width);
    double[][] j = new double[first.length][second.length];
    for (int x = 0; x < first.length; x++) {
      for (int y = 0; y < second.length; y++) {
        j[x][y] = first[x] * second[y];
      }
    }
    return j;
  }

  /** sup over output sets S of P(S) - e^ε Q(S). */
  private static double hockeyStick(double[][] p, double[][] q, double epsilon) {
    double e = Math.exp(epsilon);
    double sum = 0;
    for (int x = 0; x < p.length; x++) {
      for (int y = 0; y < p[x].length; y++) {
        sum += Math.max(0, p[x][y] - e * q[x][y]);
      }
    }
    return sum;
  }

  @Test
  void membersWithoutAnalyticsConsentOrWhoWithdrewItAreNotCounted() {
    try (LatticeDriver lattice = world(SETTINGS)) {
      for (int i = 0; i < 5; i++) {
        member(lattice, "m-" + i, true);
      }
      member(lattice, "no-analytics", false);
      member(lattice, "withdrew-before", true);
      lattice.consent(Fixtures.withdraw("w-1", "withdrew-before", "analytics"));
      member(lattice, "withdrew-after", true);
      for (String m : List.of("m-0", "m-1", "m-2", "m-3", "m-4", "no-analytics")) {
        purchase(lattice, m, "outdoor");
      }
      purchase(lattice, "withdrew-before", "outdoor");
      purchase(lattice, "withdrew-after", "outdoor");
      assertThat(cells(lattice)).containsEntry("outdoor/purchases", 6L);

      lattice.consent(Fixtures.withdraw("w-2", "withdrew-after", "analytics"));

      assertThat(cells(lattice))
          .as("the withdrawal takes the member out of the open cell")
          .containsEntry("outdoor/purchases", 5L);
    }
  }

  @Test
  void erasedMembersAreNeverCountedNotEvenInCellsTheyAlreadyJoined() {
    try (LatticeDriver lattice = world(SETTINGS)) {
      for (int i = 0; i < 5; i++) {
        member(lattice, "m-" + i, true);
        purchase(lattice, "m-" + i, "outdoor");
      }
      member(lattice, "erased-before", true);
      lattice.consent(Fixtures.erase("x-1", "erased-before"));
      lattice.consent(Fixtures.grant("a-again", "erased-before", "analytics", List.of()));
      purchase(lattice, "erased-before", "outdoor");
      assertThat(cells(lattice)).containsEntry("outdoor/purchases", 5L);

      lattice.consent(Fixtures.erase("x-2", "m-0"));

      assertThat(cells(lattice)).containsEntry("outdoor/purchases", 4L);
    }
  }

  @Test
  void theSameWorldReleasesTheSameNoisyValuesAndAnotherInstallationSecretOtherValues() {
    InsightSettings settings =
        new InsightSettings(
            Duration.ofHours(1), Duration.ZERO, 1.0, 1, 1e-4, 50.0, 500.0, Duration.ofSeconds(30));
    List<Long> first = released(settings, SECRET);
    List<Long> again = released(settings, SECRET);
    List<Long> otherSecret =
        released(settings, "another-installation-secret-0123".getBytes(StandardCharsets.UTF_8));
    assertThat(first).hasSize(3);
    assertThat(again).isEqualTo(first);
    assertThat(otherSecret).hasSize(3).isNotEqualTo(first);
  }

  private List<Long> released(InsightSettings settings, byte[] secret) {
    try (LatticeDriver lattice =
        new LatticeDriver(
            LatticeTopology.build(
                TopologySettings.of(Policies.defaultBundle(), secret)
                    .withInMemoryStores()
                    .withInsights(settings)),
            topics,
            T0)) {
      lattice.network(Fixtures.network("ski-club", NETWORK));
      // Fifteen members in each of three cells; τ = 10.
      for (int i = 0; i < 45; i++) {
        member(lattice, "m-" + i, true);
        purchase(lattice, "m-" + i, CATEGORIES.get(i % 3));
      }
      lattice.advance(Duration.ofHours(1).plusMinutes(1));
      return lattice.readOnly(topics.brandOut("acme"), InsightRecord.class).stream()
          .map(InsightRecord::getNoisyCount)
          .toList();
    }
  }
}
