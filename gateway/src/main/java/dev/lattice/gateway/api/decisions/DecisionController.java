package dev.lattice.gateway.api.decisions;

import dev.lattice.gateway.cluster.ClusterQueries;
import dev.lattice.gateway.cluster.ClusterQuery;
import dev.lattice.gateway.problem.FieldProblem;
import dev.lattice.gateway.problem.InvalidRequestException;
import dev.lattice.streams.LatticeStreams;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Comparator;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.type.TypeReference;

/**
 * The decision log: every decision the topology made, by event or by member, each with its
 * explanation. Served from the topology's queryable decision stores (Kafka Streams interactive
 * queries; decisions stay there for {@code decisionRetention}, the audit topic keeps them for
 * good).
 */
@RestController
@RequestMapping("/api/v1/decisions")
@Tag(name = "Decisions", description = "Why was this allowed? (COMPLIANCE, ADMIN)")
public class DecisionController {

  private static final TypeReference<List<DecisionView>> VIEWS = new TypeReference<>() {};
  private final LatticeStreams streams;
  private final ClusterQueries cluster;

  public DecisionController(LatticeStreams streams, ClusterQueries cluster) {
    this.streams = streams;
    this.cluster = cluster;
  }

  @GetMapping
  @ClusterQuery
  @Operation(summary = "Decisions for an event (eventId) or about a member (memberId), explained")
  public List<DecisionView> find(
      HttpServletRequest request,
      HttpServletResponse response,
      @RequestParam(required = false) String eventId,
      @RequestParam(required = false) String memberId,
      @RequestParam(defaultValue = "100") int limit) {
    if ((eventId == null) == (memberId == null)) {
      throw new InvalidRequestException(
          "Give exactly one of eventId and memberId",
          List.of(new FieldProblem("eventId|memberId", "exactly one is required")));
    }
    dev.lattice.gateway.api.Parameters.requireRange("limit", limit, 1, 1000);
    if (eventId != null) {
      dev.lattice.gateway.api.Identifiers.require(eventId, "eventId", "event id");
      // An offer is decided in every partition: read each partition where a copy of it answers.
      return cluster
          .gatherByPartition(
              request,
              response,
              VIEWS,
              (partitions, stale) ->
                  streams.decisionsForEvent(eventId, partitions, stale).stream()
                      .map(DecisionView::of)
                      .toList(),
              () -> streams.decisionsForEvent(eventId).stream().map(DecisionView::of).toList())
          .stream()
          .sorted(
              Comparator.comparing(DecisionView::decidedAt).thenComparing(DecisionView::decisionId))
          .toList();
    }
    dev.lattice.gateway.api.Identifiers.require(memberId, "memberId", "member id");
    return streams.decisionsForMember(memberId, Math.max(1, Math.min(limit, 1000))).stream()
        .map(DecisionView::of)
        .toList();
  }
}
