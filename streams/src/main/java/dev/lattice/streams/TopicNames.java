package dev.lattice.streams;

import dev.lattice.schemas.TopicCatalogue;
import java.util.List;
import java.util.Objects;

/**
 * The topics the topology reads and writes. {@link #defaults()} gives the names of the schemas
 * module's {@code TopicCatalogue}; a test or a second deployment on a shared cluster may prefix
 * them all.
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
    String brandOutPrefix,
    String notices) {

  public TopicNames {
    for (String s :
        List.of(
            memberData,
            content,
            offers,
            purchases,
            consentCommands,
            consentLedger,
            consentRejections,
            memberKeys,
            networks,
            policyBundles,
            audit,
            quarantine,
            networkOutPrefix,
            brandOutPrefix,
            notices)) {
      Objects.requireNonNull(s, "every topic name must be set");
    }
  }

  public static TopicNames defaults() {
    return new TopicNames(
        TopicCatalogue.INGEST_MEMBER_DATA.name(),
        TopicCatalogue.INGEST_CONTENT.name(),
        TopicCatalogue.INGEST_OFFERS.name(),
        TopicCatalogue.INGEST_PURCHASES.name(),
        TopicCatalogue.CONSENT_COMMANDS.name(),
        TopicCatalogue.CONSENT_LEDGER.name(),
        TopicCatalogue.CONSENT_REJECTIONS.name(),
        TopicCatalogue.MEMBER_KEYS.name(),
        TopicCatalogue.NETWORKS.name(),
        TopicCatalogue.POLICY_BUNDLES.name(),
        TopicCatalogue.AUDIT_DECISIONS.name(),
        TopicCatalogue.QUARANTINE.name(),
        TopicCatalogue.NETWORK_OUTPUT_PREFIX,
        TopicCatalogue.BRAND_OUTPUT_PREFIX,
        TopicCatalogue.NOTICES.name());
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
