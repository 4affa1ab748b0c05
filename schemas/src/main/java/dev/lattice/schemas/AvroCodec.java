package dev.lattice.schemas;

import dev.lattice.schemas.EventDecodingException.Reason;
import dev.lattice.schemas.internal.BoundedBinaryDecoder;
import dev.lattice.schemas.internal.BoundedBinaryDecoder.TruncatedInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes and decodes one record type with Avro's single-object encoding ({@code C3 01}, the 8-byte
 * little-endian CRC-64-AVRO fingerprint of the writer schema, then the Avro binary body).
 *
 * <p>Encoding always uses the current schema. Decoding accepts every published version of the type
 * (see {@link SchemaCatalog}) and resolves it to the current schema. Any input that cannot be
 * decoded raises {@link EventDecodingException} and nothing else.
 *
 * <p>Thread-safe; create once per type and share ({@link LatticeSerdes#codec(Class)} caches).
 */
public final class AvroCodec<T extends SpecificRecord> {

  private static final int HEADER_LENGTH = 10;
  private static final byte MARKER_0 = (byte) 0xC3;
  private static final byte MARKER_1 = (byte) 0x01;

  private final Class<T> type;
  private final Schema schema;
  private final SpecificData model;
  private final SchemaCatalog catalog;
  private final byte[] header;
  private final SpecificDatumWriter<T> writer;
  // Avro's BinaryMessageEncoder writes through a direct (unbuffered) encoder into a synchronized
  // stream; a reused buffered encoder per thread produces the same bytes about twice as fast.
  private static final ThreadLocal<BinaryEncoder> ENCODER = new ThreadLocal<>();
  private final Map<Long, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();

  AvroCodec(Class<T> type, SchemaCatalog catalog) {
    this.type = Objects.requireNonNull(type, "type");
    this.catalog = catalog;
    this.schema = catalog.schema(type).currentSchema();
    this.model = SpecificData.getForClass(type);
    this.writer = new SpecificDatumWriter<>(schema, model);
    long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
    this.header = new byte[HEADER_LENGTH];
    header[0] = MARKER_0;
    header[1] = MARKER_1;
    for (int i = 0; i < 8; i++) {
      header[2 + i] = (byte) (fingerprint >>> (8 * i));
    }
  }

  /** The codec of a published type, using the standard catalogue. */
  public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type) {
    return LatticeSerdes.codec(type);
  }

  public Class<T> type() {
    return type;
  }

  /** The current (writer) schema. */
  public Schema schema() {
    return schema;
  }

  /**
   * Encodes with the current schema.
   *
   * @throws EventEncodingException when a required field is null or a value does not fit its schema
   */
  public byte[] encode(T record) {
    Objects.requireNonNull(record, "record");
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(256);
      out.write(header);
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, ENCODER.get());
      ENCODER.set(encoder);
      writer.write(record, encoder);
      encoder.flush();
      return out.toByteArray();
    } catch (IOException | RuntimeException e) {
      throw new EventEncodingException(
          "cannot encode " + schema.getName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Decodes bytes written with any published version of this type.
   *
   * @throws EventDecodingException for empty, foreign, unknown, truncated or corrupt bytes
   */
  public T decode(byte[] bytes) {
    return decode(bytes, 0, bytes == null ? 0 : bytes.length);
  }

  /** Decodes {@code length} bytes starting at {@code offset}; see {@link #decode(byte[])}. */
  public T decode(byte[] bytes, int offset, int length) {
    if (bytes == null || length == 0) {
      throw new EventDecodingException(
          Reason.EMPTY, null, "no bytes to decode as " + schema.getName());
    }
    Objects.checkFromIndexSize(offset, length, bytes.length);
    byte[] marker = {MARKER_0, MARKER_1};
    for (int i = 0; i < Math.min(length, 2); i++) {
      if (bytes[offset + i] != marker[i]) {
        throw new EventDecodingException(
            Reason.NOT_SINGLE_OBJECT,
            null,
            "bytes do not start with the Avro single-object marker C3 01 (expected "
                + schema.getName()
                + ")");
      }
    }
    if (length < HEADER_LENGTH) {
      throw new EventDecodingException(
          Reason.TRUNCATED,
          null,
          "single-object header needs 10 bytes, got "
              + length
              + " (expected "
              + schema.getName()
              + ")");
    }
    long fingerprint = 0;
    for (int i = 9; i >= 2; i--) {
      fingerprint = (fingerprint << 8) | (bytes[offset + i] & 0xff);
    }
    SpecificDatumReader<T> reader = readers.get(fingerprint);
    if (reader == null) {
      reader = readerFor(fingerprint);
      readers.putIfAbsent(fingerprint, reader);
    }
    BoundedBinaryDecoder decoder =
        new BoundedBinaryDecoder(bytes, offset + HEADER_LENGTH, offset + length);
    T result;
    try {
      result = reader.read(null, decoder);
    } catch (TruncatedInputException e) {
      throw new EventDecodingException(
          Reason.TRUNCATED, fingerprint, schema.getName() + " body: " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw new EventDecodingException(
          Reason.CORRUPT,
          fingerprint,
          schema.getName()
              + " body is not valid Avro: "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage(),
          e);
    }
    if (decoder.remaining() != 0) {
      throw new EventDecodingException(
          Reason.CORRUPT,
          fingerprint,
          decoder.remaining() + " trailing bytes after a complete " + schema.getName());
    }
    return result;
  }

  private SpecificDatumReader<T> readerFor(long fingerprint) {
    SchemaVersion version =
        catalog
            .version(fingerprint)
            .orElseThrow(
                () ->
                    new EventDecodingException(
                        Reason.UNKNOWN_FINGERPRINT,
                        fingerprint,
                        "fingerprint "
                            + Long.toHexString(fingerprint)
                            + " is no published version of any Lattice schema (expected "
                            + schema.getName()
                            + ")"));
    Schema writer = version.schema();
    if (!writer.getFullName().equals(schema.getFullName())) {
      throw new EventDecodingException(
          Reason.WRONG_TYPE,
          fingerprint,
          "bytes are a "
              + writer.getName()
              + " v"
              + version.version()
              + ", expected "
              + schema.getName());
    }
    return new SpecificDatumReader<>(writer, schema, model);
  }
}
