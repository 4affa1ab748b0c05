package dev.lattice.gateway.api.policies;

import dev.lattice.gateway.problem.ApiProblemException;
import dev.lattice.gateway.problem.FieldProblem;
import dev.lattice.policy.PolicyActivationException;
import java.util.Map;
import org.springframework.http.HttpStatus;

/** The bundle failed to load, verify, compile or pass its own tests; it is not stored. */
public final class PolicyRejectedException extends ApiProblemException {
  public PolicyRejectedException(String revision, PolicyActivationException cause) {
    super(
        HttpStatus.UNPROCESSABLE_CONTENT,
        "policy-rejected",
        "Policy bundle rejected",
        "Bundle " + revision + " failed at stage " + cause.stage() + "; nothing was stored",
        Map.of(
            "stage",
            cause.stage().name().toLowerCase(java.util.Locale.ROOT),
            "errors",
            cause.problems().stream().map(p -> new FieldProblem("bundle", p)).toList()));
    initCause(cause);
  }
}
