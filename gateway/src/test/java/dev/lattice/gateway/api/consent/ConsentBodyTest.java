package dev.lattice.gateway.api.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lattice.gateway.problem.FieldProblem;
import dev.lattice.gateway.problem.InvalidRequestException;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

class ConsentBodyTest {

  // As Spring Boot configures it: unknown properties do not fail binding by themselves.
  private final JsonMapper mapper =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  @Test
  void aMisspeltCategoriesFieldIsRefusedInsteadOfGrantingEveryCategory() {
    ConsentController.GrantBody body =
        mapper.readValue(
            "{\"categores\": [\"contact\"], \"networks\": [\"net-a\"]}",
            ConsentController.GrantBody.class);

    InvalidRequestException e =
        catchThrowableOfType(
            InvalidRequestException.class,
            () -> ConsentController.refuseUnknownFields(body.unknown(), "consent grant"));

    assertThat(e).isNotNull();
    assertThat(e.errors()).extracting(FieldProblem::path).containsExactly("$.categores");
    assertThat(body.networks()).containsExactly("net-a");
  }

  @Test
  void aGrantWithOnlyKnownFieldsBindsAndPasses() {
    ConsentController.GrantBody body =
        mapper.readValue(
            "{\"categories\": [\"contact\"], \"recipients\": [\"brand-x\"],"
                + " \"legalBasis\": \"consent\", \"expiresAt\": \"2030-01-01T00:00:00Z\"}",
            ConsentController.GrantBody.class);

    ConsentController.refuseUnknownFields(body.unknown(), "consent grant");

    assertThat(body.categories()).isEqualTo(List.of("contact"));
    assertThat(body.unknown()).isNullOrEmpty();
  }

  @Test
  void aTcfImportWithAnUnknownFieldIsRefusedAtThatField() {
    ConsentController.TcfBody body =
        mapper.readValue(
            "{\"tcString\": \"CP\", \"tc_string\": \"CP\"}", ConsentController.TcfBody.class);

    InvalidRequestException e =
        catchThrowableOfType(
            InvalidRequestException.class,
            () -> ConsentController.refuseUnknownFields(body.unknown(), "TCF import"));

    assertThat(e.errors()).extracting(FieldProblem::path).containsExactly("$.tc_string");
  }

  @Test
  void aBlankMemberIdOrOneWithAControlCharacterIsRefusedBeforeAnyCommandIsWritten() {
    for (String id : new String[] {" ", "m\u0001x"}) {
      InvalidRequestException e =
          catchThrowableOfType(
              InvalidRequestException.class, () -> ConsentController.requireMemberId(id));
      assertThat(e).as(id).isNotNull();
      assertThat(e.errors()).extracting(FieldProblem::path).containsExactly("memberId");
    }
    ConsentController.requireMemberId("m-00042");
  }
}
