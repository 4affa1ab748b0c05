package dev.lattice.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.OfferEvent;
import dev.lattice.schemas.avro.PurchaseEvent;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DataCategoriesTest {

  static List<SchemaVersion> everyPublishedVersion() {
    return SchemaCatalog.standard().schemas().stream().flatMap(s -> s.versions().stream()).toList();
  }

  @ParameterizedTest
  @MethodSource("everyPublishedVersion")
  void everyFieldOfAPersonalDataRecordHasACategory(SchemaVersion version) {
    Set<String> missing = DataCategories.uncategorisedPersonalFields(version.schema());

    assertThat(missing)
        .as(
            "personal-data fields of %s v%d without %s",
            version.schema().getName(), version.version(), DataCategories.CATEGORY_PROPERTY)
        .isEmpty();
  }

  @ParameterizedTest
  @MethodSource("everyPublishedVersion")
  void everyCategoryNamedInAPublishedSchemaIsAKnownCategory(SchemaVersion version) {
    assertThat(DataCategories.of(version.schema())).isNotEmpty();
  }

  @Test
  void memberDataLeavesMapToTheirCategoriesWithNestedPaths() {
    var fields = DataCategories.personalFields(MemberDataEvent.getClassSchema());

    assertThat(fields)
        .contains(
            entry("personal.email", "contact"),
            entry("personal.home.city", "location"),
            entry("personal.interests", "interests"),
            entry("personal.external_ids", "identifiers"),
            entry("personal.preferred_language", "profile"),
            entry("header.subject_member", "identifiers"))
        .doesNotContainKeys("header.event_id", "sealed.ciphertext");
  }

  @Test
  void leavesWithoutACategoryAreListedWithNull() {
    var all = DataCategories.of(MemberDataEvent.class);

    assertThat(all).containsEntry("header.event_id", null).containsEntry("sealed.key_id", null);
  }

  @Test
  void anOfferCarriesNoPersonalDataBeyondTheOptionalSubjectOfItsHeader() {
    assertThat(DataCategories.personalFields(OfferEvent.getClassSchema()))
        .containsExactly(entry("header.subject_member", "identifiers"));
  }

  @Test
  void aCategoryOnARecordFieldIsInheritedByItsLeaves() {
    Schema schema =
        new Schema.Parser()
            .parse(
                """
                {"type":"record","name":"R","fields":[
                  {"name":"where","lattice.category":"location","type":
                    {"type":"record","name":"Place","lattice.personal":true,"fields":[{"name":"city","type":"string"}]}}]}
                """);

    assertThat(DataCategories.of(schema))
        .containsExactly(entry("where.city", DataCategory.LOCATION));
    assertThat(DataCategories.uncategorisedPersonalFields(schema)).isEmpty();
  }

  @Test
  void aPersonalRecordFieldWithoutCategoryIsReported() {
    Schema schema =
        new Schema.Parser()
            .parse(
                """
                {"type":"record","name":"P","lattice.personal":true,"fields":[
                  {"name":"email","type":"string","lattice.category":"contact"},
                  {"name":"nickname","type":"string"}]}
                """);

    assertThat(DataCategories.uncategorisedPersonalFields(schema)).containsExactly("nickname");
  }

  @Test
  void anUnknownCategoryIsRejectedNamingTheField() {
    Schema schema =
        new Schema.Parser()
            .parse(
                """
                {"type":"record","name":"P","fields":[{"name":"x","type":"string","lattice.category":"health"}]}
                """);

    assertThatThrownBy(() -> DataCategories.of(schema))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("P.x")
        .hasMessageContaining("health");
  }

  @Test
  void purchaseDeliveryAddressIsLocation() {
    assertThat(DataCategories.personalFields(PurchaseEvent.getClassSchema()))
        .containsEntry("personal.delivery.postal_code", "location")
        .containsEntry("personal.amount_minor", "purchases");
  }
}
