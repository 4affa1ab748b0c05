package dev.lattice.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.MemberPersonal;
import dev.lattice.schemas.avro.OfferEvent;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

class SchemaCatalogTest {

  @Test
  void theCatalogueListsEveryPublishedTypeWithVersionsAndFingerprints() {
    var schemas = SchemaCatalog.standard().schemas();

    assertThat(schemas)
        .extracting(PublishedSchema::name)
        .hasSize(SchemaCatalog.TYPES.size())
        .contains(
            "MemberDataEvent", "OfferEvent", "ConsentState", "QuarantineRecord", "MemberPersonal");
    assertThat(SchemaCatalog.standard().schema(MemberDataEvent.class).versions())
        .extracting(SchemaVersion::version)
        .containsExactly(1, 2);
  }

  @Test
  void aVersionIsFoundByTheFingerprintWrittenInTheBytes() {
    byte[] bytes =
        LatticeSerdes.codec(OfferEvent.class)
            .encode(
                AvroJson.fromJson(
                    """
            {"header": {"event_id": "e", "event_type": "offer", "source_network": "n", "occurred_at": 0},
             "offer_id": "o", "brand": "b", "sku": "s", "category": "c", "creative": {"headline": "h"},
             "valid_from": 0, "valid_until": 1}
            """,
                    OfferEvent.class));
    long fingerprint = 0;
    for (int i = 9; i >= 2; i--) {
      fingerprint = (fingerprint << 8) | (bytes[i] & 0xff);
    }

    assertThat(SchemaCatalog.standard().owner(fingerprint))
        .map(PublishedSchema::name)
        .contains("OfferEvent");
    assertThat(SchemaCatalog.standard().version(fingerprint).orElseThrow().fingerprint())
        .isEqualTo(SchemaNormalization.parsingFingerprint64(OfferEvent.getClassSchema()));
  }

  @Test
  void fingerprintsArePrintedAsSixteenHexDigits() {
    SchemaVersion v = SchemaCatalog.standard().schema(MemberPersonal.class).latest();

    assertThat(v.fingerprintHex()).hasSize(16).isEqualTo(String.format("%016x", v.fingerprint()));
  }
}
