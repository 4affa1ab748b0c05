package dev.lattice.gateway.api.networks;

import dev.lattice.gateway.api.consent.ConsentService;
import dev.lattice.gateway.api.members.MemberNetworks;
import dev.lattice.gateway.problem.FieldProblem;
import dev.lattice.gateway.problem.InvalidRequestException;
import dev.lattice.gateway.security.LatticePrincipal;
import dev.lattice.schemas.Vocabulary;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Bulk re-confirmation after a network changed hands: the network's app (its SERVICE key) relays
 * that members confirmed their consent for the new controller. Each member gets one {@code
 * RECONFIRM} command per purpose (or one for every granted purpose), keyed by member id, so every
 * later event of the member is decided under it.
 */
@RestController
@Tag(name = "Networks", description = "Network rules and agreements between networks")
public class NetworkConsentController {

  /** At most this many members per call. */
  static final int MAX_MEMBERS = 1000;

  private final NetworkService networks;
  private final ConsentService consent;
  private final MemberNetworks memberships;

  public NetworkConsentController(
      NetworkService networks, ConsentService consent, MemberNetworks memberships) {
    this.networks = networks;
    this.consent = consent;
    this.memberships = memberships;
  }

  /** Members who re-confirmed, and which purposes (none = every purpose they granted). */
  public record Reconfirmation(
      List<String> members,
      List<String> purposes,
      @io.swagger.v3.oas.annotations.Hidden @com.fasterxml.jackson.annotation.JsonAnySetter
          java.util.Map<String, Object> unknown) {}

  /** What was appended: the controller confirmed and the command ids per member. */
  public record ReconfirmationResult(
      String network, String controller, int members, Map<String, List<String>> commands) {}

  @PostMapping("/api/v1/networks/{networkId}/consents/reconfirm")
  @ResponseStatus(HttpStatus.ACCEPTED)
  @Operation(
      summary = "Members re-confirm their consent for the network's new controller (its SERVICE)",
      description =
          "After a transfer, consent given to the previous controller does not cover the new one"
              + " (consent.controller_changed) until re-confirmed. 202: the commands are appended"
              + " in each member's order; 400 lists unknown purposes and members who are not the"
              + " network's.")
  public ReconfirmationResult reconfirm(
      @PathVariable String networkId,
      @RequestBody Reconfirmation body,
      @AuthenticationPrincipal LatticePrincipal caller) {
    networks.get(networkId);
    dev.lattice.gateway.problem.UnknownFields.refuse(
        body == null ? null : body.unknown(), "re-confirmation");
    List<FieldProblem> errors = new ArrayList<>();
    List<String> members = body == null || body.members() == null ? List.of() : body.members();
    List<String> purposes = body == null || body.purposes() == null ? List.of() : body.purposes();
    if (members.isEmpty()) {
      errors.add(new FieldProblem("$.members", "must name at least one member"));
    }
    if (members.size() > MAX_MEMBERS) {
      errors.add(new FieldProblem("$.members", "at most " + MAX_MEMBERS + " members per call"));
    }
    for (int i = 0; i < purposes.size(); i++) {
      if (!Vocabulary.isPurpose(purposes.get(i))) {
        errors.add(
            new FieldProblem("$.purposes[" + i + "]", "must be one of " + Vocabulary.PURPOSES));
      }
    }
    for (int i = 0; i < members.size() && members.size() <= MAX_MEMBERS; i++) {
      String m = members.get(i);
      FieldProblem invalid =
          dev.lattice.gateway.api.Identifiers.problem(m, "$.members[" + i + "]", "member id");
      if (invalid != null) {
        errors.add(invalid);
      } else if (!caller.crossTenant() && !memberships.belongs(m, networkId)) {
        // Same answer as for a member nobody knows: a key cannot probe other networks' members.
        errors.add(
            new FieldProblem("$.members[" + i + "]", "is not a member of network " + networkId));
      }
    }
    String controller =
        networks
            .controllerOf(networkId)
            .orElseGet(
                () -> {
                  errors.add(
                      new FieldProblem(
                          "networkId", "network " + networkId + " has no controller recorded"));
                  return null;
                });
    if (!errors.isEmpty()) {
      throw new InvalidRequestException("The re-confirmation is invalid", errors);
    }
    Map<String, List<String>> commands = new LinkedHashMap<>();
    for (String m : members) {
      commands.put(m, consent.reconfirm(m, purposes, networkId, caller.name()));
    }
    return new ReconfirmationResult(networkId, controller, members.size(), commands);
  }
}
