package dev.lattice.schemas;

import java.util.Objects;

/**
 * The bytes of a record could not be decoded into the expected Avro type. This is the only
 * exception {@link AvroCodec#decode(byte[])} and the Kafka deserializers of {@link LatticeSerdes}
 * throw for bad input; the topology turns it into a quarantine record.
 *
 * <p>The message never contains record content (which may be personal data), only offsets, lengths,
 * fingerprints and schema names.
 */
public final class EventDecodingException extends RuntimeException {

  /** Why the bytes could not be decoded. */
  public enum Reason {
    /** No bytes at all (empty array). */
    EMPTY,
    /** The bytes do not start with the Avro single-object marker {@code C3 01}. */
    NOT_SINGLE_OBJECT,
    /** The schema fingerprint is not one of the published versions of any Lattice schema. */
    UNKNOWN_FINGERPRINT,
    /** The fingerprint names a published schema of another record type. */
    WRONG_TYPE,
    /** The bytes end before the record does. */
    TRUNCATED,
    /** The bytes are not a valid encoding of the writer schema (or have trailing bytes). */
    CORRUPT
  }

  private final Reason reason;
  private final Long fingerprint;

  public EventDecodingException(Reason reason, Long fingerprint, String message, Throwable cause) {
    super(Objects.requireNonNull(reason, "reason") + ": " + message, cause);
    this.reason = reason;
    this.fingerprint = fingerprint;
  }

  public EventDecodingException(Reason reason, Long fingerprint, String message) {
    this(reason, fingerprint, message, null);
  }

  public Reason reason() {
    return reason;
  }

  /** The writer schema fingerprint read from the bytes, or {@code null} when none could be read. */
  public Long fingerprint() {
    return fingerprint;
  }
}
