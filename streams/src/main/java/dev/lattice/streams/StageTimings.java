package dev.lattice.streams;

/**
 * Receives the time the enforcing topology spends in each stage of enforcement, for benchmarks
 * ({@link LatticeTopology#build(TopologySettings, StageTimings)}). Without one (the default) the
 * topology reads no clock for it: production pays one null check per stage.
 *
 * <p>Called from every stream thread: implementations must be thread-safe and cheap (a {@code
 * LongAdder} per stage).
 */
@FunctionalInterface
public interface StageTimings {

  /** The stages of enforcing one event or offer copy. */
  enum Stage {
    /** Avro decoding of the input and opening its sealed personal data. */
    DECODE,
    /** Finding the candidate destinations and recording what the member did (memberships...). */
    ROUTE,
    /** Building each decision input and evaluating the policy. */
    DECIDE,
    /** Applying the obligations and building what each allowed destination receives. */
    OBLIGATIONS,
    /**
     * Encoding and handing the outputs to Kafka Streams (deliveries, audit records, insight ticks),
     * and writing the decision index. The transaction commit is not part of it.
     */
    WRITE;

    /** The JSON / report name. */
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Adds {@code nanos} spent in {@code stage}. */
  void add(Stage stage, long nanos);
}
