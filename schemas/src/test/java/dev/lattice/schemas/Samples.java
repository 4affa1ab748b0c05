package dev.lattice.schemas;

import dev.lattice.schemas.avro.Address;
import dev.lattice.schemas.avro.ContentEvent;
import dev.lattice.schemas.avro.ContentPersonal;
import dev.lattice.schemas.avro.EventHeader;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.MemberPersonal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Typical records, as the tests and the README describe them. */
final class Samples {
  private Samples() {}

  static final Instant AT = Instant.parse("2026-11-23T10:00:00Z");

  static EventHeader header(String type, String member) {
    return EventHeader.newBuilder()
        .setEventId("evt-123")
        .setEventType(type)
        .setSourceNetwork("ski-club")
        .setSubjectMember(member)
        .setOccurredAt(AT)
        .setSchemaVersion(2)
        .setCorrelationId("corr-1")
        .build();
  }

  static MemberDataEvent memberDataEvent() {
    return MemberDataEvent.newBuilder()
        .setHeader(header("member_data", "m-42"))
        .setPurpose("marketing")
        .setKind("profile")
        .setPersonal(
            MemberPersonal.newBuilder()
                .setDisplayName("Ana")
                .setBirthYear(1990)
                .setEmail("ana@example.org")
                .setPhone("+33 6 00 00 00 00")
                .setHome(
                    Address.newBuilder()
                        .setStreet("1 rue des Alpes")
                        .setPostalCode("74400")
                        .setCity("Chamonix")
                        .setRegion("Auvergne-Rhône-Alpes")
                        .setCountry("FR")
                        .build())
                .setInterests(List.of("skiing", "books"))
                .setActivityKind("joined_event")
                .setActivityDetail("winter opening")
                .setLastActiveAt(AT)
                .setExternalIds(Map.of("crm", "c-9"))
                .setPreferredLanguage("fr")
                .build())
        .build();
  }

  static ContentEvent contentEvent() {
    return ContentEvent.newBuilder()
        .setHeader(header("content", "m-42"))
        .setContentId("post-1")
        .setVisibility("cross_network")
        .setTargetNetworks(List.of("book-circle"))
        .setPersonal(
            ContentPersonal.newBuilder()
                .setAuthorDisplayName("Ana")
                .setTitle("Fresh snow")
                .setBody("First run of the season")
                .setTags(List.of("skiing"))
                .build())
        .build();
  }
}
