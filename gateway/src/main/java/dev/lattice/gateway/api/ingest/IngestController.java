package dev.lattice.gateway.api.ingest;

import dev.lattice.gateway.problem.FieldProblem;
import dev.lattice.gateway.problem.InvalidRequestException;
import dev.lattice.gateway.problem.JsonSyntaxProblem;
import dev.lattice.gateway.problem.PayloadTooLargeException;
import dev.lattice.gateway.problem.ResourceNotFoundException;
import dev.lattice.gateway.security.LatticePrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /api/v1/events/{type}} and its batch form. The body is read here (not by Spring) so
 * that the size limit is enforced while reading.
 */
@RestController
@RequestMapping("/api/v1/events")
@Tag(
    name = "Ingest",
    description =
        "Events from a network's SERVICE key (its own source_network only), offers from their"
            + " BRAND key, anything from ADMIN")
public class IngestController {

  private final IngestService ingest;
  private final JsonMapper json;
  private final long maxRequestBytes;

  public IngestController(IngestService ingest, JsonMapper json, IngestSettings settings) {
    this.ingest = ingest;
    this.json = json;
    this.maxRequestBytes = settings.maxRequestBytes();
  }

  /** The answer to an accepted event. */
  public record AcceptedEvent(String eventId, String topic, boolean duplicate) {
    static AcceptedEvent of(IngestService.Accepted a) {
      return new AcceptedEvent(a.eventId(), a.topic(), a.duplicate());
    }
  }

  /** The answer to an accepted batch, in request order. */
  public record AcceptedBatch(int count, List<AcceptedEvent> events) {}

  @PostMapping(path = "/{type}", consumes = "application/json")
  @Operation(
      summary = "Ingest one event",
      description =
          "The JSON follows the event's Avro schema (snake_case fields, ISO-8601 instants). The"
              + " personal part is sealed with the member's key before it is written. 202 with"
              + " the event id; 400 lists every field error; 413 over lattice.ingest.max-request-bytes;"
              + " a repeated event id is accepted again without a second write (duplicate=true).")
  public ResponseEntity<AcceptedEvent> one(
      @Parameter(description = "member-data | content | offers | purchases") @PathVariable
          String type,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(
              content = @Content(schema = @Schema(type = "object")))
          HttpServletRequest request,
      @AuthenticationPrincipal LatticePrincipal caller) {
    EventType eventType = type(type);
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .body(AcceptedEvent.of(ingest.ingest(eventType, body(request), caller)));
  }

  @PostMapping(path = "/{type}/batch", consumes = "application/json")
  @Operation(
      summary = "Ingest a batch of events of one type",
      description =
          "A JSON array. Every event is validated first: one invalid event rejects the whole batch"
              + " (400 with errors at $[i]...), nothing is written.")
  public ResponseEntity<AcceptedBatch> batch(
      @PathVariable String type,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(
              content = @Content(schema = @Schema(type = "array")))
          HttpServletRequest request,
      @AuthenticationPrincipal LatticePrincipal caller) {
    EventType eventType = type(type);
    List<AcceptedEvent> accepted =
        ingest.ingestBatch(eventType, body(request), caller).stream()
            .map(AcceptedEvent::of)
            .toList();
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .body(new AcceptedBatch(accepted.size(), accepted));
  }

  private static EventType type(String path) {
    return EventType.fromPath(path)
        .orElseThrow(() -> new ResourceNotFoundException("event type", path));
  }

  private JsonNode body(HttpServletRequest request) {
    if (request.getContentLengthLong() > maxRequestBytes) {
      throw new PayloadTooLargeException(maxRequestBytes, "lattice.ingest.max-request-bytes");
    }
    byte[] bytes;
    try (InputStream in = request.getInputStream()) {
      bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxRequestBytes + 1));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the request body", e);
    }
    if (bytes.length > maxRequestBytes) {
      throw new PayloadTooLargeException(maxRequestBytes, "lattice.ingest.max-request-bytes");
    }
    if (bytes.length == 0) {
      throw new InvalidRequestException(
          "The request body is empty", List.of(new FieldProblem("$", "expected a JSON document")));
    }
    try {
      return json.readTree(bytes);
    } catch (JacksonException e) {
      throw new InvalidRequestException(
          "The request body is not valid JSON", List.of(JsonSyntaxProblem.of(e)));
    }
  }
}
