package dev.lattice.streams.internal.network;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the topology itself needs from a network's rules (the policy sees the whole document as
 * {@code data.networks.<id>}): which networks it has agreements with and which brands subscribe to
 * it. Immutable. (The k-anonymity floor of insights is defined once, in the default bundle's {@code
 * insights.rego}; the topology passes the noisy count to the policy.)
 *
 * @param document the rules as a JSON-like map, handed to the policy engine
 * @param controller who controls the network ({@code rules.controller}), or null when none is
 *     recorded
 */
public record NetworkRules(
    String networkId,
    long version,
    Set<String> partners,
    Set<String> brandSubscriptions,
    Map<String, Object> document,
    Controller controller) {

  /**
   * The controller of a network: the organisation, the brand (brand-built or brand-owned networks),
   * the privacy contact, and for a network that changed hands the transfer that made it the
   * controller, when it took effect and the previous controller.
   */
  public record Controller(
      String organisation,
      String brand,
      String privacyContact,
      java.time.Instant since,
      String previous,
      String transferId) {

    /** Whether the network changed hands (a transfer is on record). */
    public boolean transferred() {
      return since != null && previous != null && transferId != null;
    }
  }

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /**
   * Reads the rules JSON.
   *
   * @throws IllegalArgumentException when it is not a JSON object
   */
  @SuppressWarnings("unchecked")
  public static NetworkRules parse(String networkId, long version, String rulesJson) {
    JsonNode root;
    try {
      root = JSON.readTree(rulesJson == null ? "{}" : rulesJson);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "rules of network " + networkId + " are not valid JSON", e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(
          "rules of network " + networkId + " must be a JSON object");
    }
    Set<String> partners = new LinkedHashSet<>();
    collectIds(root.path("agreements"), partners, "network", "partner", "with", "network_id", "id");
    collectIds(root.path("partners"), partners, "network", "id");
    collectIds(root.path("export").path("networks"), partners, "network", "id");
    partners.remove(networkId);
    // '*' admits any network or brand in the rules; routing only proposes named counterparts.
    partners.remove("*");
    Set<String> brands = new LinkedHashSet<>();
    collectIds(root.path("brand_subscriptions"), brands, "brand", "brand_id", "id");
    collectIds(root.path("subscriptions"), brands, "brand", "brand_id", "id");
    collectIds(root.path("export").path("brands"), brands, "brand", "brand_id", "id");
    brands.remove("*");
    Map<String, Object> document = JSON.convertValue(root, LinkedHashMap.class);
    return new NetworkRules(
        networkId,
        version,
        Set.copyOf(partners),
        Set.copyOf(brands),
        document,
        controller(root.path("controller")));
  }

  private static Controller controller(JsonNode c) {
    String organisation = text(c, "organisation");
    if (organisation == null) {
      return null;
    }
    String since = text(c, "since");
    java.time.Instant at;
    try {
      at = since == null ? null : java.time.Instant.parse(since);
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("controller.since is not an RFC 3339 instant", e);
    }
    return new Controller(
        organisation,
        text(c, "brand"),
        text(c, "privacy_contact"),
        at,
        text(c, "previous"),
        text(c, "transfer_id"));
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isString() && !v.asString().isBlank() ? v.asString() : null;
  }

  private static void collectIds(JsonNode node, Set<String> into, String... idFields) {
    if (node == null || !node.isArray()) {
      return;
    }
    for (JsonNode item : node) {
      if (item.isString()) {
        into.add(item.asString());
      } else if (item.isObject()) {
        for (String f : idFields) {
          JsonNode v = item.get(f);
          if (v != null && v.isString()) {
            into.add(v.asString());
            break;
          }
        }
      }
    }
  }
}
