package dev.lattice.benchmarks.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/** The logic of {@code consent.rego}, written by hand against the same JSON-like documents. */
final class ConsentDecisionInJava {
  private ConsentDecisionInJava() {}

  @SuppressWarnings("unchecked")
  static Map<String, Object> decide(Map<String, Object> input, Map<String, Object> data) {
    Map<String, Object> event = (Map<String, Object>) input.get("event");
    Map<String, Object> consent = (Map<String, Object>) input.get("consent");
    Map<String, Object> destination = (Map<String, Object>) input.get("destination");
    Map<String, Object> context = (Map<String, Object>) input.get("context");
    String purpose = (String) event.get("purpose");
    String destId = (String) destination.get("id");
    Map<String, Object> purposes =
        consent == null ? null : (Map<String, Object>) consent.get("purposes");
    Map<String, Object> grant =
        purposes == null ? null : (Map<String, Object>) purposes.get(purpose);
    Map<String, Object> network =
        (Map<String, Object>) ((Map<String, Object>) data.get("networks")).get(destId);
    Map<String, Object> fields = (Map<String, Object>) event.get("fields");

    List<Map<String, Object>> deny = new ArrayList<>();
    boolean granted = grant != null && Boolean.TRUE.equals(grant.get("granted"));
    if (!granted)
      deny.add(reason("consent.purpose_not_granted", "member has not granted " + purpose));
    if (granted) {
      List<Object> recipients = (List<Object>) grant.get("recipients");
      if (recipients != null && !recipients.isEmpty() && !recipients.contains(destId)) {
        deny.add(reason("consent.recipient_not_covered", "consent does not cover " + destId));
      }
      TreeSet<String> categories = new TreeSet<>();
      if (fields != null)
        for (Object c : fields.values()) if (c != null) categories.add((String) c);
      Collection<Object> grantedCategories =
          (Collection<Object>) grant.getOrDefault("categories", List.of());
      Collection<Object> always =
          (Collection<Object>) data.getOrDefault("always_allowed_categories", List.of());
      for (String c : categories) {
        if (!grantedCategories.contains(c) && !always.contains(c)) {
          deny.add(reason("consent.category_not_granted", "category " + c + " not granted"));
        }
      }
    }
    if (network != null) {
      List<Object> blocked = (List<Object>) network.get("blocked_categories");
      Object category = event.get("category");
      if (blocked != null && category != null && blocked.contains(category)) {
        deny.add(reason("network.category_blocked", destId + " blocks " + event.get("category")));
      }
      Object cap = network.get("daily_offer_cap");
      Map<String, Object> counters =
          context == null ? null : (Map<String, Object>) context.get("counters");
      Object offers = counters == null ? null : counters.get("member_offers_24h");
      if ("offer".equals(event.get("type"))
          && cap instanceof Number c
          && offers instanceof Number o
          && o.longValue() >= c.longValue()) {
        deny.add(reason("offer.frequency_cap", "daily offer cap reached"));
      }
    }
    deny.sort(
        Comparator.comparing((Map<String, Object> m) -> (String) m.get("code"))
            .thenComparing(m -> (String) m.get("message")));

    TreeSet<String> redact = new TreeSet<>();
    Map<String, Object> generalize = new TreeMap<>();
    Map<String, Object> generalization = (Map<String, Object>) data.get("generalization");
    if (fields != null) {
      for (Map.Entry<String, Object> f : fields.entrySet()) {
        Object category = f.getValue();
        if (category == null) continue;
        if (network != null
            && ((List<Object>) network.getOrDefault("redact_categories", List.of()))
                .contains(category)) {
          redact.add(f.getKey());
        }
        Object g = generalization.get(category);
        if (g != null && !Boolean.FALSE.equals(g)) generalize.put(f.getKey(), g);
      }
    }
    Map<String, Object> obligations = new LinkedHashMap<>();
    obligations.put("generalize", generalize);
    obligations.put(
        "pseudonymize", "brand".equals(destination.get("kind")) ? List.of("member_id") : List.of());
    obligations.put("redact", new ArrayList<>(redact));
    Map<String, Object> decision = new LinkedHashMap<>();
    decision.put("allow", deny.isEmpty());
    decision.put("obligations", obligations);
    decision.put("reasons", deny);
    return decision;
  }

  private static Map<String, Object> reason(String code, String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("code", code);
    m.put("message", Objects.requireNonNull(message));
    return m;
  }
}
