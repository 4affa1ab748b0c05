package dev.lattice.schemas;

import java.util.HexFormat;
import org.apache.avro.Schema;

/**
 * One published version of a schema.
 *
 * @param version 1, 2, ... in publication order
 * @param fingerprint the CRC-64-AVRO fingerprint of the parsing canonical form (the one written in
 *     the single-object encoding header)
 * @param schema the full, self-contained schema of that version
 */
public record SchemaVersion(int version, long fingerprint, Schema schema) {

  /** The fingerprint as 16 hex digits, big-endian (as usually printed). */
  public String fingerprintHex() {
    return HexFormat.of().toHexDigits(fingerprint);
  }
}
