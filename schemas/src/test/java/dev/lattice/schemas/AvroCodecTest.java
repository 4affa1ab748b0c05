package dev.lattice.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.lattice.schemas.EventDecodingException.Reason;
import dev.lattice.schemas.avro.ContentEvent;
import dev.lattice.schemas.avro.MemberDataEvent;
import java.util.Arrays;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroCodecTest {

  static Iterable<Class<? extends SpecificRecord>> publishedTypes() {
    return SchemaCatalog.TYPES;
  }

  @ParameterizedTest
  @MethodSource("publishedTypes")
  <T extends SpecificRecord> void everyPublishedTypeSurvivesARoundTripWithRandomContent(
      Class<T> type) {
    AvroCodec<T> codec = LatticeSerdes.codec(type);
    SpecificData model = SpecificData.getForClass(type);
    for (int seed = 0; seed < 50; seed++) {
      @SuppressWarnings("unchecked")
      T record = (T) new RandomRecords(model, seed).valueOf(codec.schema());

      T decoded = codec.decode(codec.encode(record));

      assertThat(decoded).as("%s seed %d", type.getSimpleName(), seed).isEqualTo(record);
    }
  }

  @Test
  void theKafkaSerdePassesTombstonesThroughAsNull() {
    Serde<MemberDataEvent> serde = LatticeSerdes.of(MemberDataEvent.class);

    assertThat(serde.serializer().serialize("t", null)).isNull();
    assertThat(serde.deserializer().deserialize("t", null)).isNull();
  }

  @Test
  void theKafkaSerdeRoundTripsAnEvent() {
    Serde<MemberDataEvent> serde = LatticeSerdes.of(MemberDataEvent.class);
    MemberDataEvent event = Samples.memberDataEvent();

    byte[] bytes = serde.serializer().serialize("lattice.ingest.member-data", event);

    assertThat(serde.deserializer().deserialize("lattice.ingest.member-data", bytes))
        .isEqualTo(event);
  }

  @Test
  void bytesOfAnotherRecordTypeAreRejectedAsWrongType() {
    byte[] content = LatticeSerdes.codec(ContentEvent.class).encode(Samples.contentEvent());

    assertThatThrownBy(() -> LatticeSerdes.codec(MemberDataEvent.class).decode(content))
        .isInstanceOfSatisfying(
            EventDecodingException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_TYPE))
        .hasMessageContaining("ContentEvent");
  }

  @Test
  void anUnknownFingerprintIsRejectedWithTheFingerprint() {
    byte[] bytes = LatticeSerdes.codec(MemberDataEvent.class).encode(Samples.memberDataEvent());
    bytes[5] ^= 0x5a;

    assertThatThrownBy(() -> LatticeSerdes.codec(MemberDataEvent.class).decode(bytes))
        .isInstanceOfSatisfying(
            EventDecodingException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_FINGERPRINT);
              assertThat(e.fingerprint()).isNotNull();
            });
  }

  @Test
  void bytesWithoutTheSingleObjectMarkerAreRejected() {
    assertThatThrownBy(
            () -> LatticeSerdes.codec(MemberDataEvent.class).decode("{\"a\":1}".getBytes()))
        .isInstanceOfSatisfying(
            EventDecodingException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.NOT_SINGLE_OBJECT));
  }

  @Test
  void aTruncatedRecordIsReportedAsTruncated() {
    byte[] bytes = LatticeSerdes.codec(MemberDataEvent.class).encode(Samples.memberDataEvent());

    assertThatThrownBy(
            () ->
                LatticeSerdes.codec(MemberDataEvent.class)
                    .decode(Arrays.copyOf(bytes, bytes.length - 3)))
        .isInstanceOfSatisfying(
            EventDecodingException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED));
  }

  @Test
  void trailingBytesAfterACompleteRecordAreCorrupt() {
    byte[] bytes = LatticeSerdes.codec(MemberDataEvent.class).encode(Samples.memberDataEvent());

    assertThatThrownBy(
            () ->
                LatticeSerdes.codec(MemberDataEvent.class)
                    .decode(Arrays.copyOf(bytes, bytes.length + 2)))
        .isInstanceOfSatisfying(
            EventDecodingException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CORRUPT));
  }

  @Test
  void aMissingRequiredFieldFailsEncodingNamingTheRecord() {
    MemberDataEvent event = Samples.memberDataEvent();
    event.getHeader().setEventId(null);

    assertThatThrownBy(() -> LatticeSerdes.codec(MemberDataEvent.class).encode(event))
        .isInstanceOf(EventEncodingException.class)
        .hasMessageContaining("MemberDataEvent");
  }

  @Test
  void aHugeClaimedStringLengthIsReportedAsTruncatedWithoutAllocatingIt() {
    byte[] valid = LatticeSerdes.codec(MemberDataEvent.class).encode(Samples.memberDataEvent());
    byte[] bytes = Arrays.copyOf(valid, 15);
    // header.event_id length: zig-zag varint of 2^30 = 0x80 0x80 0x80 0x80 0x08
    bytes[10] = (byte) 0x80;
    bytes[11] = (byte) 0x80;
    bytes[12] = (byte) 0x80;
    bytes[13] = (byte) 0x80;
    bytes[14] = (byte) 0x08;

    assertThatThrownBy(() -> LatticeSerdes.codec(MemberDataEvent.class).decode(bytes))
        .isInstanceOfSatisfying(
            EventDecodingException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED))
        .hasMessageContaining("1073741824");
  }

  @ParameterizedTest
  @MethodSource("publishedTypes")
  <T extends SpecificRecord> void encodingIsExactlyAvrosSingleObjectEncoding(Class<T> type)
      throws Exception {
    AvroCodec<T> codec = LatticeSerdes.codec(type);
    SpecificData model = SpecificData.getForClass(type);
    var avro = new org.apache.avro.message.BinaryMessageEncoder<T>(model, codec.schema());
    for (int seed = 0; seed < 20; seed++) {
      @SuppressWarnings("unchecked")
      T record = (T) new RandomRecords(model, seed).valueOf(codec.schema());
      java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
      avro.encode(record, expected);

      assertThat(codec.encode(record)).isEqualTo(expected.toByteArray());
    }
  }

  @Test
  void aFailedEncodingLeavesNothingBehindForTheNextOne() {
    AvroCodec<MemberDataEvent> codec = LatticeSerdes.codec(MemberDataEvent.class);
    MemberDataEvent broken = Samples.memberDataEvent();
    broken.getHeader().setSourceNetwork(null);
    catchThrowable(() -> codec.encode(broken));

    byte[] bytes = codec.encode(Samples.memberDataEvent());

    assertThat(codec.decode(bytes)).isEqualTo(Samples.memberDataEvent());
  }
}
