package dev.lattice.gateway.api.ingest;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Ingest settings ({@code lattice.ingest.*}).
 *
 * @param maxRequestBytes largest accepted request body (single event or batch); larger gets 413
 * @param dedupWindow how many recently accepted event ids per instance are remembered to make
 *     retries idempotent
 */
@ConfigurationProperties("lattice.ingest")
public record IngestSettings(
    @DefaultValue("1048576") long maxRequestBytes, @DefaultValue("100000") int dedupWindow) {
  public IngestSettings {
    if (maxRequestBytes < 1024) {
      throw new IllegalArgumentException(
          "lattice.ingest.max-request-bytes must be at least 1024, was " + maxRequestBytes);
    }
    if (dedupWindow < 1) {
      throw new IllegalArgumentException(
          "lattice.ingest.dedup-window must be at least 1, was " + dedupWindow);
    }
  }
}
