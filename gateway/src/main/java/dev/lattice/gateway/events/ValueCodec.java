package dev.lattice.gateway.events;

import dev.lattice.schemas.AvroCodec;
import org.apache.avro.specific.SpecificRecord;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * How the values of a topic read into a {@link CompactedTopicView} are written and read. Stateless
 * implementations are thread-safe.
 */
public interface ValueCodec<V> {

  byte[] encode(V value);

  /**
   * @throws RuntimeException when the bytes are not a value of this type (the view reports and
   *     skips the record)
   */
  V decode(byte[] bytes);

  /** Avro single-object encoding of a generated class (every published version decodes). */
  static <V extends SpecificRecord> ValueCodec<V> avro(Class<V> type) {
    AvroCodec<V> codec = AvroCodec.of(type);
    return new ValueCodec<>() {
      @Override
      public byte[] encode(V value) {
        return codec.encode(value);
      }

      @Override
      public V decode(byte[] bytes) {
        return codec.decode(bytes);
      }
    };
  }

  /**
   * A JSON document of a Java record. Unknown fields are ignored, so records written by a newer
   * Lattice (with more fields) still read on an older instance during a rolling upgrade, and a
   * field added later reads as null from older records.
   */
  public static <V> ValueCodec<V> json(Class<V> type) {
    JsonMapper json =
        JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    return new ValueCodec<>() {
      @Override
      public byte[] encode(V value) {
        return json.writeValueAsBytes(value);
      }

      @Override
      public V decode(byte[] bytes) {
        return json.readValue(bytes, type);
      }
    };
  }
}
