package dev.lattice.streams;

import dev.lattice.policy.DecisionService;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything {@link LatticeTopology} needs. Immutable; validated on construction (a bad value fails
 * with a message naming the setting).
 *
 * @param decisionService the policy decision service every decision goes through (shared by all
 *     stream threads; bundles and network rules are loaded into it by the topology)
 * @param pseudonymSecret at least 32 bytes; the key from which per-destination pseudonym keys
 *     derive
 * @param topics topic names
 * @param frequencyWindow the sliding window of the per-member offer counters ({@code *_24h})
 * @param purchaseMemory how long purchases are remembered for suppression (no retargeting)
 * @param decisionRetention how long decisions stay queryable in the local stores (the audit topic
 *     keeps them for good)
 * @param insights brand insight parameters
 * @param persistentStores RocksDB stores (true, the default) or in-memory stores (tests,
 *     benchmarks; both are changelogged, so state survives a restart either way)
 * @param duplicateWindow an ingest event whose event id was seen within this window is dropped by
 *     the topology, whichever instance or producer sent it (default 7 days)
 * @param topicDirectory which output topics exist; null = ask the cluster ({@link
 *     LatticeStreams#create} lists its topics; {@link LatticeTopology#build} alone assumes every
 *     topic exists)
 * @param masterKey unwraps the member data keys published on {@code lattice.member.keys} (they are
 *     only ever stored wrapped); null = none configured: sealed personal data cannot be opened and
 *     such events are quarantined with a message saying so
 * @param membershipsTopic where the topology records that a member was first seen in a network (key
 *     {@code <network>|<member>}, value the instant, the gateway's {@code lattice.memberships}
 *     format), so every gateway instance knows which networks a member belongs to without reading
 *     another instance's stores; null = not recorded (a topology without the gateway)
 */
public record TopologySettings(
    DecisionService decisionService,
    byte[] pseudonymSecret,
    TopicNames topics,
    Duration frequencyWindow,
    Duration purchaseMemory,
    Duration decisionRetention,
    InsightSettings insights,
    boolean persistentStores,
    Duration duplicateWindow,
    TopicDirectory topicDirectory,
    MasterKey masterKey,
    String membershipsTopic) {

  /** The default duplicate window: 7 days. */
  public static final Duration DEFAULT_DUPLICATE_WINDOW = Duration.ofDays(7);

  /** Settings with the default duplicate window whose topic directory asks the cluster. */
  public TopologySettings(
      DecisionService decisionService,
      byte[] pseudonymSecret,
      TopicNames topics,
      Duration frequencyWindow,
      Duration purchaseMemory,
      Duration decisionRetention,
      InsightSettings insights,
      boolean persistentStores) {
    this(
        decisionService,
        pseudonymSecret,
        topics,
        frequencyWindow,
        purchaseMemory,
        decisionRetention,
        insights,
        persistentStores,
        DEFAULT_DUPLICATE_WINDOW,
        null,
        null,
        null);
  }

  /** Settings without a master key (see {@link #withMasterKey}). */
  public TopologySettings(
      DecisionService decisionService,
      byte[] pseudonymSecret,
      TopicNames topics,
      Duration frequencyWindow,
      Duration purchaseMemory,
      Duration decisionRetention,
      InsightSettings insights,
      boolean persistentStores,
      Duration duplicateWindow,
      TopicDirectory topicDirectory) {
    this(
        decisionService,
        pseudonymSecret,
        topics,
        frequencyWindow,
        purchaseMemory,
        decisionRetention,
        insights,
        persistentStores,
        duplicateWindow,
        topicDirectory,
        null,
        null);
  }

  public TopologySettings {
    Objects.requireNonNull(decisionService, "decisionService");
    if (pseudonymSecret == null || pseudonymSecret.length < 32) {
      throw new IllegalArgumentException(
          "pseudonym secret must be at least 32 bytes (setting lattice.streams.pseudonym-secret)");
    }
    pseudonymSecret = pseudonymSecret.clone();
    Objects.requireNonNull(topics, "topics");
    requirePositive(frequencyWindow, "frequency-window");
    requirePositive(purchaseMemory, "purchase-memory");
    requirePositive(decisionRetention, "decision-retention");
    Objects.requireNonNull(insights, "insights");
    requirePositive(duplicateWindow, "duplicate-window");
  }

  private static void requirePositive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(
          "setting lattice.streams." + name + " must be a positive duration");
    }
  }

  /**
   * Defaults: DESIGN.md topics, 24 h frequency window, 90 days of purchases, 7 days of decisions.
   */
  public static TopologySettings of(DecisionService decisionService, byte[] pseudonymSecret) {
    return new TopologySettings(
        decisionService,
        pseudonymSecret,
        TopicNames.defaults(),
        Duration.ofHours(24),
        Duration.ofDays(90),
        Duration.ofDays(7),
        InsightSettings.defaults(),
        true);
  }

  public TopologySettings withTopics(TopicNames topics) {
    return new TopologySettings(
        decisionService,
        pseudonymSecret,
        topics,
        frequencyWindow,
        purchaseMemory,
        decisionRetention,
        insights,
        persistentStores,
        duplicateWindow,
        topicDirectory,
        masterKey,
        membershipsTopic);
  }

  public TopologySettings withInsights(InsightSettings insights) {
    return new TopologySettings(
        decisionService,
        pseudonymSecret,
        topics,
        frequencyWindow,
        purchaseMemory,
        decisionRetention,
        insights,
        persistentStores,
        duplicateWindow,
        topicDirectory,
        masterKey,
        membershipsTopic);
  }

  public TopologySettings withInMemoryStores() {
    return new TopologySettings(
        decisionService,
        pseudonymSecret,
        topics,
        frequencyWindow,
        purchaseMemory,
        decisionRetention,
        insights,
        false,
        duplicateWindow,
        topicDirectory,
        masterKey,
        membershipsTopic);
  }

  public TopologySettings withTopicDirectory(TopicDirectory topicDirectory) {
    return new TopologySettings(
        decisionService,
        pseudonymSecret,
        topics,
        frequencyWindow,
        purchaseMemory,
        decisionRetention,
        insights,
        persistentStores,
        duplicateWindow,
        topicDirectory,
        masterKey,
        membershipsTopic);
  }

  public TopologySettings withDuplicateWindow(Duration window) {
    return new TopologySettings(
        decisionService,
        pseudonymSecret,
        topics,
        frequencyWindow,
        purchaseMemory,
        decisionRetention,
        insights,
        persistentStores,
        window,
        topicDirectory,
        masterKey,
        membershipsTopic);
  }

  /** The same settings with the master key that unwraps member data keys. */
  public TopologySettings withMasterKey(MasterKey masterKey) {
    return new TopologySettings(
        decisionService,
        pseudonymSecret,
        topics,
        frequencyWindow,
        purchaseMemory,
        decisionRetention,
        insights,
        persistentStores,
        duplicateWindow,
        topicDirectory,
        masterKey,
        membershipsTopic);
  }

  /**
   * The same settings recording first sightings of a member in a network on {@code topic} (see
   * {@link #membershipsTopic()}).
   */
  public TopologySettings withMembershipsTopic(String topic) {
    return new TopologySettings(
        decisionService,
        pseudonymSecret,
        topics,
        frequencyWindow,
        purchaseMemory,
        decisionRetention,
        insights,
        persistentStores,
        duplicateWindow,
        topicDirectory,
        masterKey,
        topic);
  }

  @Override
  public byte[] pseudonymSecret() {
    return pseudonymSecret.clone();
  }
}
