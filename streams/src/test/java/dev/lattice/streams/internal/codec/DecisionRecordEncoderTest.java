package dev.lattice.streams.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.schemas.EventEncodingException;
import dev.lattice.schemas.LatticeSerdes;
import dev.lattice.schemas.avro.AppliedObligations;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.schemas.avro.Destination;
import dev.lattice.schemas.avro.ReasonEntry;
import dev.lattice.schemas.avro.SealedPersonal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class DecisionRecordEncoderTest {
  private static final dev.lattice.schemas.AvroCodec<DecisionRecord> AVRO =
      LatticeSerdes.codec(DecisionRecord.class);

  // One encoder for every try: its reused buffer must not carry anything from one record over.
  private final DecisionRecordEncoder encoder = new DecisionRecordEncoder();

  @Property(tries = 300)
  void writesTheSameBytesAsAvrosWriter(@ForAll("records") DecisionRecord record) {
    byte[] ours = encoder.encode(record);

    assertThat(ours).isEqualTo(AVRO.encode(record));
    assertThat(AVRO.decode(ours)).isEqualTo(record);
  }

  @Test
  void aRecordLargerThanItsBufferIsWrittenWhole() {
    DecisionRecord record =
        record(
            "x".repeat(3_000),
            null,
            List.of(new ReasonEntry("c", "é".repeat(700))),
            List.of(),
            Map.of(),
            new SealedPersonal("k", ByteBuffer.wrap(new byte[2_000])));

    assertThat(encoder.encode(record)).isEqualTo(AVRO.encode(record));
  }

  @Test
  void aNullRequiredFieldFailsAsAvrosWriterDoes() {
    DecisionRecord record = record("p", "m", List.of(), List.of(), Map.of(), null);
    record.setSourceNetwork(null);

    assertThatThrownBy(() -> encoder.encode(record))
        .isInstanceOf(EventEncodingException.class)
        .hasMessageContaining("source_network");
  }

  @Provide
  Arbitrary<DecisionRecord> records() {
    // ASCII, Latin-1, other BMP characters and surrogate pairs: every path of the string writer.
    Arbitrary<String> text =
        Arbitraries.oneOf(
            Arbitraries.strings().ascii().ofMaxLength(40),
            Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(12),
            Arbitraries.strings().withCharRange('\u0100', '\ud7ff').ofMaxLength(12),
            Arbitraries.of("\ud83d\ude00", "a\ud83d\ude00b", ""));
    Arbitrary<String> optional = text.injectNull(0.3);
    Arbitrary<List<ReasonEntry>> reasons =
        Combinators.combine(text, text).as(ReasonEntry::new).list().ofMaxSize(4);
    Arbitrary<List<String>> strings = text.list().ofMaxSize(3);
    Arbitrary<Map<String, String>> map =
        Arbitraries.maps(text, text).ofMaxSize(3).map(LinkedHashMap::new);
    Arbitrary<SealedPersonal> sealed =
        Combinators.combine(text, Arbitraries.bytes().array(byte[].class).ofMaxSize(64))
            .as((k, b) -> new SealedPersonal(k, ByteBuffer.wrap(b)))
            .injectNull(0.5);
    Arbitrary<Long> longs =
        Arbitraries.oneOf(
            Arbitraries.longs(),
            Arbitraries.longs().between(-200, 200),
            Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L));
    return Combinators.combine(
            Combinators.combine(text, text, text, optional, optional, text, text, text)
                .as(Arrays::asList),
            Combinators.combine(Arbitraries.of(true, false), reasons, strings, strings, map, map)
                .as(Arrays::asList),
            Combinators.combine(text, longs, optional, longs, longs, optional, strings, sealed)
                .as(Arrays::asList))
        .as(DecisionRecordEncoderTest::build);
  }

  @SuppressWarnings("unchecked")
  private static DecisionRecord build(List<?> a, List<?> b, List<?> c) {
    long millis = Math.floorMod((Long) c.get(3), 8_000_000_000_000L) - 1_000_000_000_000L;
    return DecisionRecord.newBuilder()
        .setDecisionId((String) a.get(0))
        .setEventId((String) a.get(1))
        .setEventType((String) a.get(2))
        .setPurpose((String) a.get(3))
        .setMemberId((String) a.get(4))
        .setSourceNetwork((String) a.get(5))
        .setDestination(new Destination((String) a.get(6), (String) a.get(7)))
        .setAllow((Boolean) b.get(0))
        .setReasons((List<ReasonEntry>) b.get(1))
        .setObligations(
            new AppliedObligations(
                (List<String>) b.get(2),
                (List<String>) b.get(3),
                (Map<String, String>) b.get(4),
                (Map<String, String>) b.get(5)))
        .setBundleRevision((String) c.get(0))
        .setConsentVersion((Long) c.get(1))
        .setConsentReceiptId((String) c.get(2))
        .setDecidedAt(Instant.ofEpochMilli(millis))
        .setEvalNanos((Long) c.get(4))
        .setCorrelationId((String) c.get(5))
        .setCategories((List<String>) c.get(6))
        .setSealedDetail((SealedPersonal) c.get(7))
        .build();
  }

  private static DecisionRecord record(
      String purpose,
      String member,
      List<ReasonEntry> reasons,
      List<String> categories,
      Map<String, String> generalize,
      SealedPersonal sealed) {
    return DecisionRecord.newBuilder()
        .setDecisionId("dec-1")
        .setEventId("evt-1")
        .setEventType("member_data")
        .setPurpose(purpose)
        .setMemberId(member)
        .setSourceNetwork("net-a")
        .setDestination(new Destination("network", "net-b"))
        .setAllow(true)
        .setReasons(reasons)
        .setObligations(new AppliedObligations(List.of("a"), List.of(), generalize, Map.of()))
        .setBundleRevision("rev")
        .setConsentVersion(3L)
        .setConsentReceiptId(null)
        .setDecidedAt(Instant.parse("2026-11-23T10:00:00Z"))
        .setEvalNanos(12_345L)
        .setCorrelationId(null)
        .setCategories(categories)
        .setSealedDetail(sealed)
        .build();
  }
}
