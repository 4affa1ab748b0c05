package dev.lattice.gateway.api.brands;

import dev.lattice.gateway.events.CompactedTopicView;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registered brands and their subscriptions, shared by every Lattice instance through two
 * compacted topics, each read into a local view: {@code lattice.gateway.brands} (brand id → brand)
 * and {@code lattice.gateway.brand-subscriptions} ({@code brandId/subscriptionId} → subscription, a
 * tombstone removes it). Subscriptions are records of their own so that two instances adding
 * subscriptions to one brand at the same moment both keep theirs.
 *
 * <p>Writes return once this instance's views have applied them; {@link #find} and {@link #list}
 * see every write acknowledged on any instance before the call. Thread-safe.
 */
public final class BrandRegistry {

  /** A brand as stored (JSON; unknown fields are ignored, so the record can grow). */
  public record BrandRecord(String id, String name, Instant createdAt, String createdBy) {}

  /** A subscription as stored (JSON; unknown fields are ignored). */
  public record SubscriptionRecord(
      String brandId,
      String id,
      List<String> networks,
      List<String> categories,
      Instant createdAt) {}

  private final CompactedTopicView<BrandRecord> brands;
  private final CompactedTopicView<SubscriptionRecord> subscriptions;

  /** Both views must be writable (made with a publisher) and started. */
  public BrandRegistry(
      CompactedTopicView<BrandRecord> brands,
      CompactedTopicView<SubscriptionRecord> subscriptions) {
    this.brands = brands;
    this.subscriptions = subscriptions;
  }

  /** The brand with its subscriptions, seeing every write made before this call. */
  public Optional<Brand> find(String id) {
    Optional<BrandRecord> brand = brands.find(id);
    return brand.map(b -> brand(b, subscriptions.current()));
  }

  /**
   * The brand as this instance's views have it now, without waiting (for the delivery stream's
   * per-record filter; changes made elsewhere arrive within one poll).
   */
  public Optional<Brand> cached(String id) {
    return brands.get(id).map(b -> brand(b, subscriptions.snapshot()));
  }

  /** Every brand, by id. */
  public List<Brand> list() {
    Map<String, SubscriptionRecord> subs = subscriptions.current();
    return brands.current().values().stream()
        .sorted(Comparator.comparing(BrandRecord::id))
        .map(b -> brand(b, subs))
        .toList();
  }

  /**
   * Adds a brand (its subscriptions are ignored; add them with {@link #subscribe}); false when the
   * id is taken. Two instances adding the same new id at the same moment both succeed and the later
   * write wins.
   */
  public synchronized boolean add(Brand brand) {
    if (brands.find(brand.id()).isPresent()) {
      return false;
    }
    brands.put(
        brand.id(),
        new BrandRecord(brand.id(), brand.name(), brand.createdAt(), brand.createdBy()));
    return true;
  }

  /** Adds a subscription to an existing brand; empty when the brand is unknown. */
  public Optional<Brand> subscribe(String brandId, Brand.Subscription subscription) {
    if (brands.find(brandId).isEmpty()) {
      return Optional.empty();
    }
    subscriptions.put(
        key(brandId, subscription.id()),
        new SubscriptionRecord(
            brandId,
            subscription.id(),
            subscription.networks(),
            subscription.categories(),
            subscription.createdAt()));
    return find(brandId);
  }

  /** Removes a subscription; false when the brand has no such subscription. */
  public boolean unsubscribe(String brandId, String subscriptionId) {
    if (subscriptions.find(key(brandId, subscriptionId)).isEmpty()) {
      return false;
    }
    subscriptions.remove(key(brandId, subscriptionId));
    return true;
  }

  private static String key(String brandId, String subscriptionId) {
    return brandId + "/" + subscriptionId;
  }

  private static Brand brand(BrandRecord brand, Map<String, SubscriptionRecord> all) {
    List<Brand.Subscription> subs =
        all.values().stream()
            .filter(s -> s.brandId().equals(brand.id()))
            .sorted(
                Comparator.comparing(SubscriptionRecord::createdAt)
                    .thenComparing(SubscriptionRecord::id))
            .map(s -> new Brand.Subscription(s.id(), s.networks(), s.categories(), s.createdAt()))
            .toList();
    return new Brand(brand.id(), brand.name(), brand.createdAt(), brand.createdBy(), subs);
  }
}
