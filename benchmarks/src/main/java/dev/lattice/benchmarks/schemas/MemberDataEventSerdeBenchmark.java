package dev.lattice.benchmarks.schemas;

import dev.lattice.schemas.AvroCodec;
import dev.lattice.schemas.LatticeSerdes;
import dev.lattice.schemas.SchemaCatalog;
import dev.lattice.schemas.avro.Address;
import dev.lattice.schemas.avro.EventHeader;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.MemberPersonal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of the Lattice serde on a typical member data event (profile with address, interests
 * and ids; ~300 bytes encoded), in records per second: {@code java -jar
 * benchmarks/target/benchmarks.jar MemberDataEventSerde}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class MemberDataEventSerdeBenchmark {

  private AvroCodec<MemberDataEvent> codec;
  private MemberDataEvent event;
  private byte[] currentBytes;
  private byte[] v1Bytes;

  @Setup
  public void setUp() throws IOException {
    codec = LatticeSerdes.codec(MemberDataEvent.class);
    event = typicalEvent();
    currentBytes = codec.encode(event);
    v1Bytes = encodeAsVersionOne(currentBytes);
  }

  @Benchmark
  public byte[] serialize() {
    return codec.encode(event);
  }

  @Benchmark
  public MemberDataEvent deserialize() {
    return codec.decode(currentBytes);
  }

  /** Bytes written with the previous version (schema resolution on the read path). */
  @Benchmark
  public MemberDataEvent deserializeVersionOne() {
    return codec.decode(v1Bytes);
  }

  static MemberDataEvent typicalEvent() {
    Instant at = Instant.parse("2026-11-23T10:00:00Z");
    return MemberDataEvent.newBuilder()
        .setHeader(
            EventHeader.newBuilder()
                .setEventId("evt-7f3c2a90-6d1e-4f57-9a0b-3c1d2e4f5a6b")
                .setEventType("member_data")
                .setSourceNetwork("ski-club")
                .setSubjectMember("m-000042")
                .setOccurredAt(at)
                .setSchemaVersion(2)
                .setCorrelationId("corr-19c2")
                .build())
        .setPurpose("marketing")
        .setKind("profile")
        .setPersonal(
            MemberPersonal.newBuilder()
                .setDisplayName("Ana Martin")
                .setBirthYear(1990)
                .setEmail("ana.martin@example.org")
                .setPhone("+33 6 12 34 56 78")
                .setHome(
                    Address.newBuilder()
                        .setStreet("12 rue des Alpes")
                        .setPostalCode("74400")
                        .setCity("Chamonix")
                        .setRegion("Auvergne-Rhône-Alpes")
                        .setCountry("FR")
                        .build())
                .setInterests(List.of("skiing", "mountaineering", "books"))
                .setActivityKind("joined_event")
                .setActivityDetail("winter season opening")
                .setLastActiveAt(at)
                .setExternalIds(Map.of("crm", "c-0091"))
                .setPreferredLanguage("fr")
                .build())
        .build();
  }

  /** Re-encodes the event with the v1 writer schema (drops the v2 field). */
  private static byte[] encodeAsVersionOne(byte[] current) throws IOException {
    Schema v1 = SchemaCatalog.standard().schema(MemberDataEvent.class).versions().get(0).schema();
    var oldReader =
        new org.apache.avro.message.BinaryMessageDecoder<GenericRecord>(
            GenericData.get(), v1, SchemaCatalog.standard().store());
    GenericRecord old = oldReader.decode(current);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old, out);
    return out.toByteArray();
  }
}
