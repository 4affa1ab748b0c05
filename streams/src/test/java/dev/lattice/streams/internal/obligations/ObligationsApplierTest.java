package dev.lattice.streams.internal.obligations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.policy.Obligations;
import dev.lattice.schemas.avro.Address;
import dev.lattice.schemas.avro.ContentPersonal;
import dev.lattice.schemas.avro.MemberPersonal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObligationsApplierTest {
  private final ObligationsApplier applier =
      new ObligationsApplier(
          new Pseudonymiser("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8)));
  private final MemberPersonal ann =
      MemberPersonal.newBuilder()
          .setEmail("ann@example.org")
          .setHome(
              Address.newBuilder()
                  .setStreet("1 Snow Rd")
                  .setPostalCode("3920")
                  .setCity("Zermatt")
                  .setRegion("Valais")
                  .setCountry("CH")
                  .build())
          .setExternalIds(Map.of("crm", "c-1"))
          .build();

  @Test
  void redactionGeneralisationAndPseudonymisationApplyToACopy() {
    ObligationsApplier.Applied out =
        applier.apply(
            new Obligations(
                List.of("payload.email"),
                List.of("member_id", "payload.external_ids"),
                Map.of("payload.home.city", "country")),
            "network",
            "book-circle",
            ann,
            "m-1");

    MemberPersonal p = (MemberPersonal) out.personal();
    assertThat(p.getEmail()).isNull();
    assertThat(p.getHome().getCity()).isNull();
    assertThat(p.getHome().getRegion()).isNull();
    assertThat(p.getHome().getCountry()).isEqualTo("CH");
    assertThat(p.getExternalIds().get("crm")).startsWith("p-");
    assertThat(out.memberId()).startsWith("p-");
    assertThat(ann.getEmail()).as("the original is untouched").isEqualTo("ann@example.org");
  }

  @Test
  void pseudonymsAreStablePerDestinationAndDifferAcrossDestinations() {
    Obligations o = new Obligations(List.of(), List.of("member_id"), Map.of());
    String a1 = applier.apply(o, "brand", "acme", null, "m-1").memberId();
    String a2 = applier.apply(o, "brand", "acme", null, "m-1").memberId();
    String b = applier.apply(o, "brand", "globex", null, "m-1").memberId();

    assertThat(a1).isEqualTo(a2).isNotEqualTo(b);
  }

  @Test
  void aFreeTextLocationThatCannotBeCoarsenedIsRemoved() {
    ContentPersonal post =
        ContentPersonal.newBuilder().setPlace("Zermatt, by the lift").setBody("hi").build();

    ContentPersonal out =
        (ContentPersonal)
            applier
                .apply(
                    new Obligations(List.of(), List.of(), Map.of("payload.place", "region")),
                    "network",
                    "x",
                    post,
                    "m-1")
                .personal();

    assertThat(out.getPlace()).isNull();
    assertThat(out.getBody()).isEqualTo("hi");
  }

  @Test
  void anObligationOnAnUnknownPathIsUnenforceable() {
    assertThatThrownBy(
            () ->
                applier.apply(
                    new Obligations(List.of("payload.shoe_size"), List.of(), Map.of()),
                    "network",
                    "x",
                    ann,
                    "m-1"))
        .isInstanceOf(UnenforceableObligationException.class)
        .hasMessageContaining("payload.shoe_size");
  }
}
