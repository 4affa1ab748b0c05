package dev.lattice.gateway.api.networks;

import dev.lattice.gateway.problem.ApiProblemException;
import java.time.Instant;
import java.util.Map;
import org.springframework.http.HttpStatus;

/** A transfer was confirmed after its expiry: 410, the ADMIN must start a new one. */
public class TransferExpiredException extends ApiProblemException {
  public TransferExpiredException(String network, String transferId, Instant expiredAt) {
    super(
        HttpStatus.GONE,
        "transfer-expired",
        "The transfer expired",
        "Transfer "
            + transferId
            + " of network "
            + network
            + " expired at "
            + expiredAt
            + " without confirmation; an ADMIN must start a new one",
        Map.of("transferId", transferId, "expiredAt", expiredAt.toString()));
  }
}
