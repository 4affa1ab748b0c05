package dev.lattice.streams.internal.insights;

import static dev.lattice.streams.support.StoreEntries.count;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.policy.DecisionService;
import dev.lattice.schemas.LatticeSerdes;
import dev.lattice.schemas.avro.ConsentAction;
import dev.lattice.schemas.avro.ConsentCommand;
import dev.lattice.schemas.avro.ConsentState;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.schemas.avro.InsightRecord;
import dev.lattice.streams.InsightSettings;
import dev.lattice.streams.TopicNames;
import dev.lattice.streams.internal.StoreNames;
import dev.lattice.streams.internal.codec.InsightTick;
import dev.lattice.streams.internal.codec.Outbound;
import dev.lattice.streams.internal.consent.ConsentLedger;
import dev.lattice.streams.internal.network.NetworkRules;
import dev.lattice.streams.support.Policies;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The insights processor alone (no topology), where clocks can disagree as they do across instances
 * after a rebalance: a cell is evaluated and charged once, and a re-run over the same input (a
 * retried transaction) publishes the same value.
 */
class InsightsProcessorTest {
  private static final byte[] KEY =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private static final InsightSettings SETTINGS =
      new InsightSettings(
          Duration.ofHours(1), Duration.ZERO, 2.0, 2, 1e-6, 10.0, 100.0, Duration.ofSeconds(30));
  private static DecisionService decisions;

  @BeforeAll
  static void policy() {
    decisions = Policies.freshDefaultBundle();
    decisions.putData(
        "networks/ski-club",
        NetworkRules.parse(
                "ski-club",
                1,
                "{\"insights\": {\"enabled\": true, \"k_anonymity\": 2, \"brands\": [\"acme\"]}}")
            .document());
  }

  private static byte[] analyticsConsent(String member) {
    ConsentCommand grant =
        ConsentCommand.newBuilder()
            .setCommandId("a-" + member)
            .setMemberId(member)
            .setAction(ConsentAction.GRANT)
            .setPurpose("analytics")
            .setIssuedAt(T0)
            .build();
    ConsentLedger.Outcome outcome = ConsentLedger.apply(null, grant, member, T0);
    ConsentState state = ((ConsentLedger.Outcome.Applied) outcome).state();
    return LatticeSerdes.codec(ConsentState.class).encode(state);
  }

  private record Harness(InsightsProcessor processor, MockProcessorContext<byte[], Object> ctx) {
    void tick(String member, Instant at) {
      ctx.setCurrentSystemTimeMs(at.toEpochMilli());
      processor.process(
          new Record<>(
              "acme",
              InsightTick.count(
                  "acme",
                  "ski-club",
                  "outdoor",
                  "purchases",
                  at.toEpochMilli(),
                  member,
                  analyticsConsent(member),
                  false),
              at.toEpochMilli()));
    }

    void punctuate(Instant at) {
      ctx.setCurrentSystemTimeMs(at.toEpochMilli());
      ctx.scheduledPunctuators().getFirst().getPunctuator().punctuate(at.toEpochMilli());
    }

    List<InsightRecord> released() {
      return ctx.forwarded().stream()
          .map(f -> (Outbound) f.record().value())
          .filter(o -> o.topic().equals("lattice.out.brand.acme"))
          .map(o -> LatticeSerdes.codec(InsightRecord.class).decode(o.value()))
          .toList();
    }

    List<DecisionRecord> audited() {
      return ctx.forwarded().stream()
          .map(f -> (Outbound) f.record().value())
          .filter(o -> o.topic().equals(TopicNames.defaults().audit()))
          .map(o -> LatticeSerdes.codec(DecisionRecord.class).decode(o.value()))
          .toList();
    }

    long spentLifetime() {
      KeyValueStore<String, Long> spent = ctx.getStateStore(StoreNames.PRIVACY_BUDGET);
      Long v = spent.get(Keys.lifetime("acme", "ski-club"));
      return v == null ? 0 : v;
    }
  }

  private static <V> void store(MockProcessorContext<byte[], Object> ctx, String name, Serde<V> v) {
    KeyValueStore<String, V> store =
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), v)
            .withLoggingDisabled()
            .build();
    store.init(ctx.getStateStoreContext(), store);
    ctx.addStateStore(store);
  }

  private static Harness harness() {
    MockProcessorContext<byte[], Object> ctx = new MockProcessorContext<>();
    store(ctx, StoreNames.INSIGHT_CELLS, Serdes.Long());
    store(ctx, StoreNames.INSIGHT_CONTRIBUTIONS, Serdes.String());
    store(ctx, StoreNames.PRIVACY_BUDGET, Serdes.Long());
    InsightsProcessor processor =
        new InsightsProcessor(TopicNames.defaults(), decisions, SETTINGS, KEY);
    processor.init(ctx);
    return new Harness(processor, ctx);
  }

  private static void thirtyMembers(Harness h) {
    for (int i = 0; i < 30; i++) {
      h.tick("m-" + i, T0.plusSeconds(60 + i));
    }
  }

  @Test
  void aWindowReopenedByAnInstanceWithALaggingClockIsNeitherCountedAgainNorChargedAgain() {
    Harness h = harness();
    thirtyMembers(h);
    h.punctuate(T0.plus(Duration.ofMinutes(61)));
    assertThat(h.released()).hasSize(1);
    long charged = h.spentLifetime();
    assertThat(charged).isEqualTo(1_000_000);

    // Another instance whose clock lags takes over and sees late counts for the same window.
    h.tick("m-late", T0.plus(Duration.ofMinutes(59)));
    h.punctuate(T0.plus(Duration.ofMinutes(62)));

    assertThat(h.released()).as("no second release of the cell").hasSize(1);
    assertThat(h.audited()).hasSize(1);
    assertThat(h.spentLifetime()).isEqualTo(charged);
  }

  @Test
  void aRetriedEvaluationOverTheSameInputPublishesTheSameValue() {
    Harness first = harness();
    thirtyMembers(first);
    first.punctuate(T0.plus(Duration.ofMinutes(61)));
    Harness retry = harness(); // the state an aborted transaction rolls back to
    thirtyMembers(retry);
    retry.punctuate(T0.plus(Duration.ofMinutes(75)));

    assertThat(retry.released()).hasSize(1);
    assertThat(retry.released().getFirst().getNoisyCount())
        .isEqualTo(first.released().getFirst().getNoisyCount());
  }

  @Test
  void marksOfMembersThePolicyRefusedAreForgottenOnceTheirWindowHasClosed() {
    Harness h = harness();
    h.ctx().setCurrentSystemTimeMs(T0.toEpochMilli());
    h.processor()
        .process(
            new Record<>(
                "acme",
                InsightTick.count(
                    "acme",
                    "ski-club",
                    "outdoor",
                    "purchases",
                    T0.toEpochMilli(),
                    "m-no",
                    null,
                    false),
                T0.toEpochMilli()));
    KeyValueStore<String, String> contributions =
        h.ctx().getStateStore(StoreNames.INSIGHT_CONTRIBUTIONS);
    assertThat(count(contributions)).as("the refusal is remembered while the cell is open").isOne();

    h.punctuate(T0.plus(Duration.ofHours(2)));

    assertThat(count(contributions)).isZero();
    assertThat(h.audited()).as("no member was counted: nothing to evaluate").isEmpty();
  }

  @Test
  void aMembersRepeatedEventsInACellCountOnce() {
    Harness h = harness();
    thirtyMembers(h);
    for (int i = 0; i < 20; i++) {
      h.tick("m-0", T0.plusSeconds(200 + i));
    }
    KeyValueStore<String, Long> cells = h.ctx().getStateStore(StoreNames.INSIGHT_CELLS);
    try (var it = cells.all()) {
      assertThat(it.next().value).isEqualTo(30L);
      assertThat(it.hasNext()).isFalse();
    }
  }
}
