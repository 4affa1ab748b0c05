package dev.lattice.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.internal.CompatibilityCheck;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SchemaEvolutionTest {

  static List<PublishedSchema> publishedSchemas() {
    return SchemaCatalog.standard().schemas();
  }

  @ParameterizedTest
  @MethodSource("publishedSchemas")
  void theGeneratedClassIsTheLatestPublishedVersion(PublishedSchema published) {
    Schema generated = SpecificData.get().getSchema(published.type());

    assertThat(published.latest().schema())
        .as(
            "src/main/avro/current/%s.avsc differs from published/%s/v%d.avsc: publish it with"
                + " SchemaPublisher (see schemas/README.md); never edit a published version",
            published.name(), published.name(), published.latest().version())
        .isEqualTo(generated);
  }

  @ParameterizedTest
  @MethodSource("publishedSchemas")
  void everyVersionIsBackwardAndForwardCompatibleWithAllItsPredecessors(PublishedSchema published) {
    List<String> problems = new ArrayList<>();
    List<SchemaVersion> versions = published.versions();
    for (int i = 1; i < versions.size(); i++) {
      SchemaVersion newer = versions.get(i);
      for (SchemaVersion older : versions.subList(0, i)) {
        problems.addAll(
            problems(published, "backward", newer, older, newer.schema(), older.schema()));
        problems.addAll(
            problems(published, "forward", newer, older, older.schema(), newer.schema()));
      }
    }

    assertThat(problems).as("compatibility problems of %s", published.name()).isEmpty();
  }

  private static List<String> problems(
      PublishedSchema published,
      String direction,
      SchemaVersion newer,
      SchemaVersion older,
      Schema reader,
      Schema writer) {
    return CompatibilityCheck.problems(reader, writer).stream()
        .map(
            p ->
                "%s v%d is not %s compatible with v%d: %s"
                    .formatted(published.name(), newer.version(), direction, older.version(), p))
        .toList();
  }

  @Test
  void anIncompatibleChangeIsReportedNamingTheRecordAndField() {
    Schema v1 =
        new Schema.Parser()
            .parse(
                """
                {"type":"record","name":"Offer","fields":[
                  {"name":"creative","type":{"type":"record","name":"Creative","fields":[
                    {"name":"headline","type":"string"}]}}]}
                """);
    Schema v2 =
        new Schema.Parser()
            .parse(
                """
                {"type":"record","name":"Offer","fields":[
                  {"name":"creative","type":{"type":"record","name":"Creative","fields":[
                    {"name":"headline","type":"string"},
                    {"name":"colour","type":"string"}]}}]}
                """);

    assertThat(CompatibilityCheck.problems(v2, v1))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("Offer.creative.colour: READER_FIELD_MISSING_DEFAULT");
    assertThat(CompatibilityCheck.problems(v1, v2)).isEmpty();
  }

  @Test
  void aFieldInsideANullableRecordIsNamedThroughTheUnion() {
    Schema v1 =
        new Schema.Parser()
            .parse(
                """
                {"type":"record","name":"Event","fields":[
                  {"name":"personal","type":["null",{"type":"record","name":"P","fields":[
                    {"name":"email","type":"string"}]}]}]}
                """);
    Schema v2 =
        new Schema.Parser()
            .parse(
                """
                {"type":"record","name":"Event","fields":[
                  {"name":"personal","type":["null",{"type":"record","name":"P","fields":[
                    {"name":"email","type":"int"}]}]}]}
                """);

    assertThat(CompatibilityCheck.problems(v2, v1))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("Event.personal.email: TYPE_MISMATCH");
  }

  @Test
  void memberDataEventHasARealSecondVersionWithANewOptionalField() {
    PublishedSchema published = SchemaCatalog.standard().schema(MemberDataEvent.class);
    Schema v1Personal = personal(published.versions().get(0).schema());
    Schema v2Personal = personal(published.versions().get(1).schema());

    assertThat(v1Personal.getField("preferred_language")).isNull();
    assertThat(v2Personal.getField("preferred_language")).isNotNull();
  }

  @Test
  void bytesWrittenWithVersionOneAreReadByCurrentCode() throws IOException {
    Schema v1 = SchemaCatalog.standard().schema(MemberDataEvent.class).versions().get(0).schema();
    GenericRecord old = v1Record(v1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old, out);

    MemberDataEvent decoded = LatticeSerdes.codec(MemberDataEvent.class).decode(out.toByteArray());

    assertThat(decoded.getHeader().getEventId()).isEqualTo("evt-1");
    assertThat(decoded.getPersonal().getEmail()).isEqualTo("ana@example.org");
    assertThat(decoded.getPersonal().getPreferredLanguage()).isNull();
  }

  @Test
  void bytesWrittenByCurrentCodeAreReadByAVersionOneReader() throws IOException {
    Schema v1 = SchemaCatalog.standard().schema(MemberDataEvent.class).versions().get(0).schema();
    byte[] current = LatticeSerdes.codec(MemberDataEvent.class).encode(Samples.memberDataEvent());
    BinaryMessageDecoder<GenericRecord> oldReader =
        new BinaryMessageDecoder<>(GenericData.get(), v1, SchemaCatalog.standard().store());

    GenericRecord decoded = oldReader.decode(current);

    GenericRecord personal = (GenericRecord) decoded.get("personal");
    assertThat(personal.get("email")).hasToString("ana@example.org");
    assertThat(personal.hasField("preferred_language")).isFalse();
  }

  private static GenericRecord v1Record(Schema v1) {
    GenericRecord header = new GenericData.Record(v1.getField("header").schema());
    header.put("event_id", "evt-1");
    header.put("event_type", "member_data");
    header.put("source_network", "ski-club");
    header.put("subject_member", "m-42");
    header.put("occurred_at", Samples.AT.toEpochMilli());
    header.put("schema_version", 1);
    header.put("correlation_id", null);
    GenericRecord personal = new GenericData.Record(personal(v1));
    for (Schema.Field f : personal.getSchema().getFields()) {
      if (f.hasDefaultValue()) {
        personal.put(f.name(), GenericData.get().getDefaultValue(f));
      }
    }
    personal.put("email", "ana@example.org");
    GenericRecord event = new GenericData.Record(v1);
    event.put("header", header);
    event.put("purpose", null);
    event.put("kind", "profile");
    event.put("personal", personal);
    event.put("sealed", null);
    return event;
  }

  private static Schema personal(Schema event) {
    return event.getField("personal").schema().getTypes().get(1);
  }
}
