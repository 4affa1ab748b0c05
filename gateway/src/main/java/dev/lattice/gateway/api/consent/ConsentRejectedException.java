package dev.lattice.gateway.api.consent;

import dev.lattice.gateway.problem.ApiProblemException;
import java.util.Map;
import org.springframework.http.HttpStatus;

/** The consent ledger refused the command (for example an unknown purpose or category). */
public final class ConsentRejectedException extends ApiProblemException {
  public ConsentRejectedException(String commandId, String reasonCode, String message) {
    super(
        HttpStatus.UNPROCESSABLE_CONTENT,
        "consent-rejected",
        "Consent change rejected",
        message,
        Map.of("commandId", commandId, "reasonCode", reasonCode));
  }
}
