package dev.lattice.streams;

import static dev.lattice.streams.support.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.schemas.avro.InsightRecord;
import dev.lattice.streams.support.Fixtures;
import dev.lattice.streams.support.LatticeDriver;
import dev.lattice.streams.support.Policies;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InsightsTopologyTest {
  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private final TopicNames topics = TopicNames.defaults();
  private LatticeDriver lattice;

  @BeforeEach
  void start() {
    // One release per brand, network and day: the budget is spent by the first released cell.
    InsightSettings oneReleaseADay =
        new InsightSettings(Duration.ofHours(1), Duration.ZERO, 0.25, 0.25, Duration.ofSeconds(30));
    TopologySettings settings =
        TopologySettings.of(Policies.defaultBundle(), SECRET)
            .withInMemoryStores()
            .withInsights(oneReleaseADay);
    lattice = new LatticeDriver(LatticeTopology.build(settings), topics, T0);
    lattice.network(Fixtures.network("ski-club", Policies.SKI_CLUB));
    for (String m : List.of("m-1", "m-2", "m-3")) {
      lattice.consent(Fixtures.grant("c-" + m, m, "offers", List.of()));
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

  @Test
  void aClosedWindowIsReleasedToTheBrandAsANoisyAggregateAndAudited() {
    offer("o1", "acme");
    lattice.advance(Duration.ofHours(1).plusMinutes(1));

    List<InsightRecord> insights = lattice.readOnly(topics.brandOut("acme"), InsightRecord.class);
    assertThat(insights)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.getNetwork()).isEqualTo("ski-club");
              assertThat(i.getMetric()).isEqualTo("deliveries");
              assertThat(i.getEpsilon()).isEqualTo(0.25);
              assertThat(i.getNoisyCount()).isNotNegative();
            });
    assertThat(lattice.audit())
        .filteredOn(d -> d.getEventType().equals("insight"))
        .singleElement()
        .satisfies(d -> assertThat(d.getAllow()).isTrue());
  }

  @Test
  void aBrandTheNetworkDoesNotShareInsightsWithGetsNone() {
    offer("o1", "globex");
    lattice.advance(Duration.ofHours(1).plusMinutes(1));

    assertThat(lattice.readOnly(topics.brandOut("globex"), InsightRecord.class)).isEmpty();
    assertThat(lattice.audit())
        .filteredOn(d -> d.getEventType().equals("insight"))
        .singleElement()
        .satisfies(
            d ->
                assertThat(d.getReasons())
                    .extracting(r -> r.getCode())
                    .contains("insight.brand_not_allowed"));
  }

  @Test
  void aCellBelowKIsSuppressedWithoutSpendingBudget() {
    lattice.consent(Fixtures.withdraw("w-2", "m-2", "offers"));
    lattice.consent(Fixtures.withdraw("w-3", "m-3", "offers"));
    offer("o1", "acme");
    lattice.advance(Duration.ofHours(1).plusMinutes(1));
    assertThat(lattice.readOnly(topics.brandOut("acme"), InsightRecord.class))
        .as("1 delivery < k = 2")
        .isEmpty();

    lattice.send(
        topics.purchases(), "m-1", Fixtures.purchase("p1", "ski-club", "m-1", "acme", "SKU-x"));
    lattice.send(
        topics.purchases(), "m-2", Fixtures.purchase("p2", "ski-club", "m-2", "acme", "SKU-y"));
    lattice.advance(Duration.ofHours(1));

    assertThat(lattice.readOnly(topics.brandOut("acme"), InsightRecord.class))
        .as("the suppressed cell spent nothing: the day's one release is still available")
        .singleElement()
        .satisfies(i -> assertThat(i.getMetric()).isEqualTo("purchases"));
  }

  @Test
  void onceTheDailyBudgetIsSpentNothingMoreIsReleasedThatDay() {
    offer("o1", "acme");
    lattice.advance(Duration.ofHours(1).plusMinutes(1));
    assertThat(lattice.readOnly(topics.brandOut("acme"), InsightRecord.class)).hasSize(1);

    lattice.send(
        topics.purchases(), "m-1", Fixtures.purchase("p1", "ski-club", "m-1", "acme", "SKU-x"));
    lattice.send(
        topics.purchases(), "m-2", Fixtures.purchase("p2", "ski-club", "m-2", "acme", "SKU-y"));
    lattice.advance(Duration.ofHours(1));

    assertThat(lattice.readOnly(topics.brandOut("acme"), InsightRecord.class)).isEmpty();
    List<DecisionRecord> insightDecisions =
        lattice.audit().stream().filter(d -> d.getEventType().equals("insight")).toList();
    assertThat(insightDecisions).hasSize(1);
  }
}
