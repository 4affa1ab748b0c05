package dev.lattice.gateway.problem;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;

/**
 * The one place where every error raised while handling a request becomes an RFC 9457 problem
 * ({@code application/problem+json}). Security failures outside the controllers are rendered by
 * {@link dev.lattice.gateway.security.ProblemSecurityHandlers} with the same shape, and errors
 * outside Spring MVC by {@link ProblemErrorController}.
 */
@RestControllerAdvice
public class ProblemHandler extends ResponseEntityExceptionHandler {

  private static final Logger LOGGER = LoggerFactory.getLogger(ProblemHandler.class);

  @ExceptionHandler(ApiProblemException.class)
  ResponseEntity<ProblemDetail> apiProblem(ApiProblemException e, HttpServletRequest request) {
    ProblemDetail problem = Problems.of(e);
    problem.setInstance(java.net.URI.create(request.getRequestURI()));
    ResponseEntity.BodyBuilder response = ResponseEntity.status(e.status());
    if (e.properties().get(ApiProblemException.RETRY_AFTER) instanceof Number seconds) {
      response.header(HttpHeaders.RETRY_AFTER, String.valueOf(seconds.longValue()));
    }
    return response.body(problem);
  }

  /** The topology is starting or rebalancing: "nothing found" would be a wrong answer. */
  @ExceptionHandler(dev.lattice.streams.StateNotQueryableException.class)
  ResponseEntity<ProblemDetail> stateNotQueryable(
      dev.lattice.streams.StateNotQueryableException e, HttpServletRequest request) {
    ProblemDetail problem =
        Problems.of(
            HttpStatus.SERVICE_UNAVAILABLE,
            "state-unavailable",
            "State temporarily unavailable",
            e.getMessage() + "; retry shortly");
    problem.setInstance(java.net.URI.create(request.getRequestURI()));
    problem.setProperty(ApiProblemException.RETRY_AFTER, 1);
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .header(HttpHeaders.RETRY_AFTER, "1")
        .body(problem);
  }

  /**
   * A query parameter whose percent-encoding is not UTF-8 ({@code ?memberId=%C3%28}): the container
   * cannot decode it, and says so when the parameters are first read.
   */
  @ExceptionHandler(org.apache.tomcat.util.http.InvalidParameterException.class)
  ResponseEntity<ProblemDetail> undecodableParameter(
      org.apache.tomcat.util.http.InvalidParameterException e, HttpServletRequest request) {
    ProblemDetail problem =
        Problems.invalid(
            "A query parameter is not valid percent-encoded UTF-8",
            List.of(
                new FieldProblem(
                    "query",
                    "percent-encode the UTF-8 bytes of each character (é is %C3%A9); this query"
                        + " has a byte sequence that is not UTF-8")));
    problem.setInstance(java.net.URI.create(request.getRequestURI()));
    return ResponseEntity.badRequest().body(problem);
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e) {
    String expected =
        e.getRequiredType() == null ? "a valid value" : e.getRequiredType().getSimpleName();
    return ResponseEntity.badRequest()
        .body(
            Problems.invalid(
                "Parameter '" + e.getName() + "' has an invalid value",
                List.of(new FieldProblem(e.getName(), "expected " + expected))));
  }

  @ExceptionHandler(AccessDeniedException.class)
  ResponseEntity<ProblemDetail> accessDenied(AccessDeniedException e) {
    return ResponseEntity.status(HttpStatus.FORBIDDEN)
        .body(
            Problems.of(
                HttpStatus.FORBIDDEN,
                "forbidden",
                "Forbidden",
                "Your credentials do not allow this request"));
  }

  @ExceptionHandler(AuthenticationException.class)
  ResponseEntity<ProblemDetail> unauthenticated(AuthenticationException e) {
    return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
        .header(HttpHeaders.WWW_AUTHENTICATE, "ApiKey header=\"X-Api-Key\", Bearer")
        .body(Problems.of(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", e.getMessage()));
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) {
    String errorId = UUID.randomUUID().toString();
    LOGGER.error("Unexpected error errorId={} path={}", errorId, request.getRequestURI(), e);
    ProblemDetail problem =
        Problems.of(
            HttpStatus.INTERNAL_SERVER_ERROR,
            "internal-error",
            "Internal error",
            "The gateway failed to handle this request; report error id " + errorId);
    problem.setProperty("errorId", errorId);
    return ResponseEntity.internalServerError().body(problem);
  }

  @Override
  protected ResponseEntity<Object> handleMethodArgumentNotValid(
      MethodArgumentNotValidException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<FieldProblem> errors = new ArrayList<>();
    e.getBindingResult()
        .getFieldErrors()
        .forEach(f -> errors.add(new FieldProblem("$." + f.getField(), f.getDefaultMessage())));
    e.getBindingResult()
        .getGlobalErrors()
        .forEach(g -> errors.add(new FieldProblem("$", g.getDefaultMessage())));
    return ResponseEntity.badRequest()
        .body(
            Problems.invalid(
                "The request body has " + errors.size() + " invalid field(s)", errors));
  }

  /**
   * No endpoint at this path (Spring's message would speak of a "static resource"). Only an
   * authenticated caller gets this far; an anonymous one gets 401 for any path.
   */
  @Override
  protected ResponseEntity<Object> handleNoResourceFoundException(
      org.springframework.web.servlet.resource.NoResourceFoundException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    return ResponseEntity.status(HttpStatus.NOT_FOUND)
        .contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
        .body(
            Problems.of(
                HttpStatus.NOT_FOUND,
                "not-found",
                "Resource not found",
                "No endpoint at "
                    + e.getHttpMethod()
                    + " "
                    + path(request)
                    + "; the API is described at /v3/api-docs"));
  }

  /**
   * 405 naming the method and every method the path takes, the same list as {@code OPTIONS}'s
   * {@code Allow}: Spring lists only the endpoints' declared methods, without the {@code HEAD} it
   * answers for every {@code GET} and the {@code OPTIONS} it answers everywhere.
   */
  @Override
  protected ResponseEntity<Object> handleHttpRequestMethodNotSupported(
      org.springframework.web.HttpRequestMethodNotSupportedException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    java.util.Set<org.springframework.http.HttpMethod> allowed = new java.util.LinkedHashSet<>();
    java.util.Set<org.springframework.http.HttpMethod> supported = e.getSupportedHttpMethods();
    if (supported != null) {
      allowed.addAll(supported);
    }
    if (allowed.contains(org.springframework.http.HttpMethod.GET)) {
      allowed.add(org.springframework.http.HttpMethod.HEAD);
    }
    allowed.add(org.springframework.http.HttpMethod.OPTIONS);
    HttpHeaders answer = new HttpHeaders();
    answer.putAll(headers);
    answer.setAllow(allowed);
    String methods =
        allowed.stream()
            .map(org.springframework.http.HttpMethod::name)
            .collect(java.util.stream.Collectors.joining(", "));
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(
            status,
            e.getMethod() + " is not supported at " + path(request) + "; it takes " + methods);
    problem.setTitle("Method Not Allowed");
    problem.setInstance(java.net.URI.create(path(request)));
    return handleExceptionInternal(e, problem, answer, status, request);
  }

  @Override
  protected ResponseEntity<Object> handleHandlerMethodValidationException(
      HandlerMethodValidationException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<FieldProblem> errors = new ArrayList<>();
    e.getParameterValidationResults()
        .forEach(
            r ->
                r.getResolvableErrors()
                    .forEach(
                        err ->
                            errors.add(
                                new FieldProblem(
                                    r.getMethodParameter().getParameterName(),
                                    err.getDefaultMessage()))));
    return ResponseEntity.badRequest()
        .body(Problems.invalid("The request has " + errors.size() + " invalid value(s)", errors));
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    FieldProblem field = bindingProblem(e);
    if (field == null
        && e.getMessage() != null
        && e.getMessage().startsWith("Required request body is missing")) {
      // Spring's message names the controller method's Java signature: say what is missing instead
      return ResponseEntity.badRequest()
          .body(
              Problems.invalid(
                  "The request body is missing",
                  List.of(
                      new FieldProblem("$", "expected a JSON document (not empty, not null)"))));
    }
    if (field == null && e.getMostSpecificCause() instanceof JacksonException syntax) {
      field = JsonSyntaxProblem.of(syntax);
    }
    if (field == null) {
      String cause = e.getMostSpecificCause().getMessage();
      // The parser's message names the position; keep only its first line (no echo of the body).
      String first = cause == null ? "unreadable body" : cause.lines().findFirst().orElse(cause);
      field = new FieldProblem("$", first);
    }
    return ResponseEntity.badRequest()
        .body(
            Problems.invalid(
                "The request body is not valid JSON for this endpoint", List.of(field)));
  }

  /**
   * A body that is JSON but does not bind (a string where a list belongs, a malformed instant): the
   * problem at the field's JSON path, in JSON terms rather than Java class names. Null when the
   * body is not JSON at all (the parser's message is the better one then).
   */
  static FieldProblem bindingProblem(HttpMessageNotReadableException e) {
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof tools.jackson.databind.DatabindException bind
          && (!bind.getPath().isEmpty()
              || bind instanceof tools.jackson.databind.exc.MismatchedInputException)) {
        StringBuilder path = new StringBuilder("$");
        for (tools.jackson.core.JacksonException.Reference ref : bind.getPath()) {
          if (ref.getPropertyName() != null) {
            path.append('.').append(ref.getPropertyName());
          } else if (ref.getIndex() >= 0) {
            path.append('[').append(ref.getIndex()).append(']');
          }
        }
        Class<?> target =
            bind instanceof tools.jackson.databind.exc.MismatchedInputException mismatch
                ? mismatch.getTargetType()
                : null;
        return new FieldProblem(path.toString(), "expected " + jsonKind(target));
      }
    }
    return null;
  }

  private static String jsonKind(Class<?> target) {
    if (target == null) {
      return "a value of another type";
    }
    if (java.util.Collection.class.isAssignableFrom(target) || target.isArray()) {
      return "an array";
    }
    if (CharSequence.class.isAssignableFrom(target)) {
      return "a string";
    }
    if (target == java.time.Duration.class) {
      return "an ISO-8601 duration such as P3D";
    }
    if (java.time.temporal.Temporal.class.isAssignableFrom(target)) {
      return "an ISO-8601 instant such as 2030-01-01T00:00:00Z";
    }
    if (Number.class.isAssignableFrom(target)
        || (target.isPrimitive() && target != boolean.class)) {
      return "a number";
    }
    if (target == Boolean.class || target == boolean.class) {
      return "true or false";
    }
    if (target.isEnum()) {
      return "one of " + java.util.Arrays.toString(target.getEnumConstants());
    }
    return "an object";
  }

  /**
   * 415 saying which content type the request had (Spring's detail reads {@code Content-Type
   * 'null'} when there is none) and which ones the endpoint takes.
   */
  @Override
  protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(
      org.springframework.web.HttpMediaTypeNotSupportedException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    String supported =
        e.getSupportedMediaTypes().stream()
            .map(Object::toString)
            .collect(java.util.stream.Collectors.joining(", "));
    String given =
        request instanceof org.springframework.web.context.request.ServletWebRequest servlet
            ? servlet.getRequest().getHeader(HttpHeaders.CONTENT_TYPE)
            : null;
    String detail =
        (e.getContentType() != null
                ? "Content-Type '" + e.getContentType() + "' is not supported by this endpoint"
                : given == null || given.isBlank()
                    ? "The request has no Content-Type header"
                    : "Content-Type '"
                        + given
                        + "' is not a media type this endpoint can read (a malformed type or an"
                        + " unknown charset)")
            + (supported.isEmpty() ? "" : "; send " + supported);
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setTitle("Unsupported Media Type");
    problem.setInstance(java.net.URI.create(path(request)));
    return handleExceptionInternal(e, problem, headers, status, request);
  }

  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception ex, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    // Spring's own errors (405, 415, 406, ...) arrive without a body: build it here so that it gets
    // Lattice's problem type like every other error.
    Object problemBody =
        body == null && ex instanceof org.springframework.web.ErrorResponse error
            ? error.updateAndGetBody(
                getMessageSource(),
                org.springframework.context.i18n.LocaleContextHolder.getLocale())
            : body;
    if (problemBody instanceof ProblemDetail problem
        && (problem.getType() == null || "about:blank".equals(problem.getType().toString()))) {
      problem.setType(Problems.type(slug(status)));
    }
    return super.handleExceptionInternal(ex, problemBody, headers, status, request);
  }

  private static String path(WebRequest request) {
    return request instanceof org.springframework.web.context.request.ServletWebRequest servlet
        ? servlet.getRequest().getRequestURI()
        : request.getDescription(false);
  }

  static String slug(HttpStatusCode status) {
    HttpStatus known = HttpStatus.resolve(status.value());
    return known == null
        ? "http-" + status.value()
        : known.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
