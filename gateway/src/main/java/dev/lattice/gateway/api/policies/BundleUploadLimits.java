package dev.lattice.gateway.api.policies;

import dev.lattice.gateway.problem.ApiProblemException;
import dev.lattice.gateway.problem.InvalidRequestException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.springframework.http.HttpStatus;

/**
 * Checks an uploaded bundle ({@code .tar.gz}) against the upload limits before it is unpacked for
 * real: at most {@code maxEntries} entries and at most {@code maxUncompressedBytes} once
 * decompressed, counted while streaming so that a small archive that inflates hugely (a "zip bomb")
 * is stopped early. Either violation is a 413 problem naming the setting. Thread-safe.
 */
public final class BundleUploadLimits {

  private final long maxUncompressedBytes;
  private final int maxEntries;

  public BundleUploadLimits(long maxUncompressedBytes, int maxEntries) {
    this.maxUncompressedBytes = maxUncompressedBytes;
    this.maxEntries = maxEntries;
  }

  /**
   * @throws ApiProblemException 413 when a limit is exceeded, 400 when the archive is unreadable
   */
  public void check(byte[] tarGz) {
    long total = 0;
    int entries = 0;
    byte[] buffer = new byte[8192];
    try (InputStream gz = new GzipCompressorInputStream(new ByteArrayInputStream(tarGz));
        TarArchiveInputStream tar = new TarArchiveInputStream(gz)) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        if (++entries > maxEntries) {
          throw tooLarge(
              "The bundle has more than " + maxEntries + " entries",
              "lattice.limits.max-bundle-entries",
              maxEntries);
        }
        if (entry.isFile()) {
          int read;
          while ((read = tar.read(buffer)) > 0) {
            total += read;
            if (total > maxUncompressedBytes) {
              throw tooLarge(
                  "The bundle unpacks to more than " + maxUncompressedBytes + " bytes",
                  "lattice.limits.max-bundle-uncompressed-bytes",
                  maxUncompressedBytes);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new InvalidRequestException(
          "The upload is not a readable .tar.gz bundle",
          java.util.List.of(
              new dev.lattice.gateway.problem.FieldProblem("bundle", e.getMessage())));
    }
  }

  private static ApiProblemException tooLarge(String detail, String setting, long limit) {
    return new ApiProblemException(
        HttpStatus.CONTENT_TOO_LARGE,
        "payload-too-large",
        "Payload too large",
        detail + "; split it or raise " + setting,
        Map.of("limit", limit));
  }
}
