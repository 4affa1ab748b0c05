package dev.lattice.gateway.topology;

import dev.lattice.streams.InsightSettings;
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
 * @param insights brand insight parameters ({@code lattice.streams.insights.*}; docs/privacy.md)
 */
@ConfigurationProperties("lattice.streams")
public record TopologySettingsProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("lattice") String applicationId,
    String pseudonymSecret,
    @DefaultValue("true") boolean persistentStores,
    @DefaultValue("60s") Duration startTimeout,
    @DefaultValue("30s") Duration closeTimeout,
    @DefaultValue Insights insights) {

  public TopologySettingsProperties {
    if (applicationId == null || applicationId.isBlank()) {
      throw new IllegalArgumentException("lattice.streams.application-id must not be blank");
    }
    if (pseudonymSecret != null && !pseudonymSecret.isBlank() && pseudonymSecret.length() < 32) {
      throw new IllegalArgumentException(
          "lattice.streams.pseudonym-secret must be at least 32 characters (or blank to generate one)");
    }
  }

  /**
   * {@code lattice.streams.insights.*}: see {@link InsightSettings} (defaults are its defaults).
   */
  public record Insights(
      @DefaultValue("1d") Duration window,
      @DefaultValue("15m") Duration grace,
      @DefaultValue("1.0") double memberDayEpsilon,
      @DefaultValue("4") int cellsPerMemberDay,
      @DefaultValue("0.000001") double delta,
      @DefaultValue("2.0") double dailyEpsilon,
      @DefaultValue("60.0") double lifetimeEpsilon,
      @DefaultValue("30s") Duration checkEvery) {

    /** Validated settings; a bad value fails start-up naming the setting. */
    public InsightSettings toSettings() {
      return new InsightSettings(
          window,
          grace,
          memberDayEpsilon,
          cellsPerMemberDay,
          delta,
          dailyEpsilon,
          lifetimeEpsilon,
          checkEvery);
    }
  }
}
