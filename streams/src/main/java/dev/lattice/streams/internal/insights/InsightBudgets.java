package dev.lattice.streams.internal.insights;

import dev.lattice.streams.InsightBudget;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Reads a brand's budgets from the budget store (the key layout of {@link Keys}). */
public final class InsightBudgets {
  private InsightBudgets() {}

  /**
   * One entry per network in which the brand has had at least one cell evaluated. The cell count is
   * the spend divided by the current cell cost: exact while the ε settings stay the same.
   */
  public static List<InsightBudget> of(
      ReadOnlyKeyValueStore<String, Long> store,
      String brand,
      long nowMs,
      PrivacyBudget limits,
      double deltaPerCell) {
    String day = InsightsProcessor.utcDay(nowMs);
    String prefix = Keys.LIFETIME + brand + InsightsProcessor.SEP;
    List<InsightBudget> out = new ArrayList<>();
    try (KeyValueIterator<String, Long> it =
        store.prefixScan(prefix, Serdes.String().serializer())) {
      while (it.hasNext()) {
        KeyValue<String, Long> kv = it.next();
        String network = kv.key.substring(prefix.length());
        Long todayMicros = store.get(Keys.daily(brand, network, day));
        long today = todayMicros == null ? 0 : todayMicros;
        // Every evaluated cell is charged exactly one cell cost, so spent / cost counts them.
        long cellsToday = today / limits.cellCostMicros();
        long cellsLifetime = kv.value / limits.cellCostMicros();
        out.add(
            new InsightBudget(
                network,
                day,
                epsilon(today),
                epsilon(limits.dailyMicros()),
                epsilon(kv.value),
                epsilon(limits.lifetimeMicros()),
                cellsToday,
                cellsLifetime,
                cellsToday * deltaPerCell,
                cellsLifetime * deltaPerCell));
      }
    }
    return out;
  }

  private static double epsilon(long micros) {
    return micros / (double) PrivacyBudget.MICROS;
  }
}
