package dev.lattice.gateway.problem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.gateway.api.consent.ConsentController;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.mock.http.MockHttpInputMessage;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.context.request.ServletWebRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

class ProblemHandlerTest {

  private final ProblemHandler handler = new ProblemHandler();
  private final ServletWebRequest request =
      new ServletWebRequest(new MockHttpServletRequest("PUT", "/api/v1/members/m-1/consents/x"));

  private List<FieldProblem> errorsFor(String json) throws Exception {
    JacksonException cause = null;
    try {
      JsonMapper.builder().build().readValue(json, ConsentController.GrantBody.class);
    } catch (JacksonException e) {
      cause = e;
    }
    assertThat(cause).as("the body must fail to bind").isNotNull();
    HttpInputMessage input = new MockHttpInputMessage(json.getBytes());
    ResponseEntity<Object> response =
        handler.handleException(
            new HttpMessageNotReadableException("unreadable", cause, input), request);
    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    @SuppressWarnings("unchecked")
    List<FieldProblem> errors =
        (List<FieldProblem>) ((ProblemDetail) response.getBody()).getProperties().get("errors");
    return errors;
  }

  @Test
  void aStringWhereAListBelongsIsNamedAtItsFieldInJsonTerms() throws Exception {
    assertThat(errorsFor("{\"networks\": \"net-a\"}"))
        .containsExactly(new FieldProblem("$.networks", "expected an array"));
  }

  @Test
  void aMalformedInstantIsNamedAtItsFieldWithTheExpectedForm() throws Exception {
    List<FieldProblem> errors = errorsFor("{\"expiresAt\": \"notadate\"}");
    assertThat(errors).extracting(FieldProblem::path).containsExactly("$.expiresAt");
    assertThat(errors.get(0).message()).contains("ISO-8601");
  }

  @Test
  void aWrongElementTypeInsideAListIsNamedAtItsIndexWithoutJavaClassNames() throws Exception {
    List<FieldProblem> errors = errorsFor("{\"categories\": [\"contact\", {\"a\": 1}]}");
    assertThat(errors).extracting(FieldProblem::path).containsExactly("$.categories[1]");
    assertThat(errors.get(0).message()).doesNotContain("java.").doesNotContain("`");
  }

  @Test
  void anArrayWhereTheBodyObjectBelongsIsNamedAtTheRootWithoutJavaClassNames() throws Exception {
    assertThat(errorsFor("[]")).containsExactly(new FieldProblem("$", "expected an object"));
  }

  @Test
  void anUnsupportedContentTypeIsALatticeProblemType() throws Exception {
    ResponseEntity<Object> response =
        handler.handleException(
            new HttpMediaTypeNotSupportedException(
                MediaType.TEXT_PLAIN, List.of(MediaType.APPLICATION_JSON)),
            request);
    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
    assertThat(((ProblemDetail) response.getBody()).getType().toString())
        .isEqualTo("https://lattice.dev/problems/unsupported-media-type");
  }

  @Test
  void anUnsupportedMethodIsALatticeProblemType() throws Exception {
    ResponseEntity<Object> response =
        handler.handleException(
            new HttpRequestMethodNotSupportedException("GET", List.of("POST")), request);
    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.METHOD_NOT_ALLOWED);
    // OPTIONS is answered on every path, so a 405's Allow lists it as OPTIONS's own Allow does.
    assertThat(response.getHeaders().getFirst(HttpHeaders.ALLOW)).isEqualTo("POST,OPTIONS");
    assertThat(((ProblemDetail) response.getBody()).getType().toString())
        .isEqualTo("https://lattice.dev/problems/method-not-allowed");
    assertThat(((ProblemDetail) response.getBody()).getDetail())
        .contains("GET is not supported")
        .endsWith("it takes POST, OPTIONS");
  }
}
