package dev.lattice.streams.internal.network;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The networks this instance knows, kept up to date by the global networks processor and read by
 * the stream threads. Thread-safe.
 */
public final class NetworkDirectory {
  private final Map<String, NetworkRules> networks = new ConcurrentHashMap<>();

  public void put(NetworkRules rules) {
    networks.put(rules.networkId(), rules);
  }

  public void remove(String networkId) {
    networks.remove(networkId);
  }

  public Optional<NetworkRules> get(String networkId) {
    return networkId == null ? Optional.empty() : Optional.ofNullable(networks.get(networkId));
  }

  public boolean knows(String networkId) {
    return networkId != null && networks.containsKey(networkId);
  }

  public Collection<NetworkRules> all() {
    return networks.values();
  }

  /** The controller of a network, or null when the network or its controller is not known. */
  public NetworkRules.Controller controllerOf(String networkId) {
    NetworkRules r = networkId == null ? null : networks.get(networkId);
    return r == null ? null : r.controller();
  }

  /**
   * The organisation that controls a brand, as the networks' controllers name it (a network built
   * or bought by a brand names the brand and its organisation), or null when no network names it.
   * Sorted by network id, so a brand named by two organisations resolves the same way everywhere;
   * the gateway refuses such a conflict when a controller is set.
   */
  public String organisationOfBrand(String brandId) {
    if (brandId == null) {
      return null;
    }
    // Asked for every brand destination of every event: one pass, no sorting.
    NetworkRules first = null;
    for (NetworkRules r : networks.values()) {
      if (r.controller() != null
          && brandId.equals(r.controller().brand())
          && (first == null || r.networkId().compareTo(first.networkId()) < 0)) {
        first = r;
      }
    }
    return first == null ? null : first.controller().organisation();
  }

  /**
   * Candidate partner networks of a source network: the registered networks its own rules name plus
   * those whose rules name it (an agreement may be written on either side; the policy checks both
   * sides). Sorted, so that decisions are made in a stable order.
   */
  public Set<String> partnersOf(String source) {
    Set<String> result = new TreeSet<>();
    get(source).ifPresent(r -> result.addAll(r.partners()));
    for (NetworkRules r : networks.values()) {
      if (r.partners().contains(source)) {
        result.add(r.networkId());
      }
    }
    result.remove(source);
    // Only registered networks have an output topic; a rule naming an unknown network proposes
    // nothing.
    result.removeIf(id -> !networks.containsKey(id));
    return result;
  }
}
