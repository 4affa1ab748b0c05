package dev.lattice.gateway.problem;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Renders errors that happen outside Spring MVC (the servlet container's error page) as problems,
 * replacing Spring Boot's default error body so that every error has one shape.
 */
@RestController
public class ProblemErrorController implements ErrorController {

  @RequestMapping("${server.error.path:/error}")
  ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    HttpStatus status =
        code instanceof Integer i && HttpStatus.resolve(i) != null
            ? HttpStatus.valueOf(i)
            : HttpStatus.INTERNAL_SERVER_ERROR;
    String detail =
        switch (status) {
          case NOT_FOUND -> "No resource at this path";
          case CONTENT_TOO_LARGE -> "The request body is too large";
          default ->
              status.is5xxServerError()
                  ? "The gateway failed to handle this request"
                  : status == HttpStatus.BAD_REQUEST
                      ? ProblemErrorReportValve.detail(status.value())
                      : status.getReasonPhrase();
        };
    ProblemDetail problem =
        Problems.of(status, ProblemHandler.slug(status), status.getReasonPhrase(), detail);
    if (request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String uri) {
      try {
        problem.setInstance(java.net.URI.create(uri));
      } catch (IllegalArgumentException e) {
        // A path that is not a valid URI reference (which may be why it was refused): no instance
      }
    }
    return ResponseEntity.status(status)
        .contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
        .body(problem);
  }
}
