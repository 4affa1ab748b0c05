package dev.lattice.streams;

import static dev.lattice.streams.support.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.schemas.avro.InsightRecord;
import dev.lattice.schemas.avro.PurchaseEvent;
import dev.lattice.schemas.avro.ReasonEntry;
import dev.lattice.streams.internal.insights.InsightsProcessor;
import dev.lattice.streams.internal.insights.KeyedRandom;
import dev.lattice.streams.support.Fixtures;
import dev.lattice.streams.support.LatticeDriver;
import dev.lattice.streams.support.Policies;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Insights end to end on the topology: distinct consenting members per cell, keyed noise, the noisy
 * threshold, the policy's k on the noisy count, and the daily and lifetime budgets.
 */
class InsightsTopologyTest {
  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

  /**
   * ε = 2 per member-day, L = 2: noise scale 1, each cell costs 1.0; δ = 10⁻⁶ gives τ = 15. One
   * cell a day, three for good.
   */
  static final InsightSettings SETTINGS =
      new InsightSettings(
          Duration.ofHours(1), Duration.ZERO, 2.0, 2, 1e-6, 1.0, 3.0, Duration.ofSeconds(30));

  private final TopicNames topics = TopicNames.defaults();
  private LatticeDriver lattice;

  private void start(String skiClubRules, int members) {
    TopologySettings settings =
        TopologySettings.of(Policies.defaultBundle(), SECRET)
            .withInMemoryStores()
            .withInsights(SETTINGS);
    lattice = new LatticeDriver(LatticeTopology.build(settings), topics, T0);
    lattice.network(Fixtures.network("ski-club", skiClubRules));
    for (int i = 1; i <= members; i++) {
      String m = "m-" + i;
      lattice.consent(Fixtures.grant("c-" + m, m, "offers", List.of()));
      lattice.consent(Fixtures.grant("a-" + m, m, "analytics", List.of()));
      lattice.send(
          topics.memberData(), m, Fixtures.memberData("e-" + m, "ski-club", m, "analytics"));
    }
    lattice.audit();
  }

  @AfterEach
  void stop() {
    lattice.close();
  }

  private void offer(String id, String brand) {
    lattice.send(
        topics.offers(),
        id,
        Fixtures.offer(id, brand, "SKU-" + id, "outdoor", List.of("ski-club")));
  }

  private void purchases(int members, String category) {
    for (int i = 1; i <= members; i++) {
      String m = "m-" + i;
      PurchaseEvent p = Fixtures.purchase("p-" + category + "-" + m, "ski-club", m, "acme", "SKU");
      p.setCategory(category);
      lattice.send(topics.purchases(), m, p);
    }
  }

  private List<DecisionRecord> insightDecisions() {
    return lattice.audit().stream().filter(d -> d.getEventType().equals("insight")).toList();
  }

  private static List<String> codes(DecisionRecord d) {
    return d.getReasons().stream().map(ReasonEntry::getCode).toList();
  }

  private static long noiseOf(String insightId) {
    return InsightsProcessor.noiseFor(
        InsightsProcessor.noiseOf(SETTINGS),
        KeyedRandom.deriveKey(SECRET, "insights/noise-key"),
        insightId);
  }

  @Test
  void aClosedWindowIsReleasedAsTheDistinctMemberCountPlusTheKeyedNoiseAndAudited() {
    start(Policies.SKI_CLUB, 30);
    offer("o1", "acme");
    offer("o2", "acme"); // a second delivery to the same members: still 30 distinct members
    lattice.advance(Duration.ofHours(1).plusMinutes(1));

    DecisionRecord decision = insightDecisions().getFirst();
    assertThat(decision.getAllow()).isTrue();
    long noise = noiseOf(decision.getEventId());
    assertThat(noise)
        .as("with this secret the cell's noise is not 0, so a release without noise fails below")
        .isNotZero();
    long expected = 30 + noise;
    assertThat(lattice.readOnly(topics.brandOut("acme"), InsightRecord.class))
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.getNetwork()).isEqualTo("ski-club");
              assertThat(i.getMetric()).isEqualTo("deliveries");
              assertThat(i.getCategory()).isEqualTo("outdoor");
              assertThat(i.getEpsilon()).isEqualTo(1.0);
              assertThat(i.getNoisyCount()).isEqualTo(expected);
            });
  }

  @Test
  void aBrandTheNetworkDoesNotShareInsightsWithHasNoMemberCountedAndGetsNothing() {
    start(Policies.SKI_CLUB, 30);
    offer("o1", "globex");
    lattice.advance(Duration.ofHours(1).plusMinutes(1));

    assertThat(lattice.readOnly(topics.brandOut("globex"), InsightRecord.class)).isEmpty();
    assertThat(insightDecisions()).as("no member was counted: no cell to evaluate").isEmpty();
  }

  @Test
  void aSmallCellIsNotPublishedButItsEvaluationSpendsTheDaysBudget() {
    start(Policies.SKI_CLUB, 30);
    purchases(3, "outdoor");
    lattice.advance(Duration.ofHours(1).plusMinutes(1));
    assertThat(lattice.readOnly(topics.brandOut("acme"), InsightRecord.class)).isEmpty();
    assertThat(insightDecisions())
        .singleElement()
        .satisfies(d -> assertThat(codes(d)).containsExactly("insight.below_threshold"));

    offer("o1", "acme");
    lattice.advance(Duration.ofHours(1));

    assertThat(lattice.readOnly(topics.brandOut("acme"), InsightRecord.class))
        .as("the large cell of the same day finds the budget spent by the small one")
        .isEmpty();
    assertThat(insightDecisions())
        .singleElement()
        .satisfies(d -> assertThat(codes(d)).containsExactly("insight.daily_budget_spent"));
  }

  @Test
  void whenTheLifetimeBudgetIsSpentNothingIsEvaluatedAgainAndTheRefusalIsAudited() {
    start(Policies.SKI_CLUB, 30);
    for (int day = 0; day < 3; day++) {
      offer("o-" + day, "acme");
      lattice.advance(Duration.ofHours(1).plusMinutes(1));
      assertThat(lattice.readOnly(topics.brandOut("acme"), InsightRecord.class))
          .as("day %d", day)
          .hasSize(1);
      lattice.advance(Duration.ofHours(23));
    }
    assertThat(insightDecisions()).hasSize(3);

    offer("o-3", "acme");
    lattice.advance(Duration.ofHours(1).plusMinutes(1));

    assertThat(lattice.readOnly(topics.brandOut("acme"), InsightRecord.class)).isEmpty();
    assertThat(insightDecisions())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.getAllow()).isFalse();
              assertThat(codes(d)).containsExactly("insight.lifetime_budget_spent");
            });
  }

  @Test
  void theNetworksKIsAFloorOnTheNoisyCount() {
    start(Policies.SKI_CLUB.replace("\"k_anonymity\": 2", "\"k_anonymity\": 60"), 30);
    offer("o1", "acme");
    lattice.advance(Duration.ofHours(1).plusMinutes(1));

    assertThat(lattice.readOnly(topics.brandOut("acme"), InsightRecord.class)).isEmpty();
    assertThat(insightDecisions())
        .singleElement()
        .satisfies(d -> assertThat(codes(d)).containsExactly("insight.below_k_anonymity"));
  }
}
