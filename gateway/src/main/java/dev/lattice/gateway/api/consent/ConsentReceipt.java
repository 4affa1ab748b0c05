package dev.lattice.gateway.api.consent;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A consent receipt, shaped after an ISO/IEC TS 27560 consent record and using W3C Data Privacy
 * Vocabulary (DPV) terms for purposes, legal bases, consent status and data categories.
 *
 * @param context JSON-LD context naming the DPV namespaces
 * @param receiptId the receipt id; the audit record of every decision made under this consent state
 *     names it ({@code consent_receipt_id})
 * @param status {@code recorded} (applied to the ledger), {@code pending} (sent, not yet applied)
 * @param ledgerVersion the ledger version this change produced; null while pending
 * @param controller the organisation the member gives the consent to (DPV {@code
 *     dpv:hasDataController}): the source network's controller at the time; null when none is
 *     recorded
 * @param ordering which order guarantee the caller holds: {@code applied} (200) or {@code
 *     ordered_by_append} (202); docs/decision-contract.md, "Order of consent and events"
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConsentReceipt(
    @JsonProperty("@context") Map<String, String> context,
    String schema,
    String receiptId,
    String commandId,
    String status,
    Instant timestamp,
    Long ledgerVersion,
    DataSubject dataSubject,
    String consentStatus,
    String action,
    List<Processing> processing,
    boolean gpc,
    GpcOptOut gpcOptOut,
    String source,
    String sourceNetwork,
    String recordedBy,
    Ordering ordering,
    @JsonProperty("dataController") String controller) {

  public static final Map<String, String> CONTEXT =
      Map.of("dpv", "https://w3id.org/dpv#", "pd", "https://w3id.org/dpv/pd#");

  /**
   * The order guarantee behind the answer. Both hold for events of the member appended to Kafka
   * after {@code appendedAt}, whichever topic and producer they come through.
   *
   * @param guarantee {@code applied}: the ledger applied the command (HTTP 200); {@code
   *     ordered_by_append}: the command is appended but not yet applied (HTTP 202)
   * @param appendedAt when the broker appended the command to {@code lattice.consent.commands} (its
   *     append time): the point in the member's order from which the change holds
   * @param statement the guarantee in one sentence
   */
  public record Ordering(String guarantee, Instant appendedAt, String statement) {
    static Ordering applied(Instant appendedAt, long ledgerVersion) {
      return new Ordering(
          "applied",
          appendedAt,
          "applied to the consent ledger as version "
              + ledgerVersion
              + ": every event of this member appended after "
              + appendedAt
              + " is decided under it");
    }

    static Ordering orderedByAppend(Instant appendedAt) {
      return new Ordering(
          "ordered_by_append",
          appendedAt,
          "appended to lattice.consent.commands at "
              + appendedAt
              + " and not yet applied: it will be applied before any event of this member"
              + " appended after that is decided (GET the consents to see it applied)");
    }
  }

  /** The member the receipt is about. */
  public record DataSubject(String id, String type) {}

  /** One purpose the consent covers. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Processing(
      String purpose,
      String purposeId,
      List<String> categories,
      List<String> personalDataCategories,
      List<String> recipients,
      List<String> networks,
      String legalBasis,
      Instant expiresAt) {}

  /** A Global Privacy Control signal, recorded as an opt-out of sharing with brands. */
  public record GpcOptOut(String signal, String effect, String consentStatus) {
    static GpcOptOut recorded() {
      return new GpcOptOut(
          "Sec-GPC: 1",
          "opt-out of sharing personal data with brands (dpv:ThirdParty)",
          "dpv:ConsentRefused");
    }
  }

  /** The DPV term for a Lattice purpose. */
  public static String dpvPurpose(String purpose) {
    return switch (purpose) {
      case "analytics" -> "dpv:ServiceUsageAnalytics";
      case "personalisation" -> "dpv:ServicePersonalisation";
      case "marketing" -> "dpv:Marketing";
      case "offers" -> "dpv:PersonalisedAdvertising";
      case "sharing" -> "dpv:SellDataToThirdParties";
      case "research" -> "dpv:ResearchAndDevelopment";
      default -> "dpv:Purpose";
    };
  }

  /** The DPV term for a legal basis. */
  public static String dpvLegalBasis(String basis) {
    if (basis == null) {
      return "dpv:Consent";
    }
    return switch (basis) {
      case "consent" -> "dpv:Consent";
      case "contract" -> "dpv:Contract";
      case "legitimate_interest" -> "dpv:LegitimateInterest";
      case "legal_obligation" -> "dpv:LegalObligation";
      default -> "dpv:LegalBasis";
    };
  }

  /** The DPV personal-data term for a Lattice data category. */
  public static String dpvCategory(String category) {
    return switch (category) {
      case "profile" -> "pd:Demographic";
      case "contact" -> "pd:Contact";
      case "location" -> "pd:Location";
      case "activity" -> "pd:BehaviouralActivity";
      case "content" -> "pd:Communication";
      case "purchases" -> "pd:PurchasesAndSpendingHabit";
      case "interests" -> "pd:Interest";
      case "identifiers" -> "pd:Identifying";
      default -> "dpv:PersonalData";
    };
  }
}
