package dev.lattice.gateway.cluster;

import dev.lattice.gateway.events.CompactedTopicView;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, before an instance hashes an API key, wraps a member key, derives a pseudonym or starts
 * the topology, that its shared secrets are the ones the other instances of its cluster use. Each
 * secret's fingerprint ({@link SharedSecret}) is recorded in the compacted topic {@code
 * lattice.gateway.secret-fingerprints} under {@code <application id>/<setting>} by the first
 * instance that starts; every later start compares its own and refuses to go on with a different
 * one ({@link SharedSecretMismatchException}, naming each setting, its environment variable, and
 * where this instance generated its own value). Without the check a second instance started without
 * the first one's secrets would run, yet reject every API key made on the first, give members other
 * pseudonyms and fail to open their data keys.
 *
 * <p>A secret that was not set (only the cluster secret may be unset) and is set now is recorded
 * without complaint: a lone instance is being joined by others.
 *
 * <p>The view keeps the first record per key: two instances starting at the same moment with
 * different secrets both write, the later of them finds the earlier record, writes it again (so
 * that compaction, which keeps the latest record, keeps it) and refuses to start. {@code
 * lattice.cluster.replace-secret-fingerprints=true} records this instance's fingerprints instead,
 * for a secret changed on purpose on every instance.
 */
public final class SharedSecretsCheck {

  private static final Logger LOGGER = LoggerFactory.getLogger(SharedSecretsCheck.class);

  /**
   * A fingerprint as recorded (JSON; unknown fields are ignored).
   *
   * @param fingerprint the secret's fingerprint ({@link SharedSecret#fingerprint()})
   * @param recordedAt when the instance recorded it
   * @param instance the recording instance's advertised URL (for the error message)
   */
  public record Recorded(String fingerprint, Instant recordedAt, String instance) {}

  private final CompactedTopicView<Recorded> view;
  private final String applicationId;
  private final String instance;
  private final Clock clock;

  /**
   * @param view the topic's view, keeping the first record per key ({@code keeping((first, later)
   *     -> first)}), writable and started
   * @param applicationId the Kafka Streams application id: the instances sharing it are one cluster
   * @param instance this instance's advertised URL
   */
  public SharedSecretsCheck(
      CompactedTopicView<Recorded> view, String applicationId, String instance, Clock clock) {
    this.view = Objects.requireNonNull(view, "view");
    this.applicationId = Objects.requireNonNull(applicationId, "applicationId");
    this.instance = Objects.requireNonNull(instance, "instance");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Records the fingerprints the cluster has none of yet and compares the others.
   *
   * @param replace record this instance's fingerprints over different ones instead of refusing
   * @throws SharedSecretMismatchException when a secret differs from the cluster's
   */
  public void verify(List<SharedSecret> secrets, boolean replace) {
    Map<String, Recorded> recorded = view.current();
    warnOfOtherClusters(recorded.keySet());
    List<String> problems = new ArrayList<>();
    for (SharedSecret secret : secrets) {
      String key = key(secret.setting());
      Recorded ours = new Recorded(secret.fingerprint(), clock.instant(), instance);
      Recorded theirs = recorded.get(key);
      if (theirs == null) {
        view.put(key, ours);
        // The view keeps the first record: another instance may have recorded its own meanwhile.
        theirs = view.current().get(key);
        if (theirs != null && !theirs.fingerprint().equals(secret.fingerprint())) {
          view.put(key, theirs); // the latest record, which compaction keeps, is the first again
          problems.add(problem(secret, theirs));
        }
      } else if (!theirs.fingerprint().equals(secret.fingerprint())) {
        if (SharedSecret.UNSET.equals(theirs.fingerprint())) {
          // Set now where it was not (a lone instance being joined by others): nothing made
          // under the old state depends on it.
          LOGGER.info("Recording the cluster's first {} (it was not set before)", secret.setting());
          view.remove(key);
          view.put(key, ours);
        } else if (replace) {
          LOGGER.warn(
              "Replacing the cluster's recorded fingerprint of {} (recorded by {} at {}) with this"
                  + " instance's (lattice.cluster.replace-secret-fingerprints=true)",
              secret.setting(),
              theirs.instance(),
              theirs.recordedAt());
          view.remove(key);
          view.put(key, ours);
        } else {
          problems.add(problem(secret, theirs));
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new SharedSecretMismatchException(
          "this instance's secrets differ from those of the other instances of Lattice cluster '"
              + applicationId
              + "' (lattice.streams.application-id) on this Kafka: "
              + String.join("; ", problems)
              + ". Give every instance the same values (README, \"Running a cluster\"); if you"
              + " changed them on purpose on every instance, start once with"
              + " --lattice.cluster.replace-secret-fingerprints=true");
    }
  }

  /**
   * Another application id on the same topics is another Lattice that decides and delivers every
   * event a second time: legitimate only while moving from one to the other, so it is logged, not
   * refused.
   */
  private void warnOfOtherClusters(java.util.Set<String> keys) {
    java.util.Set<String> others = new java.util.TreeSet<>();
    for (String key : keys) {
      int slash = key.lastIndexOf('/');
      String id = slash < 0 ? key : key.substring(0, slash);
      if (!id.equals(applicationId)) {
        others.add(id);
      }
    }
    if (!others.isEmpty()) {
      LOGGER.warn(
          "Other Lattice clusters (application ids {}) have used these topics: each cluster decides"
              + " and delivers every event, so running two at once delivers twice; give every"
              + " instance of one Lattice the same lattice.streams.application-id (this one: {})",
          others,
          applicationId);
    }
  }

  private String key(String setting) {
    return applicationId + "/" + setting;
  }

  private static String problem(SharedSecret secret, Recorded theirs) {
    String differs;
    if (SharedSecret.UNSET.equals(secret.fingerprint())) {
      differs = " is not set here, but is set on the other instances";
    } else {
      differs = " differs";
    }
    String generated =
        secret.generatedIn() == null
            ? ""
            : "; this instance generated its own into "
                + secret.generatedIn()
                + " because "
                + secret.environmentVariable()
                + " is not set here: when the first instance generated its own too, copy its file"
                + " (the same path under its data directory) over this one";
    return secret.setting()
        + differs
        + " (first recorded by "
        + theirs.instance()
        + " at "
        + theirs.recordedAt()
        + "): set "
        + secret.environmentVariable()
        + " to the same value on every instance"
        + generated;
  }
}
