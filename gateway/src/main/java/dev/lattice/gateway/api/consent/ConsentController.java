package dev.lattice.gateway.api.consent;

import dev.lattice.gateway.api.members.MemberTenancy;
import dev.lattice.gateway.problem.FieldProblem;
import dev.lattice.gateway.problem.InvalidRequestException;
import dev.lattice.gateway.security.LatticePrincipal;
import dev.lattice.schemas.avro.ConsentState;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Members' consent, relayed by their network's service. Every change answers with a consent receipt
 * whose {@code ordering} says which guarantee the caller holds: 200 {@code applied} when the ledger
 * applied it (the receipt carries the ledger version); 202 {@code ordered_by_append} when it was
 * appended to Kafka but not yet applied within {@code lattice.consent.confirm-timeout} — it is
 * still applied before any later-appended event of the member is decided, so the caller may go on
 * at once (docs/decision-contract.md, "Order of consent and events"). A {@code Sec-GPC: 1} header
 * on any call is recorded as an opt-out of sharing with brands. A SERVICE key acts for its
 * network's members only and records every change with its network as the source ({@link
 * MemberTenancy}).
 */
@RestController
@RequestMapping("/api/v1/members/{memberId}/consents")
@Tag(name = "Consent", description = "Grant, withdraw, import (TCF) and inspect members' consent")
public class ConsentController {

  private final ConsentService consent;
  private final MemberTenancy tenancy;
  private final Predicate<String> knownNetwork;
  private final Predicate<String> knownBrand;

  @org.springframework.beans.factory.annotation.Autowired
  public ConsentController(
      ConsentService consent,
      MemberTenancy tenancy,
      dev.lattice.gateway.api.networks.NetworkService networks,
      dev.lattice.gateway.api.brands.BrandRegistry brands) {
    this(consent, tenancy, id -> networks.find(id).isPresent(), id -> brands.find(id).isPresent());
  }

  /**
   * @param knownNetwork whether a network is registered (a grant's networks, recipients and source
   *     network must be)
   * @param knownBrand whether a brand is registered (a recipient is a brand or a network)
   */
  public ConsentController(
      ConsentService consent,
      MemberTenancy tenancy,
      Predicate<String> knownNetwork,
      Predicate<String> knownBrand) {
    this.consent = consent;
    this.tenancy = tenancy;
    this.knownNetwork = knownNetwork;
    this.knownBrand = knownBrand;
  }

  /**
   * Refuses (400) a source network named by the caller (an ADMIN's {@code sourceNetwork}) that is
   * not registered: the command would be recorded for a network that does not exist. A SERVICE
   * key's source is its own network, checked by {@link MemberTenancy}.
   */
  private void requireKnownSource(String named, String at) {
    if (named != null && !named.isBlank() && !knownNetwork.test(named)) {
      throw new InvalidRequestException(
          "The consent names a source network that is not registered",
          List.of(
              new FieldProblem(
                  at, "network '" + named + "' is not registered (POST /api/v1/networks)")));
    }
  }

  /**
   * Refuses (400) a grant whose networks or recipients are not registered, naming each: a misspelt
   * recipient would otherwise record a consent that matches no destination, without a word.
   */
  private void requireKnownReferences(GrantBody b) {
    List<FieldProblem> errors = new ArrayList<>();
    List<String> networks = b.networks() == null ? List.of() : b.networks();
    for (int i = 0; i < networks.size(); i++) {
      String id = networks.get(i);
      if (id == null || !knownNetwork.test(id)) {
        errors.add(
            new FieldProblem("$.networks[" + i + "]", "network '" + id + "' is not registered"));
      }
    }
    List<String> recipients = b.recipients() == null ? List.of() : b.recipients();
    for (int i = 0; i < recipients.size(); i++) {
      String id = recipients.get(i);
      if (id == null || !(knownBrand.test(id) || knownNetwork.test(id))) {
        errors.add(
            new FieldProblem(
                "$.recipients[" + i + "]",
                "'" + id + "' is neither a registered brand nor a registered network"));
      }
    }
    if (!errors.isEmpty()) {
      throw new InvalidRequestException(
          "The consent grant names " + errors.size() + " unregistered network(s) or brand(s)",
          errors);
    }
  }

  /**
   * A grant: scope (networks), data categories, recipients, legal basis and expiry. Any other field
   * is collected in {@code unknown} and refused: an absent list means "any", so a misspelt {@code
   * categores} would otherwise widen the grant to every category.
   */
  public record GrantBody(
      List<String> networks,
      List<String> categories,
      List<String> recipients,
      String legalBasis,
      Instant expiresAt,
      String sourceNetwork,
      String controller,
      @io.swagger.v3.oas.annotations.Hidden @com.fasterxml.jackson.annotation.JsonAnySetter
          Map<String, Object> unknown) {}

  /** A TCF v2.2 TC string to import; any other field is refused (see {@link GrantBody}). */
  public record TcfBody(
      String tcString,
      String sourceNetwork,
      @io.swagger.v3.oas.annotations.Hidden @com.fasterxml.jackson.annotation.JsonAnySetter
          Map<String, Object> unknown) {}

  /**
   * A consent change names a member the topology can key: not blank, no control characters (it
   * quarantines every event of such a member, and a blank one was only refused by the ledger after
   * the command had been written).
   */
  static void requireMemberId(String memberId) {
    dev.lattice.gateway.api.Identifiers.require(memberId, "memberId", "member id");
  }

  /** Refuses a body with fields this endpoint does not know, naming each at its JSON path. */
  static void refuseUnknownFields(Map<String, Object> unknown, String what) {
    dev.lattice.gateway.problem.UnknownFields.refuse(unknown, what);
  }

  /** One purpose in the member's current consent state. */
  public record PurposeView(
      boolean granted,
      String dpvPurpose,
      List<String> categories,
      List<String> recipients,
      List<String> networks,
      String legalBasis,
      Instant grantedAt,
      Instant expiresAt,
      String source,
      String receiptId,
      String controller) {}

  /** One applied change. */
  public record HistoryView(
      long version,
      String commandId,
      String action,
      String purpose,
      Instant at,
      String receiptId) {}

  /** The member's consent state and recent history, from the consent ledger. */
  public record ConsentView(
      String memberId,
      long version,
      boolean gpc,
      String receiptId,
      Instant updatedAt,
      Map<String, PurposeView> purposes,
      List<HistoryView> history) {}

  /**
   * A purpose segment: anything but {@code tcf}, which is the TCF import's own path (POST only), so
   * that {@code OPTIONS …/consents/tcf} and its 405s do not list PUT and DELETE.
   */
  private static final String PURPOSE = "/{purpose:(?!tcf$).+}";

  @PutMapping(PURPOSE)
  @Operation(summary = "Grant consent for a purpose")
  public ResponseEntity<ConsentReceipt> grant(
      @PathVariable String memberId,
      @PathVariable String purpose,
      @RequestBody(required = false) GrantBody body,
      @Parameter(description = "Global Privacy Control; 1 = opt out of sharing with brands")
          @RequestHeader(name = "Sec-GPC", required = false)
          String gpc,
      @AuthenticationPrincipal LatticePrincipal caller) {
    GrantBody b =
        body == null ? new GrantBody(null, null, null, null, null, null, null, Map.of()) : body;
    refuseUnknownFields(b.unknown(), "consent grant");
    requireMemberId(memberId);
    String source = tenancy.requireConsentChange(caller, memberId, b.sourceNetwork());
    requireKnownSource(b.sourceNetwork(), "$.sourceNetwork");
    requireKnownReferences(b);
    ResponseEntity<ConsentReceipt> answer =
        answer(
            consent.grant(
                memberId,
                purpose,
                new ConsentService.Grant(
                    b.networks(),
                    b.categories(),
                    b.recipients(),
                    b.legalBasis(),
                    b.expiresAt(),
                    source,
                    b.controller()),
                gpc(gpc),
                caller.name()));
    tenancy.joined(memberId, source);
    return answer;
  }

  @DeleteMapping(PURPOSE)
  @Operation(summary = "Withdraw consent for a purpose; effective for the member's very next event")
  public ResponseEntity<ConsentReceipt> withdraw(
      @PathVariable String memberId,
      @PathVariable String purpose,
      @RequestParam(required = false) String sourceNetwork,
      @RequestHeader(name = "Sec-GPC", required = false) String gpc,
      @AuthenticationPrincipal LatticePrincipal caller) {
    requireMemberId(memberId);
    String source = tenancy.requireConsentChange(caller, memberId, sourceNetwork, "sourceNetwork");
    requireKnownSource(sourceNetwork, "sourceNetwork");
    ResponseEntity<ConsentReceipt> answer =
        answer(consent.withdraw(memberId, purpose, gpc(gpc), source, caller.name()));
    tenancy.joined(memberId, source);
    return answer;
  }

  @PostMapping("/tcf")
  @Operation(summary = "Import an IAB TCF v2.2 TC string as consent")
  public ResponseEntity<ConsentReceipt> tcf(
      @PathVariable String memberId,
      @RequestBody TcfBody body,
      @RequestHeader(name = "Sec-GPC", required = false) String gpc,
      @AuthenticationPrincipal LatticePrincipal caller) {
    refuseUnknownFields(body == null ? null : body.unknown(), "TCF import");
    requireMemberId(memberId);
    String source =
        tenancy.requireConsentChange(caller, memberId, body == null ? null : body.sourceNetwork());
    requireKnownSource(body == null ? null : body.sourceNetwork(), "$.sourceNetwork");
    ResponseEntity<ConsentReceipt> answer =
        answer(
            consent.importTcf(
                memberId, body == null ? null : body.tcString(), gpc(gpc), source, caller.name()));
    tenancy.joined(memberId, source);
    return answer;
  }

  @GetMapping
  @Operation(summary = "The member's current consent state and recent history")
  public ConsentView get(
      @PathVariable String memberId, @AuthenticationPrincipal LatticePrincipal caller) {
    requireMemberId(memberId);
    tenancy.requireReadable(caller, memberId);
    return consent.state(memberId).map(ConsentController::view).orElseGet(() -> empty(memberId));
  }

  public static ConsentView view(ConsentState s) {
    Map<String, PurposeView> purposes = new LinkedHashMap<>();
    s.getPurposes()
        .forEach(
            (p, g) ->
                purposes.put(
                    p,
                    new PurposeView(
                        g.getGranted(),
                        ConsentReceipt.dpvPurpose(p),
                        g.getCategories(),
                        g.getRecipients(),
                        g.getNetworks(),
                        g.getLegalBasis(),
                        g.getGrantedAt(),
                        g.getExpiresAt(),
                        g.getSource(),
                        g.getReceiptId(),
                        g.getController())));
    List<HistoryView> history =
        s.getHistory() == null
            ? List.of()
            : s.getHistory().stream()
                .map(
                    h ->
                        new HistoryView(
                            h.getVersion(),
                            h.getCommandId(),
                            h.getAction().name().toLowerCase(java.util.Locale.ROOT),
                            h.getPurpose(),
                            h.getAt(),
                            h.getReceiptId()))
                .toList();
    return new ConsentView(
        s.getMemberId(),
        s.getVersion(),
        s.getGpc(),
        s.getReceiptId(),
        s.getUpdatedAt(),
        purposes,
        history);
  }

  static ConsentView empty(String memberId) {
    return new ConsentView(memberId, 0, false, null, null, Map.of(), List.of());
  }

  private static boolean gpc(String header) {
    return header != null && header.trim().equals("1");
  }

  /** 200 with ordering {@code applied}, or 202 with ordering {@code ordered_by_append}. */
  private static ResponseEntity<ConsentReceipt> answer(ConsentService.Result result) {
    return ResponseEntity.status(result.recorded() ? HttpStatus.OK : HttpStatus.ACCEPTED)
        .body(result.receipt());
  }
}
