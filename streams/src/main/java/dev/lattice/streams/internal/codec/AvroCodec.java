package dev.lattice.streams.internal.codec;

import dev.lattice.schemas.EventDecodingException;
import dev.lattice.schemas.LatticeSerdes;
import org.apache.avro.specific.SpecificRecord;

/**
 * The schemas module's single-object codec (every published schema version readable), with its
 * typed decoding error turned into {@link UndecodableRecordException}, which the topology
 * quarantines. Thread-safe.
 */
public final class AvroCodec<T extends SpecificRecord> {
  private final dev.lattice.schemas.AvroCodec<T> codec;

  private AvroCodec(Class<T> type) {
    this.codec = LatticeSerdes.codec(type);
  }

  public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type) {
    return new AvroCodec<>(type);
  }

  public byte[] encode(T record) {
    return codec.encode(record);
  }

  /**
   * @throws UndecodableRecordException when the bytes are not a published version of {@code T}
   */
  public T decode(byte[] bytes) {
    if (bytes == null) {
      throw new UndecodableRecordException(
          codec.type().getSimpleName() + " value is missing (null)");
    }
    try {
      return codec.decode(bytes);
    } catch (EventDecodingException e) {
      throw new UndecodableRecordException(e.getMessage(), e);
    }
  }

  public Class<T> type() {
    return codec.type();
  }
}
