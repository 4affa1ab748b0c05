package dev.lattice.gateway.limits;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Limits every request body must respect ({@code lattice.limits.*}), checked by {@link
 * RequestLimitsFilter} before any controller sees the body.
 *
 * @param maxRequestBytes largest body of any endpoint except ingest ({@code
 *     lattice.ingest.max-request-bytes}) and bundle uploads ({@code maxBundleBytes}); larger gets
 *     413
 * @param maxBundleBytes largest compressed policy bundle upload; larger gets 413
 * @param maxBundleUncompressedBytes largest total size of a bundle's files once unpacked; 413
 * @param maxBundleEntries most entries (files and directories) in an uploaded bundle; 413
 * @param maxJsonDepth deepest nesting of objects and arrays in a JSON body; deeper gets 400
 * @param maxJsonArrayLength most elements of any one JSON array (a batch included); 400 beyond
 * @param maxSubscriptionEntries most networks, and most categories, in one brand subscription
 * @param maxStreamsPerBrand most delivery streams (SSE) one brand may hold open at once; 429 beyond
 */
@ConfigurationProperties("lattice.limits")
public record RequestLimits(
    @DefaultValue("1048576") long maxRequestBytes,
    @DefaultValue("10485760") long maxBundleBytes,
    @DefaultValue("33554432") long maxBundleUncompressedBytes,
    @DefaultValue("1000") int maxBundleEntries,
    @DefaultValue("32") int maxJsonDepth,
    @DefaultValue("10000") int maxJsonArrayLength,
    @DefaultValue("100") int maxSubscriptionEntries,
    @DefaultValue("5") int maxStreamsPerBrand) {

  public RequestLimits {
    atLeast("max-request-bytes", maxRequestBytes, 1024);
    atLeast("max-bundle-bytes", maxBundleBytes, 1024);
    atLeast("max-bundle-uncompressed-bytes", maxBundleUncompressedBytes, 1024);
    atLeast("max-bundle-entries", maxBundleEntries, 1);
    atLeast("max-json-depth", maxJsonDepth, 2);
    atLeast("max-json-array-length", maxJsonArrayLength, 1);
    atLeast("max-subscription-entries", maxSubscriptionEntries, 1);
    atLeast("max-streams-per-brand", maxStreamsPerBrand, 1);
  }

  private static void atLeast(String name, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(
          "lattice.limits." + name + " must be at least " + min + ", was " + value);
    }
  }
}
