package dev.lattice.gateway.topology;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the gateway runs the enforcement topology ({@code lattice.streams.*}).
 *
 * @param enabled run the topology in this process (default true)
 * @param applicationId Kafka Streams application id (consumer group); instances with the same id
 *     share the work
 * @param pseudonymSecret secret (at least 32 characters) from which pseudonyms derive; when blank a
 *     random one is created once and kept in {@code <data-dir>/streams/pseudonym.secret}
 * @param persistentStores RocksDB stores (true) or in-memory stores (false; state is rebuilt from
 *     the changelogs at start)
 * @param startTimeout how long start-up waits for the topology to run before going on without it
 * @param closeTimeout how long stopping may take
 * @param standbyReplicas warm copies of each state store kept on other instances ({@code
 *     num.standby.replicas}), so that another instance takes over a failed one's members quickly
 * @param duplicateWindow an ingest event whose event id the topology saw within this window is
 *     dropped, whichever instance took it
 */
@ConfigurationProperties("lattice.streams")
public record TopologySettingsProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("lattice") String applicationId,
    String pseudonymSecret,
    @DefaultValue("true") boolean persistentStores,
    @DefaultValue("60s") Duration startTimeout,
    @DefaultValue("30s") Duration closeTimeout,
    @DefaultValue("1") int standbyReplicas,
    @DefaultValue("7d") Duration duplicateWindow) {

  public TopologySettingsProperties {
    if (applicationId == null || applicationId.isBlank()) {
      throw new IllegalArgumentException("lattice.streams.application-id must not be blank");
    }
    if (duplicateWindow == null || duplicateWindow.isNegative() || duplicateWindow.isZero()) {
      throw new IllegalArgumentException(
          "lattice.streams.duplicate-window must be a positive duration (e.g. 7d), was "
              + duplicateWindow);
    }
    if (standbyReplicas < 0) {
      throw new IllegalArgumentException(
          "lattice.streams.standby-replicas must be 0 or more, was " + standbyReplicas);
    }
    if (pseudonymSecret != null && !pseudonymSecret.isBlank() && pseudonymSecret.length() < 32) {
      throw new IllegalArgumentException(
          "lattice.streams.pseudonym-secret must be at least 32 characters (or blank to generate one)");
    }
  }
}
