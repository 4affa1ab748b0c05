package dev.lattice.streams;

import java.util.List;
import java.util.Objects;

/**
 * The topics the topology reads and writes. {@link #defaults()} gives the names of DESIGN.md; a test
 * or a second deployment on a shared cluster may prefix them all.
 */
public record TopicNames(
    String memberData,
    String content,
    String offers,
    String purchases,
    String consentCommands,
    String consentLedger,
    String consentRejections,
    String memberKeys,
    String networks,
    String policyBundles,
    String audit,
    String quarantine,
    String networkOutPrefix,
    String brandOutPrefix) {

  public TopicNames {
    for (String s :
        List.of(
            memberData, content, offers, purchases, consentCommands, consentLedger, consentRejections,
            memberKeys, networks, policyBundles, audit, quarantine, networkOutPrefix, brandOutPrefix)) {
      Objects.requireNonNull(s, "every topic name must be set");
    }
  }

  public static TopicNames defaults() {
    return new TopicNames(
        "lattice.ingest.member-data",
        "lattice.ingest.content",
        "lattice.ingest.offers",
        "lattice.ingest.purchases",
        "lattice.consent.commands",
        "lattice.consent.ledger",
        "lattice.consent.rejections",
        "lattice.member.keys",
        "lattice.networks",
        "lattice.policy.bundles",
        "lattice.audit.decisions",
        "lattice.quarantine",
        "lattice.out.network.",
        "lattice.out.brand.");
  }

  public String networkOut(String networkId) {
    return networkOutPrefix + networkId;
  }

  public String brandOut(String brandId) {
    return brandOutPrefix + brandId;
  }

  /** The topics that are keyed by member id and read together in one sub-topology. */
  public List<String> memberKeyedInputs() {
    return List.of(consentCommands, memberKeys, memberData, content, purchases);
  }
}
