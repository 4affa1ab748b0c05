package dev.lattice.gateway.api.brands;

import java.time.Instant;
import java.util.List;

/**
 * A brand registered with Lattice, and its subscriptions.
 *
 * @param subscriptions what the brand wants on its delivery stream; none = every consented delivery
 */
public record Brand(
    String id, String name, Instant createdAt, String createdBy, List<Subscription> subscriptions) {

  public Brand {
    subscriptions = subscriptions == null ? List.of() : List.copyOf(subscriptions);
  }

  /**
   * A filter on the brand's delivery stream: deliveries from these networks in these offer
   * categories (an empty list = any).
   */
  public record Subscription(
      String id, List<String> networks, List<String> categories, Instant createdAt) {
    public Subscription {
      networks = networks == null ? List.of() : List.copyOf(networks);
      categories = categories == null ? List.of() : List.copyOf(categories);
    }

    boolean matches(String network, String category) {
      return (networks.isEmpty() || networks.contains(network))
          && (categories.isEmpty() || categories.contains(category));
    }
  }

  /** True when a delivery from {@code network} in {@code category} belongs on the stream. */
  public boolean wants(String network, String category) {
    return subscriptions.isEmpty()
        || subscriptions.stream().anyMatch(s -> s.matches(network, category));
  }
}
