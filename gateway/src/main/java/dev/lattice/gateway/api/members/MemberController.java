package dev.lattice.gateway.api.members;

import dev.lattice.gateway.api.consent.ConsentController;
import dev.lattice.gateway.api.consent.ConsentReceipt;
import dev.lattice.gateway.api.consent.ConsentService;
import dev.lattice.gateway.api.decisions.DecisionView;
import dev.lattice.gateway.cluster.ClusterQuery;
import dev.lattice.gateway.events.MemberKeyring;
import dev.lattice.gateway.security.LatticePrincipal;
import dev.lattice.streams.LatticeStreams;
import dev.lattice.streams.MemberActivity;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Members' rights: where my data went, everything Lattice holds about me, and erasure. A SERVICE
 * key acts for its network's members only and sees that network's share of their data ({@link
 * MemberTenancy}); erasure, a member's right, erases the member everywhere.
 */
@RestController
@RequestMapping("/api/v1/members/{memberId}")
@Tag(name = "Members' rights", description = "Activity feed, export and erasure (crypto-shredding)")
public class MemberController {

  private static final Logger LOGGER = LoggerFactory.getLogger(MemberController.class);
  private final LatticeStreams streams;
  private final ConsentService consent;
  private final MemberKeyring keyring;
  private final MemberDataScanner scanner;
  private final MemberTenancy tenancy;

  public MemberController(
      LatticeStreams streams,
      ConsentService consent,
      MemberKeyring keyring,
      MemberDataScanner scanner,
      MemberTenancy tenancy) {
    this.streams = streams;
    this.consent = consent;
    this.keyring = keyring;
    this.scanner = scanner;
    this.tenancy = tenancy;
  }

  /**
   * The member's "where my data went" feed. {@code events} is the topology's count of the member's
   * events; in a network's share it is {@code null} when the member was also seen in other networks
   * (the topology counts per member, not per network, and the other networks' activity is not the
   * caller's to see), and {@code lastSeen} is when the member was last seen in that network.
   */
  public record ActivityView(
      String memberId,
      Map<String, Instant> networks,
      Long events,
      Instant lastSeen,
      List<DecisionView> decisions) {}

  /** The result of an erasure request. */
  public record ErasureView(
      String memberId,
      boolean keyErased,
      Instant erasedAt,
      ConsentReceipt consentReceipt,
      String effect) {}

  @GetMapping("/activity")
  @ClusterQuery
  @Operation(
      summary = "Every delivery and denial concerning the member, newest first, with reasons")
  public ActivityView activity(
      @PathVariable String memberId,
      @RequestParam(defaultValue = "100") int limit,
      @AuthenticationPrincipal LatticePrincipal caller) {
    dev.lattice.gateway.api.Parameters.requireRange("limit", limit, 1, 1000);
    return activity(memberId, limit, tenancy.requireReadable(caller, memberId));
  }

  /**
   * The activity feed; with {@code network} set, only that network's share: decisions about its
   * events or deliveries into it, and only it among the networks seen.
   */
  private ActivityView activity(String memberId, int limit, String network) {
    MemberActivity activity = streams.activity(memberId).orElse(null);
    List<DecisionView> decisions =
        streams.decisionsForMember(memberId, Math.max(1, Math.min(limit, 1000))).stream()
            .filter(d -> network == null || concerns(d, network))
            .map(DecisionView::of)
            .toList();
    if (activity == null) {
      return new ActivityView(memberId, Map.of(), 0L, null, decisions);
    }
    if (network == null) {
      return new ActivityView(
          memberId, activity.networks(), activity.events(), activity.lastSeen(), decisions);
    }
    // A network's share: nothing of the member's activity in other networks, not even how much
    Instant seenHere = activity.networks().get(network);
    boolean seenElsewhere = activity.networks().keySet().stream().anyMatch(n -> !n.equals(network));
    return new ActivityView(
        memberId,
        seenHere == null ? Map.of() : Map.of(network, seenHere),
        seenElsewhere ? null : activity.events(),
        seenElsewhere ? seenHere : activity.lastSeen(),
        decisions);
  }

  @GetMapping("/export")
  @ClusterQuery
  @Operation(
      summary = "Everything Lattice holds about the member",
      description =
          "Consent state and history, activity, decisions, and the member's events from the ingest"
              + " topics with their personal parts opened with the member's key. After erasure the"
              + " personal parts are unreadable.")
  public Map<String, Object> export(
      @PathVariable String memberId, @AuthenticationPrincipal LatticePrincipal caller) {
    String network = tenancy.requireReadable(caller, memberId);
    Map<String, Object> export = new LinkedHashMap<>();
    export.put("memberId", memberId);
    export.put("exportedAt", Instant.now());
    export.put(
        "dataKey",
        keyring.find(memberId).isPresent() ? "present" : "absent (erased or never created)");
    export.put("consent", consent.state(memberId).map(ConsentController::view).orElse(null));
    if (network != null) {
      export.put("network", network);
    }
    export.put("activity", activity(memberId, 1000, network));
    boolean erased =
        consent
            .state(memberId)
            .map(
                st ->
                    !st.getHistory().isEmpty()
                        && st.getHistory().get(st.getHistory().size() - 1).getAction()
                            == dev.lattice.schemas.avro.ConsentAction.ERASE)
            .orElse(false);
    export.put("erased", erased);
    List<JsonNode> events =
        scanner.events(memberId, 1000, erased).stream()
            .filter(e -> network == null || network.equals(sourceNetwork(e)))
            .toList();
    export.put("summary", MemberDataScanner.summary(events));
    export.put("events", events);
    return export;
  }

  private static boolean concerns(dev.lattice.schemas.avro.DecisionRecord d, String network) {
    return network.equals(d.getSourceNetwork())
        || ("network".equals(d.getDestination().getKind())
            && network.equals(d.getDestination().getId()));
  }

  private static String sourceNetwork(JsonNode event) {
    JsonNode header = event.get("header");
    JsonNode source = header == null ? null : header.get("source_network");
    return source == null || source.isNull() ? null : source.asString();
  }

  @PostMapping("/erasure")
  @Operation(
      summary = "Erase the member (crypto-shredding)",
      description =
          "Deletes the member's data key from lattice.member.keys (so every record sealed with it,"
              + " in every topic, can no longer be read) and erases their consent state; the"
              + " topology clears its store entries for the member.")
  public ResponseEntity<ErasureView> erase(
      @PathVariable String memberId, @AuthenticationPrincipal LatticePrincipal caller) {
    tenancy.requireReadable(caller, memberId);
    boolean keyErased = keyring.erase(memberId);
    ConsentService.Result result = consent.erase(memberId, caller.name());
    tenancy.erased(memberId);
    LOGGER.info("Member erased by={} keyErased={}", caller.name(), keyErased);
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .body(
            new ErasureView(
                memberId,
                keyErased,
                Instant.now(),
                result.receipt(),
                "personal data sealed with the member's key is unreadable everywhere"));
  }
}
