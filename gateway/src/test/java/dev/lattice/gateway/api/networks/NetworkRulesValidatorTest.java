package dev.lattice.gateway.api.networks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.gateway.problem.FieldProblem;
import org.junit.jupiter.api.Test;

class NetworkRulesValidatorTest {

  private final NetworkRulesValidator validator = new NetworkRulesValidator();

  @Test
  void anAgreementExpiryThatIsNotADateTimeIsRefusedAtItsPath() {
    String rules =
        """
        {"agreements": [{"network": "net-b", "purposes": ["marketing"], "expires_at": "never"}]}
        """;

    assertThat(validator.validate(rules, "$.rules"))
        .extracting(FieldProblem::path)
        .containsExactly("$.rules.agreements[0].expires_at");
  }

  @Test
  void anAgreementWithAnRfc3339ExpiryOrNoneIsValid() {
    String rules =
        """
        {"agreements": [
          {"network": "net-b", "purposes": ["marketing"], "expires_at": "2030-01-01T00:00:00Z"},
          {"network": "net-c", "purposes": ["*"], "expires_at": null}]}
        """;

    assertThat(validator.validate(rules, "$.rules")).isEmpty();
  }

  @Test
  void anAgreementExpiryThePolicyCannotReadIsRefusedOnceAtItsPath() {
    // RFC 3339 allows a lower-case t and z; the policy's time.parse_rfc3339_ns (Go's) does not
    String rules =
        """
        {"agreements": [
          {"network": "net-b", "purposes": ["*"], "expires_at": "2030-01-01t00:00:00z"},
          {"network": "net-c", "purposes": ["*"], "expires_at": "2030-01-01T00:00:00.5+02:00"}]}
        """;

    assertThat(validator.validate(rules, "$.rules"))
        .extracting(FieldProblem::path)
        .containsExactly("$.rules.agreements[0].expires_at");
  }
}
