package dev.lattice.cli.chaos;

import java.time.Duration;
import java.util.List;

/**
 * What a chaos run did and found.
 *
 * @param accepted ingest events the API accepted (202)
 * @param unconfirmed ingest events whose acceptance never reached the client (the instance died or
 *     timed out): they may be decided once or not at all
 * @param consentChanges consent grants and withdrawals answered 200/202
 * @param decisions audit records of the run's events
 * @param deliveries records on the output topics
 * @param badInputs undecodable records sent straight to an input topic
 * @param queries member queries (consent, activity) asked of the instances during the traffic
 * @param queriesUnavailable of those, answered 503 with Retry-After (an instance starting or
 *     rebalancing); every other answer was the member's state
 * @param queriesFromStandby of those, answered 200 from a standby copy of the member's state
 *     ({@code X-Lattice-Replica: standby}: the member's host was down or the group rebalancing)
 * @param faults every fault injected with its recovery time
 * @param violations every broken invariant (empty when the run is clean)
 * @param elapsed the whole run, start-up included
 */
public record ChaosReport(
    int accepted,
    int unconfirmed,
    int consentChanges,
    int decisions,
    int deliveries,
    int badInputs,
    int queries,
    int queriesUnavailable,
    int queriesFromStandby,
    List<Fault> faults,
    List<String> violations,
    long lost,
    long duplicated,
    long leaked,
    Duration elapsed) {

  /**
   * One fault.
   *
   * @param what what was done ("kill -9 instance 2", "stop broker 1", ...)
   * @param atSeconds seconds into the traffic
   * @param recovery from the fault until an event sent after it was decided (read_committed on the
   *     audit topic); for an instance restart, until the instance was healthy and such an event was
   *     decided; null when it did not recover within the run
   */
  public record Fault(String what, double atSeconds, Duration recovery) {}

  /** The figures as text, one per line. */
  public String describe() {
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            "events accepted: %d (unconfirmed: %d), consent changes: %d, bad inputs: %d%n",
            accepted, unconfirmed, consentChanges, badInputs));
    text.append(String.format("decisions: %d, deliveries: %d%n", decisions, deliveries));
    text.append(
        String.format(
            "member queries during the faults: %d (503 with Retry-After: %d, from a standby: %d)%n",
            queries, queriesUnavailable, queriesFromStandby));
    text.append(String.format("faults injected: %d%n", faults.size()));
    for (Fault f : faults) {
      text.append(
          String.format(
              "  t=%6.1fs  %-28s recovered in %s%n",
              f.atSeconds(),
              f.what(),
              f.recovery() == null
                  ? "(not within the run)"
                  : String.format("%.1fs", f.recovery().toMillis() / 1000.0)));
    }
    text.append(
        String.format(
            "lost: %d, duplicated: %d, leaked: %d, violations: %d%n",
            lost, duplicated, leaked, violations.size()));
    violations.stream().limit(20).forEach(v -> text.append("  ").append(v).append('\n'));
    if (violations.size() > 20) {
      text.append("  ... and ").append(violations.size() - 20).append(" more\n");
    }
    text.append(String.format("run took %ds%n", elapsed.toSeconds()));
    return text.toString();
  }
}
