package dev.lattice.streams.internal.enforce;

import dev.lattice.streams.DecisionInputs;
import dev.lattice.streams.MemberActivity;
import dev.lattice.streams.internal.codec.Timeline;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
   * first seen (its value is that time; only its key is read): not one changelog record per event.
   */
  public void seen(String member, String network, Instant now) {
    String membership = network + SEP + member;
    if (memberships.get(membership) == null) {
      memberships.put(membership, now.toEpochMilli());
    }
    MemberActivity current = MemberActivityCodec.fromBytes(activity.get(member));
    activity.put(
        member,
        MemberActivityCodec.toBytes(
            MemberActivityCodec.seen(current, member, network, now.toEpochMilli())));
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

  /** Forgets everything remembered of the member (erasure). */
  public void forget(String member) {
    MemberActivity seen = MemberActivityCodec.fromBytes(activity.get(member));
    if (seen != null) {
      seen.networks().keySet().forEach(network -> memberships.delete(network + SEP + member));
    }
    activity.delete(member);
    purchases.delete(member);
    offerDeliveries.delete(member);
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
}
