package dev.lattice.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lattice.schemas.avro.ConsentAction;
import dev.lattice.schemas.avro.ConsentCommand;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.OfferEvent;
import java.time.Instant;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroJsonTest {

  private static final String OFFER =
      """
      {
        "header": {"event_id": "evt-9", "event_type": "offer", "source_network": "acme-shop",
                   "occurred_at": "2026-11-23T10:00:00Z"},
        "offer_id": "off-1", "brand": "acme", "sku": "SKI-001", "category": "outdoor",
        "creative": {"headline": "New skis"},
        "target_networks": ["ski-club"],
        "valid_from": 1795428000000,
        "valid_until": "2026-12-31T23:59:59+01:00"
      }
      """;

  static Iterable<Class<? extends SpecificRecord>> publishedTypes() {
    return SchemaCatalog.TYPES;
  }

  @Test
  void aValidOfferIsConvertedWithDefaultsAndBothTimestampForms() {
    OfferEvent offer = AvroJson.fromJson(OFFER, OfferEvent.class);

    assertThat(offer.getHeader().getSubjectMember()).isNull();
    assertThat(offer.getHeader().getSchemaVersion()).isEqualTo(1);
    assertThat(offer.getValidFrom()).isEqualTo(Instant.ofEpochMilli(1795428000000L));
    assertThat(offer.getValidUntil()).isEqualTo(Instant.parse("2026-12-31T22:59:59Z"));
    assertThat(offer.getCreative().getBody()).isNull();
  }

  @Test
  void everyErrorOfTheDocumentIsReportedWithItsPathAndExpectation() {
    String bad =
        OFFER
            .replace("\"2026-12-31T23:59:59+01:00\"", "\"tomorrow\"")
            .replace("\"brand\": \"acme\", ", "")
            .replace("[\"ski-club\"]", "[\"ski-club\", 7]")
            .replace(
                "{\"headline\": \"New skis\"}",
                "{\"headline\": \"New skis\", \"colour\": \"red\"}");

    SchemaViolationException e =
        catchThrowableOfType(
            SchemaViolationException.class, () -> AvroJson.fromJson(bad, OfferEvent.class));

    assertThat(e.errors())
        .extracting(FieldError::toString)
        .containsExactlyInAnyOrder(
            "brand: required field missing, expected string",
            "creative.colour: unknown field of Creative; expected one of [headline, body, image_url, link_url]",
            "target_networks[1]: expected string, got 7",
            "valid_until: expected timestamp-millis (ISO-8601 instant such as 2026-11-23T10:00:00Z, or"
                + " epoch milliseconds), got \"tomorrow\"");
    assertThat(e.schemaName()).isEqualTo("OfferEvent");
  }

  @Test
  void aWrongTypeInAFieldWithAPrimitiveTypeIsAnErrorAtItsPathNotAFailure() {
    String bad =
        OFFER.replace(
            "\"occurred_at\": \"2026-11-23T10:00:00Z\"",
            "\"occurred_at\": \"2026-11-23T10:00:00Z\", \"schema_version\": \"two\"");

    SchemaViolationException e =
        catchThrowableOfType(
            SchemaViolationException.class, () -> AvroJson.fromJson(bad, OfferEvent.class));

    assertThat(e.errors())
        .extracting(FieldError::toString)
        .containsExactly("header.schema_version: expected int, got \"two\"");
  }

  @Test
  void anUnknownEnumSymbolListsTheAllowedOnes() {
    String json =
        """
        {"command_id": "c1", "member_id": "m-42", "action": "FORGET", "issued_at": 0}
        """;

    SchemaViolationException e =
        catchThrowableOfType(
            SchemaViolationException.class, () -> AvroJson.fromJson(json, ConsentCommand.class));

    assertThat(e.errors())
        .containsExactly(
            new FieldError(
                "action",
                "expected one of [GRANT, WITHDRAW, ERASE, TCF_IMPORT, UNKNOWN, RECONFIRM], got \"FORGET\""));
  }

  @Test
  void malformedJsonIsOneErrorAtTheDocumentRoot() {
    SchemaViolationException e =
        catchThrowableOfType(
            SchemaViolationException.class,
            () -> AvroJson.fromJson("{\"offer_id\": ", OfferEvent.class));

    assertThat(e.errors()).singleElement().satisfies(err -> assertThat(err.path()).isEqualTo("$"));
  }

  @Test
  void aDocumentThatIsNotAnObjectIsRejected() {
    SchemaViolationException e =
        catchThrowableOfType(
            SchemaViolationException.class, () -> AvroJson.fromJson("[1]", OfferEvent.class));

    assertThat(e.errors())
        .containsExactly(new FieldError("$", "expected object (OfferEvent), got an array"));
  }

  @Test
  void aConsentCommandIsReadFromJson() {
    String json =
        """
        {"command_id": "c1", "member_id": "m-42", "action": "GRANT", "purpose": "marketing",
         "categories": ["profile", "interests"], "issued_at": "2026-11-23T10:00:00Z", "gpc": true}
        """;

    ConsentCommand command = AvroJson.fromJson(json, ConsentCommand.class);

    assertThat(command.getAction()).isEqualTo(ConsentAction.GRANT);
    assertThat(command.getCategories()).containsExactly("profile", "interests");
    assertThat(command.getSource()).isEqualTo("api");
    assertThat(command.getGpc()).isTrue();
  }

  @Test
  void avroToJsonWritesInstantsAsIsoStringsAndNestedPersonalData() {
    String json = AvroJson.toJson(Samples.memberDataEvent());

    assertThat(json)
        .contains("\"occurred_at\":\"2026-11-23T10:00:00Z\"")
        .contains("\"email\":\"ana@example.org\"")
        .contains("\"sealed\":null");
  }

  @ParameterizedTest
  @MethodSource("publishedTypes")
  <T extends SpecificRecord> void jsonOutputOfEveryTypeReadsBackToTheSameRecord(Class<T> type) {
    SpecificData model = SpecificData.getForClass(type);
    for (int seed = 0; seed < 30; seed++) {
      @SuppressWarnings("unchecked")
      T record = (T) new RandomRecords(model, seed).valueOf(model.getSchema(type));

      T back = AvroJson.fromJson(AvroJson.toJson(record), type);

      assertThat(back).as("%s seed %d", type.getSimpleName(), seed).isEqualTo(record);
    }
  }

  @Test
  void theSampleMemberEventRoundTripsThroughJson() {
    MemberDataEvent event = Samples.memberDataEvent();

    assertThat(AvroJson.fromJson(AvroJson.toJsonNode(event), MemberDataEvent.class))
        .isEqualTo(event);
  }

  @Test
  void errorsInsideNullableNestedRecordsNameTheFullPath() {
    String json =
        """
        {"header": {"event_id": "e1", "event_type": "member_data", "source_network": "ski-club",
                    "subject_member": "m-42", "occurred_at": "2026-11-23T10:00:00Z"},
         "personal": {"email": 42, "home": {"city": ["Chamonix"]}, "interests": "skiing",
                      "external_ids": {"crm": 7}}}
        """;

    SchemaViolationException e =
        catchThrowableOfType(
            SchemaViolationException.class, () -> AvroJson.fromJson(json, MemberDataEvent.class));

    assertThat(e.errors())
        .extracting(FieldError::toString)
        .containsExactly(
            "personal.email: expected string, got 42",
            "personal.home.city: expected string, got an array",
            "personal.interests: expected array of string, got \"skiing\"",
            "personal.external_ids.crm: expected string, got 7");
  }
}
