package dev.lattice.schemas;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every Kafka topic Lattice uses, in one place: name, partitions, replication, cleanup policy and
 * retention. Topic provisioning, the infra topic definitions and the topology all read it from
 * here.
 *
 * <p>Topics keyed by member id share {@link #MEMBER_PARTITIONS} partitions so that one member's
 * events stay co-partitioned (and ordered) with their consent changes. The member-keyed input
 * topics ({@link #memberKeyedInputs()}) carry the broker's append time ({@link
 * TimestampType#LOG_APPEND_TIME}): the topology orders one member's consent commands and events by
 * it, so a producer's clock never decides that order (docs/decision-contract.md, "Order of consent
 * and events"). Replication adapts to the cluster: {@code min(3, brokers)}, with {@code
 * min.insync.replicas = min(2, replication)}.
 *
 * <p>Immutable and thread-safe.
 */
public final class TopicCatalogue {
  /** The member data keys' topic (compacted; configured so erased keys are compacted quickly). */
  static final String MEMBER_KEYS_TOPIC = "lattice.member.keys";

  /** Partitions of every topic keyed by member id (they must be co-partitioned). */
  public static final int MEMBER_PARTITIONS = 6;

  /** The most replicas Lattice asks for; fewer on smaller clusters. */
  public static final int MAX_REPLICATION = 3;

  /** How Kafka cleans a topic's log. */
  public enum Cleanup {
    /** Old segments are deleted after the retention period. */
    DELETE("delete"),
    /** Only the latest record per key is kept (a table). */
    COMPACT("compact");

    private final String kafkaValue;

    Cleanup(String kafkaValue) {
      this.kafkaValue = kafkaValue;
    }

    /** The value of Kafka's {@code cleanup.policy} setting. */
    public String kafkaValue() {
      return kafkaValue;
    }
  }

  /** Which time a topic's records carry (Kafka's {@code message.timestamp.type}). */
  public enum TimestampType {
    /** The time the producer set (its clock, or any value it chose). */
    CREATE_TIME("CreateTime"),
    /** The time the partition leader appended the record; the producer's value is overwritten. */
    LOG_APPEND_TIME("LogAppendTime");

    private final String kafkaValue;

    TimestampType(String kafkaValue) {
      this.kafkaValue = kafkaValue;
    }

    /** The value of Kafka's {@code message.timestamp.type} setting. */
    public String kafkaValue() {
      return kafkaValue;
    }
  }

  /**
   * One topic's settings.
   *
   * @param name the topic name
   * @param partitions number of partitions
   * @param cleanup cleanup policy
   * @param retention how long records are kept; empty = forever ({@code retention.ms=-1})
   * @param timestampType which time its records carry
   * @param purpose one line saying what flows through it
   */
  public record TopicSpec(
      String name,
      int partitions,
      Cleanup cleanup,
      Optional<Duration> retention,
      TimestampType timestampType,
      String purpose) {
    public TopicSpec {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(cleanup, "cleanup");
      Objects.requireNonNull(retention, "retention");
      Objects.requireNonNull(timestampType, "timestampType");
      if (!LEGAL_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "illegal topic name '" + name + "': use at most 249 of [a-zA-Z0-9._-]");
      }
      if (partitions < 1) {
        throw new IllegalArgumentException(
            "topic " + name + " needs at least 1 partition, was " + partitions);
      }
    }

    /** A topic whose records carry the producer's time ({@link TimestampType#CREATE_TIME}). */
    public TopicSpec(
        String name,
        int partitions,
        Cleanup cleanup,
        Optional<Duration> retention,
        String purpose) {
      this(name, partitions, cleanup, retention, TimestampType.CREATE_TIME, purpose);
    }

    /** Replication factor on a cluster of {@code brokers} brokers: {@code min(3, brokers)}. */
    public short replicationFactor(int brokers) {
      if (brokers < 1) {
        throw new IllegalArgumentException("a cluster has at least 1 broker, was " + brokers);
      }
      return (short) Math.min(MAX_REPLICATION, brokers);
    }

    /**
     * {@code min.insync.replicas} on a cluster of {@code brokers} brokers: {@code min(2,
     * replication)}.
     */
    public int minInSyncReplicas(int brokers) {
      return Math.min(2, replicationFactor(brokers));
    }

    /** {@code retention.ms} as Kafka spells it; {@code -1} means forever. */
    public long retentionMs() {
      return retention.map(Duration::toMillis).orElse(-1L);
    }

    /** The topic-level Kafka configs for a cluster of {@code brokers} brokers. */
    public Map<String, String> configs(int brokers) {
      Map<String, String> configs = new LinkedHashMap<>();
      configs.put("cleanup.policy", cleanup.kafkaValue());
      configs.put("retention.ms", String.valueOf(retentionMs()));
      configs.put("min.insync.replicas", String.valueOf(minInSyncReplicas(brokers)));
      configs.put("message.timestamp.type", timestampType.kafkaValue());
      if (name.equals(MEMBER_KEYS_TOPIC)) {
        // An erased member's key (a tombstone) must be compacted away within minutes, not when a
        // week-long segment rolls: short segments, eager cleaning, tombstones kept one minute.
        configs.put("segment.ms", "60000");
        configs.put("min.cleanable.dirty.ratio", "0.01");
        configs.put("max.compaction.lag.ms", "120000");
        configs.put("delete.retention.ms", "60000");
      }
      return Map.copyOf(configs);
    }
  }

  private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
  private static final Pattern ID = Pattern.compile("[a-zA-Z0-9_-]{1,100}");
  private static final Duration WEEK = Duration.ofDays(7);
  private static final Duration MONTH = Duration.ofDays(30);

  public static final String NETWORK_OUTPUT_PREFIX = "lattice.out.network.";
  public static final String BRAND_OUTPUT_PREFIX = "lattice.out.brand.";

  /** Names of per-network output topics: {@code lattice.out.network.<networkId>}. */
  public static final Pattern NETWORK_OUTPUT =
      Pattern.compile(Pattern.quote(NETWORK_OUTPUT_PREFIX) + "([a-zA-Z0-9_-]+)");

  /** Names of per-brand output topics: {@code lattice.out.brand.<brandId>}. */
  public static final Pattern BRAND_OUTPUT =
      Pattern.compile(Pattern.quote(BRAND_OUTPUT_PREFIX) + "([a-zA-Z0-9_-]+)");

  public static final TopicSpec INGEST_MEMBER_DATA =
      new TopicSpec(
          "lattice.ingest.member-data",
          MEMBER_PARTITIONS,
          Cleanup.DELETE,
          Optional.of(WEEK),
          TimestampType.LOG_APPEND_TIME,
          "member data submitted by network services, keyed by member id");
  public static final TopicSpec INGEST_CONTENT =
      new TopicSpec(
          "lattice.ingest.content",
          MEMBER_PARTITIONS,
          Cleanup.DELETE,
          Optional.of(WEEK),
          TimestampType.LOG_APPEND_TIME,
          "content shared by members, keyed by author id");
  public static final TopicSpec INGEST_OFFERS =
      new TopicSpec(
          "lattice.ingest.offers",
          MEMBER_PARTITIONS,
          Cleanup.DELETE,
          Optional.of(WEEK),
          TimestampType.LOG_APPEND_TIME,
          "brand offers targeted at members, keyed by member id");
  public static final TopicSpec INGEST_PURCHASES =
      new TopicSpec(
          "lattice.ingest.purchases",
          MEMBER_PARTITIONS,
          Cleanup.DELETE,
          Optional.of(WEEK),
          TimestampType.LOG_APPEND_TIME,
          "purchases (for no-retargeting suppression), keyed by member id");
  public static final TopicSpec CONSENT_COMMANDS =
      new TopicSpec(
          "lattice.consent.commands",
          MEMBER_PARTITIONS,
          Cleanup.DELETE,
          Optional.of(WEEK),
          TimestampType.LOG_APPEND_TIME,
          "grant/withdraw/erase commands from members, keyed by member id");
  public static final TopicSpec CONSENT_LEDGER =
      new TopicSpec(
          "lattice.consent.ledger",
          MEMBER_PARTITIONS,
          Cleanup.COMPACT,
          Optional.empty(),
          "each member's whole consent state with a version (a table)");
  public static final TopicSpec CONSENT_REJECTIONS =
      new TopicSpec(
          "lattice.consent.rejections",
          MEMBER_PARTITIONS,
          Cleanup.DELETE,
          Optional.of(MONTH),
          "consent commands that were refused, with the reason");
  public static final TopicSpec MEMBER_KEYS =
      new TopicSpec(
          MEMBER_KEYS_TOPIC,
          MEMBER_PARTITIONS,
          Cleanup.COMPACT,
          Optional.empty(),
          TimestampType.LOG_APPEND_TIME,
          "per-member data keys; a tombstone crypto-shreds the member's data");
  public static final TopicSpec MEMBERSHIPS =
      new TopicSpec(
          "lattice.memberships",
          MEMBER_PARTITIONS,
          Cleanup.COMPACT,
          Optional.empty(),
          "which networks a member belongs to (key network|member, value first-seen instant),"
              + " written by the gateway (events and consents it accepts) and the topology (a"
              + " member's first event through a network); erasure writes tombstones");
  public static final TopicSpec POLICY_BUNDLES =
      new TopicSpec(
          "lattice.policy.bundles",
          1,
          Cleanup.DELETE,
          Optional.empty(),
          "published policy bundles, every revision kept for replay");
  public static final TopicSpec NETWORKS =
      new TopicSpec(
          "lattice.networks",
          1,
          Cleanup.COMPACT,
          Optional.empty(),
          "network documents (rules, agreements), keyed by network id");
  public static final TopicSpec API_KEYS =
      new TopicSpec(
          "lattice.gateway.api-keys",
          1,
          Cleanup.COMPACT,
          Optional.empty(),
          "API keys by key id: JSON records with the key's hash, role and scope (never the key)");
  public static final TopicSpec BRANDS =
      new TopicSpec(
          "lattice.gateway.brands",
          1,
          Cleanup.COMPACT,
          Optional.empty(),
          "registered brands by brand id (JSON records)");
  public static final TopicSpec BRAND_SUBSCRIPTIONS =
      new TopicSpec(
          "lattice.gateway.brand-subscriptions",
          1,
          Cleanup.COMPACT,
          Optional.empty(),
          "brands' delivery-stream subscriptions, keyed brandId/subscriptionId (JSON records)");
  public static final TopicSpec SECRET_FINGERPRINTS =
      new TopicSpec(
          "lattice.gateway.secret-fingerprints",
          1,
          Cleanup.COMPACT,
          Optional.empty(),
          "fingerprints of the secrets every instance must share, keyed <application id>/<setting>"
              + " (HMACs of a fixed label, never the secrets): an instance started with other"
              + " secrets refuses to start");
  public static final TopicSpec AUDIT_DECISIONS =
      new TopicSpec(
          "lattice.audit.decisions",
          MEMBER_PARTITIONS,
          Cleanup.DELETE,
          Optional.of(Duration.ofDays(365)),
          "one decision record per event and destination");
  public static final TopicSpec QUARANTINE =
      new TopicSpec(
          "lattice.quarantine",
          MEMBER_PARTITIONS,
          Cleanup.DELETE,
          Optional.of(MONTH),
          "events that could not be read or validated, with bytes and reason");
  public static final TopicSpec INSIGHTS =
      new TopicSpec(
          "lattice.insights",
          MEMBER_PARTITIONS,
          Cleanup.DELETE,
          Optional.of(MONTH),
          "privacy-preserving aggregates about offers, before fan-out to brands");

  public static final TopicSpec NOTICES =
      new TopicSpec(
          "lattice.notices",
          MEMBER_PARTITIONS,
          Cleanup.DELETE,
          Optional.of(MONTH),
          "notices for members (e.g. their network changed controller), keyed by member id, for"
              + " the network's app to show; written once per member by the topology");

  private static final List<TopicSpec> FIXED =
      List.of(
          INGEST_MEMBER_DATA,
          INGEST_CONTENT,
          INGEST_OFFERS,
          INGEST_PURCHASES,
          CONSENT_COMMANDS,
          CONSENT_LEDGER,
          CONSENT_REJECTIONS,
          MEMBER_KEYS,
          MEMBERSHIPS,
          POLICY_BUNDLES,
          NETWORKS,
          API_KEYS,
          BRANDS,
          BRAND_SUBSCRIPTIONS,
          SECRET_FINGERPRINTS,
          AUDIT_DECISIONS,
          QUARANTINE,
          INSIGHTS,
          NOTICES);

  private static final List<TopicSpec> MEMBER_KEYED_INPUTS =
      List.of(
          CONSENT_COMMANDS,
          MEMBER_KEYS,
          INGEST_MEMBER_DATA,
          INGEST_CONTENT,
          INGEST_PURCHASES,
          INGEST_OFFERS);

  private TopicCatalogue() {}

  /**
   * The input topics the topology orders one member's records across (consent commands, member
   * keys, member data, content, purchases, offers): {@link #MEMBER_PARTITIONS} partitions each,
   * keyed by member id (offers may have any key: every task gets a copy), {@link
   * TimestampType#LOG_APPEND_TIME}.
   */
  public static List<TopicSpec> memberKeyedInputs() {
    return MEMBER_KEYED_INPUTS;
  }

  /**
   * Every topic with a fixed name (per-network and per-brand outputs are made by the factories
   * below).
   */
  public static List<TopicSpec> fixedTopics() {
    return FIXED;
  }

  /**
   * The output topic of a network: what that network may receive.
   *
   * @throws IllegalArgumentException when {@code networkId} is not 1-100 of [a-zA-Z0-9_-]
   */
  public static TopicSpec networkOutput(String networkId) {
    return new TopicSpec(
        NETWORK_OUTPUT_PREFIX + checkId("networkId", networkId),
        MEMBER_PARTITIONS,
        Cleanup.DELETE,
        Optional.of(WEEK),
        "what network " + networkId + " may receive");
  }

  /**
   * The output topic of a brand: its consented offer deliveries and insights.
   *
   * @throws IllegalArgumentException when {@code brandId} is not 1-100 of [a-zA-Z0-9_-]
   */
  public static TopicSpec brandOutput(String brandId) {
    return new TopicSpec(
        BRAND_OUTPUT_PREFIX + checkId("brandId", brandId),
        MEMBER_PARTITIONS,
        Cleanup.DELETE,
        Optional.of(WEEK),
        "consented offer deliveries and insights for brand " + brandId);
  }

  /** The spec of any Lattice topic by name, including per-network and per-brand outputs. */
  public static Optional<TopicSpec> find(String name) {
    for (TopicSpec spec : FIXED) {
      if (spec.name().equals(name)) {
        return Optional.of(spec);
      }
    }
    var network = NETWORK_OUTPUT.matcher(name);
    if (network.matches() && ID.matcher(network.group(1)).matches()) {
      return Optional.of(networkOutput(network.group(1)));
    }
    var brand = BRAND_OUTPUT.matcher(name);
    if (brand.matches() && ID.matcher(brand.group(1)).matches()) {
      return Optional.of(brandOutput(brand.group(1)));
    }
    return Optional.empty();
  }

  private static String checkId(String what, String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          what + " must be 1-100 of [a-zA-Z0-9_-], was '" + id + "'");
    }
    return id;
  }
}
