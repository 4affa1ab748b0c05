package dev.lattice.gateway.problem;

import java.util.Map;
import org.springframework.http.HttpStatus;

/** The request body is larger than the configured limit. */
public class PayloadTooLargeException extends ApiProblemException {
  public PayloadTooLargeException(long limitBytes, String setting) {
    super(
        HttpStatus.CONTENT_TOO_LARGE,
        "payload-too-large",
        "Payload too large",
        "The request body exceeds " + limitBytes + " bytes; split the batch or raise " + setting,
        Map.of("limitBytes", limitBytes));
  }
}
