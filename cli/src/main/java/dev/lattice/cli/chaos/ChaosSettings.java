package dev.lattice.cli.chaos;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How big a chaos run is.
 *
 * @param traffic how long steady traffic runs (fault cycles run inside it; the last cycle is
 *     finished even when it runs over)
 * @param cycle length of one fault cycle: kill -9 of an instance, a broker stopped, the broker
 *     restarted, the killed instance restarted
 * @param members members of the test network (each gets data, offers and consent changes)
 * @param eventsPerSecond target rate of API calls of the traffic
 * @param badInputs undecodable records written straight to an input topic (to be quarantined)
 * @param jar the Lattice application jar the instances run
 * @param java the java binary the instances run on
 * @param instanceHeapMb maximum heap of each instance process
 * @param dataDir brokers' and instances' data, logs of the instances
 * @param firstPort HTTP port of the first instance (the second gets the next one)
 * @param settle how long the checker waits for the topology to decide what was accepted
 * @param seed seed of the traffic's random choices
 */
public record ChaosSettings(
    Duration traffic,
    Duration cycle,
    int members,
    int eventsPerSecond,
    int badInputs,
    Path jar,
    String java,
    int instanceHeapMb,
    Path dataDir,
    int firstPort,
    Duration settle,
    long seed) {

  public ChaosSettings {
    if (members < 1 || eventsPerSecond < 1 || badInputs < 0 || instanceHeapMb < 128) {
      throw new IllegalArgumentException(
          "chaos settings out of range: members and eventsPerSecond must be positive, badInputs"
              + " not negative, instanceHeapMb at least 128");
    }
    if (traffic.isNegative() || traffic.isZero() || cycle.isNegative() || cycle.isZero()) {
      throw new IllegalArgumentException("chaos traffic and cycle must be positive durations");
    }
  }
}
