package dev.lattice.policy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every reason code Lattice writes, in one place: the codes of the default policy bundle's denies,
 * the fail-closed denies of the decision service and of the topology, quarantine reasons and
 * consent-command rejections. Codes are stable: consumers of the audit log and dashboards match on
 * them. docs/decision-contract.md lists them in one table; {@code ReasonCodesTest} checks that
 * every code the bundle's Rego emits is declared here.
 */
public final class ReasonCodes {
  private ReasonCodes() {}

  // ---- decision service (fail closed)
  /** The policy evaluation failed: deny. */
  public static final String POLICY_ERROR = "policy.error";

  /** The policy gave no decision or no boolean {@code allow}: deny. */
  public static final String POLICY_UNDEFINED = "policy.undefined";

  // ---- topology denies (decided before or after the policy)
  /** The member was erased: nothing of theirs flows any more. */
  public static final String MEMBER_ERASED = "member.erased";

  /** The member's data key has not arrived: the sealed personal data cannot be read. */
  public static final String MEMBER_KEY_UNAVAILABLE = "member.key_unavailable";

  /** The event was quarantined (a policy error on another destination): nothing is delivered. */
  public static final String EVENT_QUARANTINED = "event.quarantined";

  /** The policy's obligations could not be applied to the event. */
  public static final String OBLIGATION_UNENFORCEABLE = "obligation.unenforceable";

  /**
   * The event was processed behind consent commands appended after it (a late fetch): grants those
   * commands made were withheld from it, and it was denied (docs/decision-contract.md, "Order of
   * consent and events"). Added next to the policy's own reasons.
   */
  public static final String CONSENT_CHANGED_AFTER_EVENT = "consent.changed_after_event";

  /** The destination (brand or network, or its topic) is not registered: an audited deny. */
  public static final String DESTINATION_UNKNOWN = "destination.unknown";

  /** Insights: the cell's noisy count did not reach the release threshold τ (docs/privacy.md). */
  public static final String INSIGHT_BELOW_THRESHOLD = "insight.below_threshold";

  /** Insights: the brand and network's privacy budget for the UTC day cannot pay for a cell. */
  public static final String INSIGHT_DAILY_BUDGET_SPENT = "insight.daily_budget_spent";

  /** Insights: the brand and network's lifetime privacy budget cannot pay for a cell. */
  public static final String INSIGHT_LIFETIME_BUDGET_SPENT = "insight.lifetime_budget_spent";

  /** A brand may name a member only when the member granted {@code identifiers} to that brand. */
  public static final String IDENTIFIERS_NOT_GRANTED = "consent.identifiers_not_granted";

  // ---- quarantine (records that could not be read or validated)
  public static final String RECORD_UNDECODABLE = "record.undecodable";
  public static final String EVENT_SCHEMA_VIOLATION = "event.schema_violation";
  public static final String NETWORK_UNKNOWN = "network.unknown";
  public static final String EVENT_SEALED_DATA_UNREADABLE = "event.sealed_data_unreadable";

  // ---- consent-command rejections
  public static final String CONSENT_MEMBER_MISSING = "consent.member_missing";
  public static final String CONSENT_MEMBER_MISMATCH = "consent.member_mismatch";
  public static final String CONSENT_COMMAND_ID_MISSING = "consent.command_id_missing";
  public static final String CONSENT_DUPLICATE_COMMAND = "consent.duplicate_command";
  public static final String CONSENT_UNKNOWN_ACTION = "consent.unknown_action";
  public static final String CONSENT_UNKNOWN_PURPOSE = "consent.unknown_purpose";
  public static final String CONSENT_UNKNOWN_CATEGORY = "consent.unknown_category";
  public static final String CONSENT_ALREADY_EXPIRED = "consent.already_expired";
  public static final String CONSENT_NOTHING_TO_WITHDRAW = "consent.nothing_to_withdraw";
  public static final String CONSENT_NOTHING_TO_RECONFIRM = "consent.nothing_to_reconfirm";
  public static final String CONSENT_CONTROLLER_MISSING = "consent.controller_missing";
  public static final String TCF_MALFORMED = "tcf.malformed";
  public static final String TCF_UNSUPPORTED_VERSION = "tcf.unsupported_version";

  // ---- the default policy bundle (policy/src/main/resources/lattice/bundle)
  public static final String CONSENT_PURPOSE_NOT_GRANTED = "consent.purpose_not_granted";
  public static final String CONSENT_CATEGORY_NOT_GRANTED = "consent.category_not_granted";
  public static final String CONSENT_EXPIRED = "consent.expired";
  public static final String CONSENT_NOT_YET_VALID = "consent.not_yet_valid";
  public static final String CONSENT_LEGAL_BASIS_INSUFFICIENT = "consent.legal_basis_insufficient";
  public static final String CONSENT_NETWORK_NOT_COVERED = "consent.network_not_covered";
  public static final String CONSENT_RECIPIENT_NOT_COVERED = "consent.recipient_not_covered";
  public static final String CONSENT_GPC = "consent.gpc";

  /**
   * The source network changed controller (a transfer) after the member's consent was given: the
   * consent does not cover flows to the new controller or its brands until the member re-confirms
   * it for the new controller.
   */
  public static final String CONSENT_CONTROLLER_CHANGED = "consent.controller_changed";

  public static final String DATA_NO_SHAREABLE_FIELDS = "data.no_shareable_fields";
  public static final String DESTINATION_INVALID = "destination.invalid";
  public static final String EVENT_UNKNOWN_TYPE = "event.unknown_type";
  public static final String EVENT_PURPOSE_MISSING = "event.purpose_missing";
  public static final String INSIGHT_BELOW_K_ANONYMITY = "insight.below_k_anonymity";
  public static final String INSIGHT_BRAND_NOT_ALLOWED = "insight.brand_not_allowed";
  public static final String INSIGHT_COUNT_MISSING = "insight.count_missing";
  public static final String INSIGHT_MEMBER_MISSING = "insight.member_missing";
  public static final String INSIGHT_DESTINATION_NOT_BRAND = "insight.destination_not_brand";
  public static final String INSIGHT_NETWORK_DISABLED = "insight.network_disabled";
  public static final String INSIGHT_NOT_AGGREGATE = "insight.not_aggregate";
  public static final String NETWORK_CONTENT_EXPORT_DENIED = "network.content_export_denied";
  public static final String NETWORK_CONTENT_IMPORT_DENIED = "network.content_import_denied";
  public static final String NETWORK_EXPORT_DESTINATION_DENIED =
      "network.export_destination_denied";
  public static final String NETWORK_EXPORT_PURPOSE_DENIED = "network.export_purpose_denied";
  public static final String NETWORK_IMPORT_PURPOSE_DENIED = "network.import_purpose_denied";
  public static final String NETWORK_IMPORT_SOURCE_DENIED = "network.import_source_denied";
  public static final String NETWORK_UNKNOWN_DESTINATION = "network.unknown_destination";
  public static final String NETWORK_UNKNOWN_SOURCE = "network.unknown_source";
  public static final String OFFER_BRAND_DENIED = "offer.brand_denied";
  public static final String OFFER_BRAND_FREQUENCY_CAP = "offer.brand_frequency_cap";
  public static final String OFFER_BRAND_MISSING = "offer.brand_missing";
  public static final String OFFER_BRAND_NOT_ALLOWED = "offer.brand_not_allowed";
  public static final String OFFER_CATEGORY_BLOCKED = "offer.category_blocked";
  public static final String OFFER_DESTINATION_NOT_NETWORK = "offer.destination_not_network";
  public static final String OFFER_FREQUENCY_CAP = "offer.frequency_cap";
  public static final String OFFER_NETWORK_CLOSED = "offer.network_closed";
  public static final String OFFER_RECENTLY_PURCHASED = "offer.recently_purchased";
  public static final String TRANSIT_NO_AGREEMENT = "transit.no_agreement";

  /** Every code declared above, sorted. */
  public static Set<String> all() {
    Set<String> out = new TreeSet<>();
    for (Field f : ReasonCodes.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        try {
          out.add((String) f.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return out;
  }
}
