package dev.lattice.streams.support;

import dev.lattice.policy.ActivationResult;
import dev.lattice.policy.Decision;
import dev.lattice.policy.DecisionService;
import dev.lattice.policy.Obligations;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small policy written in Java against docs/decision-contract.md, used while the Rego engine is not
 * yet able to run the default bundle: purpose consent (with recipients and network scope), category
 * consent by redaction, no retargeting after a purchase, a frequency cap of 3 offers per 24 h, k = 10
 * for insights, pseudonymised member id for brands, location generalised to region for networks. A
 * request can be made to fail ({@code payload.kind == "poison"}) to test fail-closed handling.
 */
public final class ContractPolicy implements DecisionService {
  public static final String REVISION = "contract-policy-1";
  private final Map<String, Object> data = new ConcurrentHashMap<>();

  @Override
  @SuppressWarnings("unchecked")
  public Decision decide(Map<String, Object> input, boolean explain) {
    Map<String, Object> event = (Map<String, Object>) input.get("event");
    Map<String, Object> consent = (Map<String, Object>) input.get("consent");
    Map<String, Object> destination = (Map<String, Object>) input.get("destination");
    Map<String, Object> context = (Map<String, Object>) input.get("context");
    Map<String, Object> payload = (Map<String, Object>) event.getOrDefault("payload", Map.of());
    if ("poison".equals(payload.get("kind"))) {
      return Decision.deny(Decision.POLICY_ERROR, "evaluation failed", REVISION, 1);
    }
    if ("insight".equals(event.get("type"))) {
      long count = ((Number) ((Map<String, Object>) context.get("aggregate")).get("count")).longValue();
      return count >= 10
          ? new Decision(true, List.of(), Obligations.NONE, REVISION, 1, List.of())
          : Decision.deny("insight.below_k", "cell below k", REVISION, 1);
    }
    String purpose = (String) event.get("purpose");
    Map<String, Object> purposes = (Map<String, Object>) consent.get("purposes");
    Map<String, Object> grant = purpose == null ? null : (Map<String, Object>) purposes.get(purpose);
    if (grant == null || !Boolean.TRUE.equals(grant.get("granted"))) {
      return Decision.deny("consent.purpose_not_granted", "member has not granted " + purpose, REVISION, 1);
    }
    List<String> recipients = (List<String>) grant.get("recipients");
    if (!recipients.isEmpty() && !recipients.contains(destination.get("id"))) {
      return Decision.deny("consent.recipient_not_granted", "recipient not granted", REVISION, 1);
    }
    List<String> scope = (List<String>) grant.get("networks");
    if (!scope.isEmpty() && !scope.contains(input.get("source_network"))) {
      return Decision.deny("consent.network_out_of_scope", "network out of scope", REVISION, 1);
    }
    if ("offer".equals(event.get("type"))) {
      for (Object p : (List<Object>) context.get("purchases")) {
        if (event.get("sku").equals(((Map<String, Object>) p).get("sku"))) {
          return Decision.deny("offer.already_purchased", "no retargeting", REVISION, 1);
        }
      }
      long seen = ((Number) ((Map<String, Object>) context.get("counters")).get("member_offers_24h")).longValue();
      if (seen >= 3) {
        return Decision.deny("offer.frequency_cap", "frequency cap", REVISION, 1);
      }
    }
    List<String> categories = (List<String>) grant.get("categories");
    List<String> redact = new ArrayList<>();
    Map<String, String> generalize = new LinkedHashMap<>();
    Map<String, Object> fields = (Map<String, Object>) event.getOrDefault("fields", Map.of());
    fields.forEach(
        (path, category) -> {
          if (category == null || !categories.contains(category)) {
            redact.add(path);
          } else if ("location".equals(category) && "network".equals(destination.get("kind"))) {
            generalize.put(path, "region");
          }
        });
    List<String> pseudonymize = "brand".equals(destination.get("kind")) ? List.of("member_id") : List.of();
    return new Decision(true, List.of(), new Obligations(redact, pseudonymize, generalize), REVISION, 1, List.of());
  }

  @Override
  public String activeRevision() {
    return REVISION;
  }

  @Override
  public ActivationResult activate(Path bundle) {
    throw new UnsupportedOperationException("the contract policy has no bundles");
  }

  @Override
  public ActivationResult activate(byte[] bundleTarGz) {
    throw new UnsupportedOperationException("the contract policy has no bundles");
  }

  @Override
  public void putData(String path, Object document) {
    data.put(path, document);
  }

  @Override
  public void removeData(String path) {
    data.remove(path);
  }

  public Map<String, Object> data() {
    return data;
  }

}
