package dev.lattice.streams.internal.consent;

import dev.lattice.policy.ReasonCodes;
import dev.lattice.schemas.Vocabulary;
import dev.lattice.schemas.avro.ConsentAction;
import dev.lattice.schemas.avro.ConsentCommand;
import dev.lattice.schemas.avro.ConsentHistoryEntry;
import dev.lattice.schemas.avro.ConsentState;
import dev.lattice.schemas.avro.PurposeGrant;
import dev.lattice.streams.DecisionInputs;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Folds validated consent commands into a member's {@link ConsentState}. Pure: the same state and
 * command always give the same result (receipt ids are derived from member, version and command
 * id), so a replay after a crash rebuilds the very same ledger.
 *
 * <p>Every applied command increases the version by one. A command that cannot be applied yields a
 * {@link Outcome.Rejected} with a stable reason code and leaves the state unchanged.
 */
public final class ConsentLedger {
  /** How many history entries the state keeps (the full history is the ledger topic itself). */
  static final int HISTORY_LIMIT = 20;

  /**
   * Categories a TCF import grants; location only with TCF special feature 1 (precise geolocation).
   */
  static final List<String> TCF_CATEGORIES = List.of("activity", "interests", "profile");

  private ConsentLedger() {}

  /** The result of one command. */
  public sealed interface Outcome {
    record Applied(ConsentState state) implements Outcome {}

    record Rejected(String code, String message) implements Outcome {}
  }

  /**
   * As {@link #apply(ConsentState, ConsentCommand, String, Instant, Instant)}, append time unknown.
   */
  public static Outcome apply(
      ConsentState current, ConsentCommand command, String key, Instant now) {
    return apply(current, command, key, now, null);
  }

  /**
   * Applies one command.
   *
   * @param now the time the command is applied (grant times, history)
   * @param appendedAt the broker's append time of the command record (null = unknown), recorded on
   *     every purpose the command changes ({@code PurposeGrant.appended_at}): an event appended
   *     before it is decided without this change when it loosened consent ({@link ConsentAsOf})
   */
  public static Outcome apply(
      ConsentState current, ConsentCommand command, String key, Instant now, Instant appendedAt) {
    try {
      return new Outcome.Applied(fold(current, command, key, now, appendedAt));
    } catch (InvalidConsentCommandException e) {
      return new Outcome.Rejected(e.code(), e.getMessage());
    }
  }

  private static ConsentState fold(
      ConsentState current, ConsentCommand c, String key, Instant now, Instant appendedAt) {
    String member = c.getMemberId();
    if (member == null || member.isBlank()) {
      throw new InvalidConsentCommandException(
          ReasonCodes.CONSENT_MEMBER_MISSING, "command names no member");
    }
    if (key == null || !key.equals(member)) {
      // Commands are not re-keyed (that detour would let later events overtake a withdrawal): the
      // producer must key each command by its member id.
      throw new InvalidConsentCommandException(
          ReasonCodes.CONSENT_MEMBER_MISMATCH,
          key == null
              ? "command has no Kafka key: key every consent command by its member id"
              : "command for member is keyed by another member id: key it by its member id");
    }
    if (c.getCommandId() == null || c.getCommandId().isBlank()) {
      throw new InvalidConsentCommandException(
          ReasonCodes.CONSENT_COMMAND_ID_MISSING, "command has no command_id");
    }
    if (current != null && current.getHistory() != null) {
      for (ConsentHistoryEntry h : current.getHistory()) {
        if (h.getCommandId().equals(c.getCommandId())) {
          throw new InvalidConsentCommandException(
              ReasonCodes.CONSENT_DUPLICATE_COMMAND,
              "command " + c.getCommandId() + " was already applied at version " + h.getVersion());
        }
      }
    }
    long version = current == null ? 1 : current.getVersion() + 1;
    String receipt = receiptId(member, version, c.getCommandId());
    Map<String, PurposeGrant> purposes =
        current == null ? new LinkedHashMap<>() : new LinkedHashMap<>(current.getPurposes());
    boolean gpc = c.getGpc() || (current != null && current.getGpc());
    ConsentAction action = c.getAction();
    switch (action) {
      case GRANT -> grant(purposes, c, receipt, now, appendedAt);
      case WITHDRAW -> withdraw(purposes, c, receipt, now, appendedAt);
      case ERASE -> {
        purposes.clear();
        gpc = false;
      }
      case TCF_IMPORT -> tcfImport(purposes, c, receipt, now, appendedAt);
      case RECONFIRM -> reconfirm(purposes, c, receipt, now, appendedAt);
      default ->
          throw new InvalidConsentCommandException(
              ReasonCodes.CONSENT_UNKNOWN_ACTION,
              "action " + action + " is not one Lattice can apply");
    }
    List<ConsentHistoryEntry> history =
        current == null || current.getHistory() == null
            ? new ArrayList<>()
            : new ArrayList<>(current.getHistory());
    history.add(
        ConsentHistoryEntry.newBuilder()
            .setVersion(version)
            .setCommandId(c.getCommandId())
            .setAction(action)
            .setPurpose(c.getPurpose())
            .setAt(now)
            .setReceiptId(receipt)
            .build());
    if (history.size() > HISTORY_LIMIT) {
      history = new ArrayList<>(history.subList(history.size() - HISTORY_LIMIT, history.size()));
    }
    return ConsentState.newBuilder()
        .setMemberId(member)
        .setVersion(version)
        .setPurposes(purposes)
        .setGpc(action != ConsentAction.ERASE && gpc)
        .setReceiptId(receipt)
        .setUpdatedAt(now)
        .setHistory(history)
        .build();
  }

  private static void grant(
      Map<String, PurposeGrant> purposes,
      ConsentCommand c,
      String receipt,
      Instant now,
      Instant appendedAt) {
    String purpose = requireKnownPurpose(c.getPurpose());
    for (String category : c.getCategories()) {
      if (Vocabulary.OFFERS.equals(purpose)) {
        // An offers grant limits offer categories (the brands' words), not data categories.
        if (!Vocabulary.isOfferCategory(category)) {
          throw new InvalidConsentCommandException(
              ReasonCodes.CONSENT_UNKNOWN_CATEGORY,
              "offer category '"
                  + category
                  + "' must be 1 to "
                  + Vocabulary.OFFER_CATEGORY_MAX_LENGTH
                  + " characters without control characters or surrounding spaces");
        }
      } else if (!Vocabulary.CATEGORIES.contains(category)) {
        throw new InvalidConsentCommandException(
            ReasonCodes.CONSENT_UNKNOWN_CATEGORY,
            "unknown data category '"
                + category
                + "'; known: "
                + new TreeSet<>(Vocabulary.CATEGORIES));
      }
    }
    if (c.getExpiresAt() != null && !c.getExpiresAt().isAfter(now)) {
      throw new InvalidConsentCommandException(
          ReasonCodes.CONSENT_ALREADY_EXPIRED,
          "grant of " + purpose + " expires before it is applied");
    }
    purposes.put(
        purpose,
        PurposeGrant.newBuilder()
            .setGranted(true)
            .setCategories(List.copyOf(new TreeSet<>(c.getCategories())))
            .setRecipients(List.copyOf(c.getRecipients()))
            .setNetworks(List.copyOf(c.getScopeNetworks()))
            .setLegalBasis(c.getLegalBasis() == null ? "consent" : c.getLegalBasis())
            .setGrantedAt(now)
            .setExpiresAt(c.getExpiresAt())
            .setSource(c.getSource() == null ? "api" : c.getSource())
            .setReceiptId(receipt)
            .setAppendedAt(appendedAt)
            .setController(c.getController())
            .build());
  }

  /**
   * The member confirms granted purposes (one, or every granted one when the command names none)
   * for the controller the command names: after a network changed hands, consent given to the
   * previous controller covers the new one only once re-confirmed. Scope, categories, recipients
   * and expiry stay as they were.
   */
  private static void reconfirm(
      Map<String, PurposeGrant> purposes,
      ConsentCommand c,
      String receipt,
      Instant now,
      Instant appendedAt) {
    if (c.getController() == null || c.getController().isBlank()) {
      throw new InvalidConsentCommandException(
          ReasonCodes.CONSENT_CONTROLLER_MISSING,
          "a re-confirmation names the controller it is given to");
    }
    List<String> targets;
    if (c.getPurpose() == null) {
      targets =
          purposes.entrySet().stream()
              .filter(e -> effective(e.getValue(), now))
              .map(Map.Entry::getKey)
              .toList();
    } else {
      String purpose = requireKnownPurpose(c.getPurpose());
      targets = effective(purposes.get(purpose), now) ? List.of(purpose) : List.of();
    }
    if (targets.isEmpty()) {
      throw new InvalidConsentCommandException(
          ReasonCodes.CONSENT_NOTHING_TO_RECONFIRM,
          c.getPurpose() == null
              ? "member has granted no purpose to re-confirm"
              : "member has not granted " + c.getPurpose());
    }
    for (String purpose : targets) {
      purposes.put(
          purpose,
          PurposeGrant.newBuilder(purposes.get(purpose))
              .setController(c.getController())
              .setReceiptId(receipt)
              .setAppendedAt(appendedAt)
              .build());
    }
  }

  private static void withdraw(
      Map<String, PurposeGrant> purposes,
      ConsentCommand c,
      String receipt,
      Instant now,
      Instant appendedAt) {
    List<String> targets;
    if (c.getPurpose() == null) {
      targets =
          purposes.entrySet().stream()
              .filter(e -> e.getValue().getGranted())
              .map(Map.Entry::getKey)
              .toList();
    } else {
      String purpose = requireKnownPurpose(c.getPurpose());
      PurposeGrant g = purposes.get(purpose);
      targets = g != null && g.getGranted() ? List.of(purpose) : List.of();
    }
    if (targets.isEmpty()) {
      throw new InvalidConsentCommandException(
          ReasonCodes.CONSENT_NOTHING_TO_WITHDRAW,
          c.getPurpose() == null
              ? "member has granted no purpose to withdraw"
              : "member has not granted " + c.getPurpose());
    }
    for (String purpose : targets) {
      PurposeGrant g = purposes.get(purpose);
      purposes.put(
          purpose,
          PurposeGrant.newBuilder(g)
              .setGranted(false)
              .setExpiresAt(null)
              .setGrantedAt(null)
              .setSource(c.getSource() == null ? "api" : c.getSource())
              .setReceiptId(receipt)
              .setAppendedAt(appendedAt)
              .build());
    }
  }

  private static void tcfImport(
      Map<String, PurposeGrant> purposes,
      ConsentCommand c,
      String receipt,
      Instant now,
      Instant appendedAt) {
    TcfPurposeMapping.TcfConsent tcf = TcfPurposeMapping.decode(c.getTcfString());
    List<String> categories = new ArrayList<>(TCF_CATEGORIES);
    if (tcf.preciseGeolocation()) {
      categories.add("location");
    }
    categories.sort(null);
    for (Map.Entry<String, Boolean> e : tcf.purposes().entrySet()) {
      if (e.getValue()) {
        purposes.put(
            e.getKey(),
            PurposeGrant.newBuilder()
                .setGranted(true)
                // An offers grant's categories are offer categories; TCF names none, so offers
                // of every category (data categories there would deny every offer).
                .setCategories(Vocabulary.OFFERS.equals(e.getKey()) ? List.of() : categories)
                .setRecipients(List.copyOf(c.getRecipients()))
                .setNetworks(List.copyOf(c.getScopeNetworks()))
                .setLegalBasis("consent")
                .setGrantedAt(now)
                .setExpiresAt(c.getExpiresAt())
                .setSource("tcf")
                .setReceiptId(receipt)
                .setAppendedAt(appendedAt)
                .setController(c.getController())
                .build());
      } else if (purposes.containsKey(e.getKey())) {
        // The TCF string is the member's whole answer for the purposes it covers: no = withdrawn.
        purposes.put(
            e.getKey(),
            PurposeGrant.newBuilder(purposes.get(e.getKey()))
                .setGranted(false)
                .setGrantedAt(null)
                .setExpiresAt(null)
                .setSource("tcf")
                .setReceiptId(receipt)
                .setAppendedAt(appendedAt)
                .build());
      }
    }
  }

  private static String requireKnownPurpose(String purpose) {
    if (purpose == null || !Vocabulary.PURPOSES.contains(purpose)) {
      throw new InvalidConsentCommandException(
          ReasonCodes.CONSENT_UNKNOWN_PURPOSE,
          "unknown purpose '" + purpose + "'; known: " + new TreeSet<>(Vocabulary.PURPOSES));
    }
    return purpose;
  }

  static String receiptId(String member, long version, String commandId) {
    return "rcpt-"
        + UUID.nameUUIDFromBytes(
            (member + "\u0000" + version + "\u0000" + commandId).getBytes(StandardCharsets.UTF_8));
  }

  /** Whether a grant counts at {@code now}: granted and not expired. */
  public static boolean effective(PurposeGrant g, Instant now) {
    return DecisionInputs.effective(g, now);
  }

  static Set<String> grantedPurposes(ConsentState state, Instant now) {
    Set<String> s = new TreeSet<>();
    if (state != null) {
      state
          .getPurposes()
          .forEach(
              (k, v) -> {
                if (effective(v, now)) s.add(k);
              });
    }
    return s;
  }
}
