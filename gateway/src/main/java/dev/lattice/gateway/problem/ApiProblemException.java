package dev.lattice.gateway.problem;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * An error the API reports to its caller as an RFC 9457 problem. Subclasses are named for their
 * cause; {@link ProblemHandler} renders them all.
 */
public class ApiProblemException extends RuntimeException {

  /**
   * A property (whole seconds) that also becomes the response's {@code Retry-After} header: the
   * request may succeed when repeated after that long.
   */
  public static final String RETRY_AFTER = "retryAfterSeconds";

  private final HttpStatus status;
  private final String type;
  private final String title;
  private final Map<String, Object> properties;

  /**
   * @param status the HTTP status
   * @param type a short slug naming the problem type, resolved against {@link Problems#TYPE_BASE}
   * @param title a short, fixed summary of the problem type
   * @param detail what went wrong in this request and how to fix it
   */
  public ApiProblemException(HttpStatus status, String type, String title, String detail) {
    this(status, type, title, detail, Map.of());
  }

  public ApiProblemException(
      HttpStatus status, String type, String title, String detail, Map<String, Object> properties) {
    super(detail);
    this.status = status;
    this.type = type;
    this.title = title;
    this.properties = new LinkedHashMap<>(properties);
  }

  public HttpStatus status() {
    return status;
  }

  public URI type() {
    return Problems.type(type);
  }

  public String title() {
    return title;
  }

  public Map<String, Object> properties() {
    return Map.copyOf(properties);
  }
}
