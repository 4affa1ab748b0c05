package dev.lattice.gateway.api.networks;

import dev.lattice.gateway.security.LatticePrincipal;
import dev.lattice.schemas.avro.NetworkDocument;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Networks and their rules (validated against {@code lattice/network-rules.schema.json}) and
 * transit agreements. ADMIN creates networks; a NETWORK_ADMIN edits only its own.
 */
@RestController
@RequestMapping("/api/v1/networks")
@Tag(name = "Networks", description = "Network rules and agreements between networks")
public class NetworkController {

  private final NetworkService networks;
  private final NetworkFlows flows;

  public NetworkController(NetworkService networks, NetworkFlows flows) {
    this.networks = networks;
    this.flows = flows;
  }

  @GetMapping("/{networkId}/flows")
  @Operation(
      summary = "What left the network, from the audit (its NETWORK_ADMIN, ADMIN, COMPLIANCE)",
      description =
          "For the window [from, to) (RFC 3339; default the last 24 hours, at most 31 days): per"
              + " destination (partner network or brand), purpose and data category, the allowed"
              + " and denied decisions and the deny reasons. Counts only.")
  public NetworkFlows.Report flows(
      @PathVariable String networkId,
      @org.springframework.web.bind.annotation.RequestParam(required = false) String from,
      @org.springframework.web.bind.annotation.RequestParam(required = false) String to) {
    networks.get(networkId);
    List<dev.lattice.gateway.problem.FieldProblem> errors = new java.util.ArrayList<>();
    Instant end = instant(to, "to", Instant.now(), errors);
    Instant dayBefore = end.minus(java.time.Duration.ofDays(1));
    Instant start =
        instant(
            from, "from", dayBefore.isBefore(Instant.EPOCH) ? Instant.EPOCH : dayBefore, errors);
    if (errors.isEmpty() && !start.isBefore(end)) {
      errors.add(new dev.lattice.gateway.problem.FieldProblem("from", "must be before 'to'"));
    }
    if (errors.isEmpty()
        && java.time.Duration.between(start, end).compareTo(NetworkFlows.MAX_WINDOW) > 0) {
      errors.add(
          new dev.lattice.gateway.problem.FieldProblem(
              "from", "the window may cover at most 31 days"));
    }
    if (!errors.isEmpty()) {
      throw new dev.lattice.gateway.problem.InvalidRequestException(
          "The flow report window is invalid", errors);
    }
    return flows.report(networkId, start, end);
  }

  /** The latest instant a flow report window may name (the audit's timestamps are epoch millis). */
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  private static Instant instant(
      String value,
      String name,
      Instant fallback,
      List<dev.lattice.gateway.problem.FieldProblem> errors) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      Instant parsed = Instant.parse(value);
      if (parsed.isBefore(Instant.EPOCH) || parsed.isAfter(LATEST)) {
        errors.add(
            new dev.lattice.gateway.problem.FieldProblem(
                name, "must be from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z"));
        return fallback;
      }
      return parsed;
    } catch (java.time.format.DateTimeParseException e) {
      errors.add(
          new dev.lattice.gateway.problem.FieldProblem(
              name, "must be an RFC 3339 instant such as 2026-11-23T10:00:00Z"));
      return fallback;
    }
  }

  /**
   * A new network. {@code controller}: who controls it ({@code {organisation, brand,
   * privacy_contact}}; {@code brand} for a brand-built network).
   */
  public record CreateNetwork(
      String id,
      String name,
      JsonNode rules,
      JsonNode controller,
      @io.swagger.v3.oas.annotations.Hidden @com.fasterxml.jackson.annotation.JsonAnySetter
          java.util.Map<String, Object> unknown) {}

  /**
   * A transfer to a new controller ({@code to}: organisation, brand, privacy_contact); it waits for
   * the network admin's confirmation for {@code expiresIn} (ISO-8601, default P3D, at most P30D).
   */
  public record StartTransfer(
      JsonNode to,
      java.time.Duration expiresIn,
      @io.swagger.v3.oas.annotations.Hidden @com.fasterxml.jackson.annotation.JsonAnySetter
          java.util.Map<String, Object> unknown) {}

  /** New rules (and optionally a new name) for a network. */
  public record UpdateNetwork(
      String name,
      JsonNode rules,
      @io.swagger.v3.oas.annotations.Hidden @com.fasterxml.jackson.annotation.JsonAnySetter
          java.util.Map<String, Object> unknown) {}

  /**
   * A network as stored, with its controller and pending transfer (also in {@code rules}; null when
   * none).
   */
  public record NetworkView(
      String id,
      String name,
      long version,
      JsonNode rules,
      Instant updatedAt,
      String updatedBy,
      JsonNode controller,
      JsonNode transferPending) {}

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(summary = "Create a network (ADMIN); provisions its output topic")
  public NetworkView create(
      @RequestBody CreateNetwork body, @AuthenticationPrincipal LatticePrincipal caller) {
    dev.lattice.gateway.problem.UnknownFields.refuse(body.unknown(), "network");
    return view(
        networks.create(body.id(), body.name(), body.rules(), body.controller(), caller.name()));
  }

  @GetMapping
  @Operation(summary = "List networks")
  public List<NetworkView> list() {
    return networks.list().stream().map(this::view).toList();
  }

  @GetMapping("/{networkId}")
  @Operation(summary = "One network with its rules")
  public NetworkView get(@PathVariable String networkId) {
    return view(networks.get(networkId));
  }

  @PutMapping("/{networkId}")
  @Operation(summary = "Replace a network's rules (ADMIN or that network's NETWORK_ADMIN)")
  public NetworkView update(
      @PathVariable String networkId,
      @RequestBody UpdateNetwork body,
      @AuthenticationPrincipal LatticePrincipal caller) {
    dev.lattice.gateway.problem.UnknownFields.refuse(body.unknown(), "network update");
    return view(networks.update(networkId, body.name(), body.rules(), caller.name()));
  }

  @GetMapping("/{networkId}/agreements")
  @Operation(summary = "The network's transit agreements")
  public JsonNode agreements(@PathVariable String networkId) {
    JsonNode agreements = networks.rules(networks.get(networkId)).get("agreements");
    return agreements == null
        ? tools.jackson.databind.node.JsonNodeFactory.instance.arrayNode()
        : agreements;
  }

  @PostMapping("/{networkId}/agreements")
  @Operation(
      summary = "Add or replace the agreement with a partner network",
      description =
          "Data moves between two networks only while both list a current agreement with each"
              + " other covering the purpose.")
  public NetworkView putAgreement(
      @PathVariable String networkId,
      @RequestBody JsonNode agreement,
      @AuthenticationPrincipal LatticePrincipal caller) {
    return view(networks.putAgreement(networkId, agreement, caller.name()));
  }

  @DeleteMapping("/{networkId}/agreements/{partner}")
  @Operation(summary = "End the agreement with a partner network")
  public NetworkView removeAgreement(
      @PathVariable String networkId,
      @PathVariable String partner,
      @AuthenticationPrincipal LatticePrincipal caller) {
    return view(networks.removeAgreement(networkId, partner, caller.name()));
  }

  @PostMapping("/{networkId}/transfer")
  @ResponseStatus(HttpStatus.ACCEPTED)
  @Operation(
      summary = "Start a transfer of the network to a new controller (ADMIN)",
      description =
          "Two steps: the network's own NETWORK_ADMIN confirms it with POST"
              + " …/transfer/{transferId}/confirm before it expires. 400 lists every invalid field;"
              + " 409 when another transfer is pending.")
  public NetworkView startTransfer(
      @PathVariable String networkId,
      @RequestBody StartTransfer body,
      @AuthenticationPrincipal LatticePrincipal caller) {
    if (body == null) {
      throw new dev.lattice.gateway.problem.InvalidRequestException(
          "A transfer names the new controller",
          List.of(new dev.lattice.gateway.problem.FieldProblem("$.to", "is required")));
    }
    dev.lattice.gateway.problem.UnknownFields.refuse(body.unknown(), "transfer");
    return view(networks.startTransfer(networkId, body.to(), body.expiresIn(), caller.name()));
  }

  @PostMapping("/{networkId}/transfer/{transferId}/confirm")
  @Operation(
      summary = "Confirm a pending transfer (the network's own NETWORK_ADMIN)",
      description =
          "The new controller takes over now. Consent members gave to the previous controller no"
              + " longer covers flows to the new controller or its brands until they re-confirm it"
              + " (consent.controller_changed); each member gets one notice on lattice.notices."
              + " 404 unknown transfer, 410 expired.")
  public NetworkView confirmTransfer(
      @PathVariable String networkId,
      @PathVariable String transferId,
      @AuthenticationPrincipal LatticePrincipal caller) {
    return view(networks.confirmTransfer(networkId, transferId, caller.name()));
  }

  @DeleteMapping("/{networkId}/transfer")
  @Operation(summary = "Cancel (ADMIN) or decline (its NETWORK_ADMIN) the pending transfer")
  public NetworkView cancelTransfer(
      @PathVariable String networkId, @AuthenticationPrincipal LatticePrincipal caller) {
    return view(networks.cancelTransfer(networkId, caller.name()));
  }

  private NetworkView view(NetworkDocument d) {
    JsonNode rules = networks.rules(d);
    return new NetworkView(
        d.getNetworkId(),
        d.getName(),
        d.getVersion(),
        rules,
        d.getUpdatedAt(),
        d.getUpdatedBy(),
        rules.get("controller"),
        rules.get("transfer_pending"));
  }
}
