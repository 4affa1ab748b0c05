package dev.lattice.schemas;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serializers, deserializers and Kafka Streams serdes for every published Lattice record,
 * e.g. {@code LatticeSerdes.of(MemberDataEvent.class)}.
 *
 * <p>Values are Avro single-object encoded. A {@code null} value (tombstone) passes through as
 * {@code null} both ways. Deserializing bad bytes throws {@link EventDecodingException}. All
 * instances are thread-safe and stateless apart from caches.
 */
public final class LatticeSerdes {

  private static final Map<Class<?>, AvroCodec<?>> CODECS = new ConcurrentHashMap<>();

  private LatticeSerdes() {}

  /** The codec of a published type (cached, thread-safe). */
  @SuppressWarnings("unchecked")
  public static <T extends SpecificRecord> AvroCodec<T> codec(Class<T> type) {
    return (AvroCodec<T>)
        CODECS.computeIfAbsent(type, t -> new AvroCodec<>(type, SchemaCatalog.standard()));
  }

  /** A Kafka Streams serde for a published type. */
  public static <T extends SpecificRecord> Serde<T> of(Class<T> type) {
    return new LatticeSerde<>(codec(type));
  }

  public static <T extends SpecificRecord> Serializer<T> serializer(Class<T> type) {
    return new LatticeSerializer<>(codec(type));
  }

  public static <T extends SpecificRecord> Deserializer<T> deserializer(Class<T> type) {
    return new LatticeDeserializer<>(codec(type));
  }

  private record LatticeSerializer<T extends SpecificRecord>(AvroCodec<T> codec)
      implements Serializer<T> {
    @Override
    public byte[] serialize(String topic, T data) {
      return data == null ? null : codec.encode(data);
    }
  }

  private record LatticeDeserializer<T extends SpecificRecord>(AvroCodec<T> codec)
      implements Deserializer<T> {
    @Override
    public T deserialize(String topic, byte[] data) {
      return data == null ? null : codec.decode(data);
    }
  }

  private record LatticeSerde<T extends SpecificRecord>(AvroCodec<T> codec) implements Serde<T> {
    @Override
    public Serializer<T> serializer() {
      return new LatticeSerializer<>(codec);
    }

    @Override
    public Deserializer<T> deserializer() {
      return new LatticeDeserializer<>(codec);
    }
  }
}
