package dev.lattice.gateway.api.decisions;

import dev.lattice.schemas.avro.DecisionRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One audited decision with a sentence explaining it.
 *
 * @param explanation why the event went (or did not go) to the destination, in words: the reasons,
 *     the obligations applied, the bundle revision and the consent version and receipt
 * @param detailSealed whether the personal values behind the reasons (a purchase's sku and date, a
 *     consent date, an offer count) are in the audit record, sealed with the member's key (never
 *     shown here; an erasure shreds them)
 */
public record DecisionView(
    String decisionId,
    String eventId,
    String eventType,
    String purpose,
    String memberId,
    String sourceNetwork,
    Map<String, String> destination,
    boolean allow,
    List<Map<String, String>> reasons,
    Map<String, Object> obligations,
    String bundleRevision,
    long consentVersion,
    String consentReceiptId,
    Instant decidedAt,
    String explanation,
    boolean detailSealed) {

  public static DecisionView of(DecisionRecord d) {
    List<Map<String, String>> reasons =
        d.getReasons().stream()
            .map(r -> Map.of("code", r.getCode(), "message", r.getMessage()))
            .toList();
    Map<String, Object> obligations =
        Map.of(
            "redact", d.getObligations().getRedact(),
            "pseudonymize", d.getObligations().getPseudonymize(),
            "generalize", d.getObligations().getGeneralize(),
            "coarsen_time", d.getObligations().getCoarsenTime());
    String to = d.getDestination().getKind() + " " + d.getDestination().getId();
    String because =
        d.getReasons().isEmpty()
            ? ""
            : " because "
                + d.getReasons().stream()
                    .map(r -> r.getMessage() + " (" + r.getCode() + ")")
                    .collect(Collectors.joining("; "));
    String applied =
        d.getAllow()
                && (!d.getObligations().getRedact().isEmpty()
                    || !d.getObligations().getPseudonymize().isEmpty()
                    || !d.getObligations().getGeneralize().isEmpty()
                    || !d.getObligations().getCoarsenTime().isEmpty())
            ? ", after redacting "
                + d.getObligations().getRedact()
                + ", pseudonymising "
                + d.getObligations().getPseudonymize()
                + ", generalising "
                + d.getObligations().getGeneralize().keySet()
                + " and coarsening "
                + d.getObligations().getCoarsenTime()
            : "";
    String explanation =
        (d.getAllow() ? "Allowed" : "Denied")
            + " "
            + d.getEventType()
            + " event "
            + d.getEventId()
            + " from network "
            + d.getSourceNetwork()
            + " to "
            + to
            + because
            + applied
            + "; decided by policy bundle "
            + d.getBundleRevision()
            + " under consent version "
            + d.getConsentVersion()
            + (d.getConsentReceiptId() == null ? "" : " (receipt " + d.getConsentReceiptId() + ")")
            + ".";
    return new DecisionView(
        d.getDecisionId(),
        d.getEventId(),
        d.getEventType(),
        d.getPurpose(),
        d.getMemberId(),
        d.getSourceNetwork(),
        Map.of("kind", d.getDestination().getKind(), "id", d.getDestination().getId()),
        d.getAllow(),
        reasons,
        obligations,
        d.getBundleRevision(),
        d.getConsentVersion(),
        d.getConsentReceiptId(),
        d.getDecidedAt(),
        explanation,
        d.getSealedDetail() != null);
  }
}
