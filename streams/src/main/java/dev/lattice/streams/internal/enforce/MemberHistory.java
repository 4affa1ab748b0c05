package dev.lattice.streams.internal.enforce;

import dev.lattice.streams.DecisionInputs;
import dev.lattice.streams.MemberActivity;
import dev.lattice.streams.internal.codec.Timeline;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * What the topology remembers of its members between events: memberships (which network each member
 * was seen in, for offer targeting), activity, recent purchases (no retargeting) and recent offer
 * deliveries (frequency caps). Builds the decision {@link DecisionInputs.Context} from them. One
 * task owns the stores; not thread-safe.
 */
public final class MemberHistory {
  private static final char SEP = '\u0000';

  /**
   * Keys of the insight markers in the activity store, beside the members' activity (member ids
   * never start with a control character): when the member was last counted towards insights, and
   * since when this task keeps those markers.
   */
  private static final String INSIGHTS = "\u0001insights|";

  private static final String INSIGHTS_SINCE = "\u0001insights-since";
  private static final long HOUR_MS = 3_600_000L;

  private final KeyValueStore<String, Long> memberships;
  private final KeyValueStore<String, byte[]> activity;
  private final KeyValueStore<String, byte[]> purchases;
  private final KeyValueStore<String, byte[]> offerDeliveries;
  private final Duration frequencyWindow;
  private final Duration purchaseMemory;

  public MemberHistory(
      KeyValueStore<String, Long> memberships,
      KeyValueStore<String, byte[]> activity,
      KeyValueStore<String, byte[]> purchases,
      KeyValueStore<String, byte[]> offerDeliveries,
      Duration frequencyWindow,
      Duration purchaseMemory) {
    this.memberships = memberships;
    this.activity = activity;
    this.purchases = purchases;
    this.offerDeliveries = offerDeliveries;
    this.frequencyWindow = frequencyWindow;
    this.purchaseMemory = purchaseMemory;
  }

  /**
   * The member sent an event through {@code network}. A membership is written once, when it is
   * first seen (its value is that time, as {@code -time - 1} once the membership is known to be on
   * the memberships topic; only the key and that sign are read): not one changelog record per
   * event.
   *
   * @param recorded whether memberships are recorded on the memberships topic
   * @return true when the membership is to be recorded there now: the member's first event through
   *     {@code network} (since their erasure, which forgets their memberships), or the first since
   *     memberships are recorded for a membership seen before (an upgrade)
   */
  public boolean seen(String member, String network, Instant now, boolean recorded) {
    String membership = network + SEP + member;
    Long since = memberships.get(membership);
    boolean record = recorded && (since == null || since >= 0);
    if (since == null || record) {
      long at = since == null ? now.toEpochMilli() : since;
      memberships.put(membership, recorded ? -at - 1 : at);
    }
    MemberActivity current = MemberActivityCodec.fromBytes(activity.get(member));
    activity.put(
        member,
        MemberActivityCodec.toBytes(
            MemberActivityCodec.seen(current, member, network, now.toEpochMilli())));
    return record;
  }

  /** The member bought {@code sku} of {@code brand} at {@code at}. */
  public void bought(String member, String sku, String brand, Instant at, Instant now) {
    Timeline t = Timeline.fromBytes(purchases.get(member));
    purchases.put(
        member,
        t.append(
                new Timeline.Entry(sku, brand, at.toEpochMilli()),
                now.minus(purchaseMemory).toEpochMilli())
            .toBytes());
  }

  /** An offer of {@code brand} was delivered to the member in {@code network}. */
  public void offered(String member, String brand, String network, Instant now) {
    Timeline t = Timeline.fromBytes(offerDeliveries.get(member));
    offerDeliveries.put(
        member,
        t.append(
                new Timeline.Entry(brand, network, now.toEpochMilli()),
                now.minus(frequencyWindow).toEpochMilli())
            .toBytes());
  }

  /**
   * Forgets everything remembered of the member (erasure).
   *
   * @return the networks the member was seen in
   */
  public Set<String> forget(String member) {
    MemberActivity seen = MemberActivityCodec.fromBytes(activity.get(member));
    Set<String> networks = seen == null ? Set.of() : Set.copyOf(seen.networks().keySet());
    networks.forEach(network -> memberships.delete(network + SEP + member));
    activity.delete(member);
    activity.delete(INSIGHTS + member);
    purchases.delete(member);
    offerDeliveries.delete(member);
    return networks;
  }

  /** The members seen in {@code network} (that this task owns), in key order. */
  public List<String> membersOf(String network) {
    List<String> out = new ArrayList<>();
    try (KeyValueIterator<String, Long> it =
        memberships.prefixScan(network + SEP, Serdes.String().serializer())) {
      while (it.hasNext()) {
        out.add(it.next().key.substring(network.length() + 1));
      }
    }
    return out;
  }

  /**
   * The decision context for the member at {@code now}: offer counters (of {@code brand} too, when
   * given) within the frequency window and purchases within the purchase memory.
   */
  public DecisionInputs.Context context(String member, String brand, Instant now) {
    List<Timeline.Entry> recent =
        Timeline.fromBytes(offerDeliveries.get(member))
            .since(now.minus(frequencyWindow).toEpochMilli());
    long ofBrand =
        brand == null ? 0L : recent.stream().filter(e -> e.first().equals(brand)).count();
    List<DecisionInputs.Purchase> bought = new ArrayList<>();
    for (Timeline.Entry e :
        Timeline.fromBytes(purchases.get(member)).since(now.minus(purchaseMemory).toEpochMilli())) {
      bought.add(new DecisionInputs.Purchase(e.first(), e.second(), Instant.ofEpochMilli(e.at())));
    }
    return new DecisionInputs.Context(now, recent.size(), ofBrand, bought);
  }

  /**
   * Since when this task remembers who was counted towards insights ({@link #countedInInsights}).
   * Resolved before the task's first record: a task whose members have no consent state yet (a new
   * installation) has tracked everyone from the start (0); otherwise (stores that predate the
   * markers) from now. Stored, so a restarted or moved task keeps it.
   *
   * @param noConsentYet whether the task's consent store is empty
   */
  public void resolveInsightTracking(Instant now, boolean noConsentYet) {
    if (activity.get(INSIGHTS_SINCE) == null) {
      activity.put(INSIGHTS_SINCE, longBytes(noConsentYet ? 0L : now.toEpochMilli()));
    }
  }

  /**
   * The member was counted towards a brand's insights at {@code at} (an offer delivery or a
   * purchase): remembered rounded up to the hour, so it is written at most once an hour per member.
   */
  public void countedInInsights(String member, Instant at) {
    long hour = Math.floorDiv(at.toEpochMilli(), HOUR_MS) * HOUR_MS + HOUR_MS;
    byte[] last = activity.get(INSIGHTS + member);
    if (last == null || toLong(last) < hour) {
      activity.put(INSIGHTS + member, longBytes(hour));
    }
  }

  /**
   * Whether the member may still be counted in an insight cell that has not been released: they
   * were counted within {@code horizon} before {@code now}, or this task has not remembered it for
   * that long yet. When not, a change of their consent concerns no insights task.
   */
  public boolean mayBeInOpenInsights(String member, Instant now, Duration horizon) {
    long nowMs = now.toEpochMilli();
    byte[] since = activity.get(INSIGHTS_SINCE);
    if (since == null || toLong(since) + horizon.toMillis() > nowMs) {
      return true;
    }
    byte[] last = activity.get(INSIGHTS + member);
    return last != null && toLong(last) + horizon.toMillis() > nowMs;
  }

  private static byte[] longBytes(long value) {
    return java.nio.ByteBuffer.allocate(Long.BYTES).putLong(value).array();
  }

  private static long toLong(byte[] bytes) {
    return java.nio.ByteBuffer.wrap(bytes).getLong();
  }
}
