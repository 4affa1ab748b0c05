package dev.lattice.gateway.problem;

import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat's error report for requests the container refuses before any servlet sees them (an encoded
 * slash, backslash or NUL in the path, malformed percent-encoding, characters a URL may not hold,
 * headers over the size limit): an RFC 9457 problem instead of Tomcat's HTML page, so that every
 * error the gateway answers has one shape. Errors that Spring renders (its {@code /error} dispatch,
 * {@link ProblemErrorController}) already have a body and are left alone.
 *
 * <p>Installed as the host's error report valve by {@link ContainerErrorConfiguration}. Says
 * nothing about the request beyond the status: no stack trace, no server version, no echo of the
 * path.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
      return;
    }
    AtomicBoolean ioAllowed = new AtomicBoolean(true);
    response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
    if (!ioAllowed.get()) {
      return;
    }
    HttpStatus known = HttpStatus.resolve(status);
    String title = known == null ? "HTTP " + status : known.getReasonPhrase();
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("type", Problems.TYPE_BASE + ProblemHandler.slug(HttpStatusCode.valueOf(status)));
    problem.put("title", title);
    problem.put("status", status);
    problem.put("detail", detail(status));
    try {
      response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
      response.setCharacterEncoding("UTF-8");
      Writer writer = response.getReporter();
      if (writer != null) {
        writer.write(JSON.writeValueAsString(problem));
        response.finishResponse();
      }
    } catch (IOException | IllegalStateException e) {
      // The connection is gone or the response already started: nothing more can be said.
    }
  }

  static String detail(int status) {
    return switch (status) {
      case 400 ->
          "The request was refused before it reached the API: its path or headers are malformed"
              + " (an encoded '/', '\\' or NUL in the path, invalid percent-encoding, a character a"
              + " URL may not hold, or headers over the size limit). Percent-encode ids with"
              + " unreserved characters only, or send them in the body";
      case 413 -> "The request body is too large";
      case 414 -> "The request URL is too long";
      case 431 -> "The request headers are too large";
      case 505 -> "HTTP version not supported; use HTTP/1.1";
      default ->
          status >= 500
              ? "The gateway failed to handle this request"
              : "The request was refused before it reached the API";
    };
  }
}
