package dev.lattice.gateway.api.consent;

import com.iabtcf.decoder.TCString;
import dev.lattice.gateway.events.EventPublisher;
import dev.lattice.gateway.problem.FieldProblem;
import dev.lattice.gateway.problem.InvalidRequestException;
import dev.lattice.schemas.AvroCodec;
import dev.lattice.schemas.TopicCatalogue;
import dev.lattice.schemas.Vocabulary;
import dev.lattice.schemas.avro.ConsentAction;
import dev.lattice.schemas.avro.ConsentCommand;
import dev.lattice.schemas.avro.ConsentState;
import dev.lattice.schemas.avro.PurposeGrant;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Turns consent calls into commands on {@code lattice.consent.commands} (keyed by member id, so a
 * member's commands stay ordered with their events) and waits briefly for the topology's ledger to
 * apply them, to answer with a receipt carrying the ledger version.
 */
public final class ConsentService {

  /** The latest expiry a grant may name (an ISO-8601 year of four digits). */
  static final Instant LATEST_EXPIRY = Instant.parse("9999-12-31T23:59:59Z");

  /** What a grant asks for. */
  public record Grant(
      List<String> networks,
      List<String> categories,
      List<String> recipients,
      String legalBasis,
      Instant expiresAt,
      String sourceNetwork,
      String controller) {}

  /** A receipt, and whether the ledger already applied the change. */
  public record Result(ConsentReceipt receipt, boolean recorded) {}

  private final EventPublisher publisher;
  private final ConsentLedgerView ledger;
  private final Duration confirmTimeout;
  private final Clock clock;
  private final java.util.function.Function<String, Optional<String>> controllerOf;
  private final AvroCodec<ConsentCommand> codec = AvroCodec.of(ConsentCommand.class);

  public ConsentService(
      EventPublisher publisher, ConsentLedgerView ledger, Duration confirmTimeout, Clock clock) {
    this(publisher, ledger, confirmTimeout, clock, network -> Optional.empty());
  }

  /**
   * @param controllerOf the organisation that controls a network now (empty when none is recorded):
   *     consent given through a network is recorded as given to its controller
   */
  public ConsentService(
      EventPublisher publisher,
      ConsentLedgerView ledger,
      Duration confirmTimeout,
      Clock clock,
      java.util.function.Function<String, Optional<String>> controllerOf) {
    this.publisher = publisher;
    this.ledger = ledger;
    this.confirmTimeout = confirmTimeout;
    this.clock = clock;
    this.controllerOf = controllerOf;
  }

  /**
   * The controller a consent is given to: the one the caller names, which must be the source
   * network's current controller when the network has one, else the network's current controller.
   */
  private String controller(String named, String sourceNetwork, List<FieldProblem> errors) {
    Optional<String> current =
        sourceNetwork == null ? Optional.empty() : controllerOf.apply(sourceNetwork);
    if (named == null || named.isBlank()) {
      return current.orElse(null);
    }
    if (current.isPresent() && !current.get().equals(named)) {
      errors.add(
          new FieldProblem(
              "$.controller",
              "network "
                  + sourceNetwork
                  + " is controlled by '"
                  + current.get()
                  + "': consent through it can be given only to its current controller"));
    }
    return named;
  }

  /**
   * Re-confirms the member's granted purposes ({@code purposes} null or empty = every granted one)
   * for the current controller of {@code network}, after it changed hands. Appended, not awaited:
   * the member's later events are decided after it (docs/decision-contract.md).
   *
   * @return the command ids, one per purpose (or one for all)
   */
  public List<String> reconfirm(String memberId, List<String> purposes, String network, String by) {
    String controller =
        controllerOf
            .apply(network)
            .orElseThrow(
                () ->
                    new InvalidRequestException(
                        "Nothing to re-confirm",
                        List.of(
                            new FieldProblem(
                                "networkId",
                                "network " + network + " has no controller recorded"))));
    List<String> ids = new ArrayList<>();
    List<String> targets =
        purposes == null || purposes.isEmpty()
            ? java.util.Collections.singletonList(null)
            : purposes;
    for (String purpose : targets) {
      ConsentCommand command =
          base(memberId, ConsentAction.RECONFIRM, purpose, false, network)
              .setController(controller)
              .build();
      publisher.publish(
          TopicCatalogue.CONSENT_COMMANDS.name(), command.getMemberId(), codec.encode(command));
      ids.add(command.getCommandId());
    }
    return ids;
  }

  public Result grant(String memberId, String purpose, Grant grant, boolean gpc, String by) {
    List<FieldProblem> errors = new ArrayList<>();
    checkPurpose(purpose, errors);
    List<String> categories = grant.categories() == null ? List.of() : grant.categories();
    boolean offers = Vocabulary.OFFERS.equals(purpose);
    for (int i = 0; i < categories.size(); i++) {
      if (offers && !Vocabulary.isOfferCategory(categories.get(i))) {
        // An offers grant limits offer categories (outdoor, books, ...): the brands' words.
        errors.add(
            new FieldProblem(
                "$.categories[" + i + "]",
                "an offer category is 1 to "
                    + Vocabulary.OFFER_CATEGORY_MAX_LENGTH
                    + " characters without control characters or surrounding spaces, as offers"
                    + " name it (e.g. outdoor)"));
      } else if (!offers && !Vocabulary.isCategory(categories.get(i))) {
        errors.add(
            new FieldProblem(
                "$.categories[" + i + "]",
                "unknown category; use one of " + String.join(", ", Vocabulary.CATEGORIES)));
      }
    }
    String basis = grant.legalBasis() == null ? "consent" : grant.legalBasis();
    if (!Vocabulary.isLegalBasis(basis)) {
      errors.add(new FieldProblem("$.legalBasis", "must be one of " + Vocabulary.LEGAL_BASES));
    }
    if (grant.expiresAt() != null && !grant.expiresAt().isAfter(clock.instant())) {
      errors.add(new FieldProblem("$.expiresAt", "must be in the future"));
    } else if (grant.expiresAt() != null && grant.expiresAt().isAfter(LATEST_EXPIRY)) {
      // The ledger keeps instants as epoch milliseconds: far beyond this the command could not be
      // encoded (it answered 500)
      errors.add(new FieldProblem("$.expiresAt", "must be before 10000-01-01T00:00:00Z"));
    }
    String controller = controller(grant.controller(), grant.sourceNetwork(), errors);
    if (!errors.isEmpty()) {
      throw new InvalidRequestException("The consent grant is invalid", errors);
    }
    ConsentCommand command =
        base(memberId, ConsentAction.GRANT, purpose, gpc, grant.sourceNetwork())
            .setScopeNetworks(orEmpty(grant.networks()))
            .setCategories(categories)
            .setRecipients(orEmpty(grant.recipients()))
            .setLegalBasis(basis)
            .setExpiresAt(grant.expiresAt())
            .setController(controller)
            .build();
    return send(command, by);
  }

  public Result withdraw(
      String memberId, String purpose, boolean gpc, String sourceNetwork, String by) {
    List<FieldProblem> errors = new ArrayList<>();
    checkPurpose(purpose, errors);
    if (!errors.isEmpty()) {
      throw new InvalidRequestException("The consent withdrawal is invalid", errors);
    }
    return send(base(memberId, ConsentAction.WITHDRAW, purpose, gpc, sourceNetwork).build(), by);
  }

  public Result importTcf(
      String memberId, String tcString, boolean gpc, String sourceNetwork, String by) {
    if (tcString == null || tcString.isBlank()) {
      throw new InvalidRequestException(
          "A TCF import needs a TC string",
          List.of(new FieldProblem("$.tcString", "must be an IAB TCF v2.2 TC string")));
    }
    try {
      TCString decoded = TCString.decode(tcString.trim());
      if (decoded.getVersion() != 2) {
        throw new IllegalArgumentException("Version " + decoded.getVersion() + " is unsupported");
      }
    } catch (RuntimeException e) {
      throw new InvalidRequestException(
          "The TC string cannot be decoded",
          List.of(
              new FieldProblem(
                  "$.tcString",
                  "is not a valid IAB TCF v2 TC string (" + tcfProblem(e.getMessage()) + ")")));
    }
    ConsentCommand command =
        base(memberId, ConsentAction.TCF_IMPORT, null, gpc, sourceNetwork)
            .setTcfString(tcString.trim())
            .setSource("tcf")
            .setController(
                sourceNetwork == null ? null : controllerOf.apply(sourceNetwork).orElse(null))
            .build();
    return send(command, by);
  }

  /** Erasure: the ledger forgets every grant of the member. */
  public Result erase(String memberId, String by) {
    return send(base(memberId, ConsentAction.ERASE, null, false, null).build(), by);
  }

  public Optional<ConsentState> state(String memberId) {
    return ledger.latestState(memberId);
  }

  private ConsentCommand.Builder base(
      String memberId, ConsentAction action, String purpose, boolean gpc, String sourceNetwork) {
    return ConsentCommand.newBuilder()
        .setCommandId("cmd-" + UUID.randomUUID())
        .setMemberId(memberId)
        .setAction(action)
        .setPurpose(purpose)
        .setScopeNetworks(List.of())
        .setCategories(List.of())
        .setRecipients(List.of())
        .setLegalBasis(null)
        .setExpiresAt(null)
        .setSource("api")
        .setGpc(gpc)
        .setTcfString(null)
        .setSourceNetwork(sourceNetwork)
        .setIssuedAt(clock.instant())
        .setCorrelationId(null);
  }

  private Result send(ConsentCommand command, String by) {
    // Keyed by member id and acknowledged by every in-sync replica before we go on: the command's
    // place in the member's order is fixed from here (its broker append time).
    RecordMetadata appended =
        publisher.publish(
            TopicCatalogue.CONSENT_COMMANDS.name(), command.getMemberId(), codec.encode(command));
    Instant appendedAt =
        appended != null && appended.hasTimestamp()
            ? Instant.ofEpochMilli(appended.timestamp())
            : clock.instant();
    Optional<ConsentLedgerView.Outcome> outcome =
        ledger.await(command.getMemberId(), command.getCommandId(), confirmTimeout);
    if (outcome.isPresent() && outcome.get() instanceof ConsentLedgerView.Outcome.Rejected r) {
      throw new ConsentRejectedException(
          command.getCommandId(), r.rejection().getReasonCode(), r.rejection().getMessage());
    }
    if (outcome.isPresent() && outcome.get() instanceof ConsentLedgerView.Outcome.Applied a) {
      return new Result(
          receipt(
              command,
              a.state(),
              a.entry().getReceiptId(),
              a.entry().getVersion(),
              by,
              ConsentReceipt.Ordering.applied(appendedAt, a.entry().getVersion())),
          true);
    }
    return new Result(
        receipt(command, null, null, null, by, ConsentReceipt.Ordering.orderedByAppend(appendedAt)),
        false);
  }

  private ConsentReceipt receipt(
      ConsentCommand c,
      ConsentState state,
      String receiptId,
      Long version,
      String by,
      ConsentReceipt.Ordering ordering) {
    List<ConsentReceipt.Processing> processing = new ArrayList<>();
    if (c.getAction() == ConsentAction.TCF_IMPORT && state != null) {
      state
          .getPurposes()
          .forEach(
              (purpose, grant) -> {
                if (grant.getGranted() && "tcf".equals(grant.getSource())) {
                  processing.add(processing(purpose, grant));
                }
              });
    } else if (c.getPurpose() != null) {
      processing.add(
          new ConsentReceipt.Processing(
              ConsentReceipt.dpvPurpose(c.getPurpose()),
              c.getPurpose(),
              c.getCategories(),
              personalDataCategories(c.getPurpose(), c.getCategories()),
              c.getRecipients(),
              c.getScopeNetworks(),
              ConsentReceipt.dpvLegalBasis(c.getLegalBasis()),
              c.getExpiresAt()));
    }
    String consentStatus =
        switch (c.getAction()) {
          case GRANT, TCF_IMPORT -> "dpv:ConsentGiven";
          case RECONFIRM -> "dpv:RenewedConsentGiven";
          case WITHDRAW -> "dpv:ConsentWithdrawn";
          case ERASE -> "dpv:ConsentWithdrawn";
          default -> "dpv:ConsentStatus";
        };
    return new ConsentReceipt(
        ConsentReceipt.CONTEXT,
        "ISO/IEC TS 27560:2023 consent record (Lattice profile, DPV terms)",
        receiptId,
        c.getCommandId(),
        receiptId == null ? "pending" : "recorded",
        c.getIssuedAt(),
        version,
        new ConsentReceipt.DataSubject(c.getMemberId(), "dpv:DataSubject"),
        consentStatus,
        c.getAction().name().toLowerCase(java.util.Locale.ROOT),
        processing,
        c.getGpc(),
        c.getGpc() ? ConsentReceipt.GpcOptOut.recorded() : null,
        c.getSource(),
        c.getSourceNetwork(),
        by,
        ordering,
        c.getController());
  }

  static ConsentReceipt.Processing processing(String purpose, PurposeGrant grant) {
    return new ConsentReceipt.Processing(
        ConsentReceipt.dpvPurpose(purpose),
        purpose,
        grant.getCategories(),
        personalDataCategories(purpose, grant.getCategories()),
        grant.getRecipients(),
        grant.getNetworks(),
        ConsentReceipt.dpvLegalBasis(grant.getLegalBasis()),
        grant.getExpiresAt());
  }

  /** The DPV terms of a grant's data categories; none for offers, whose are offer categories. */
  private static List<String> personalDataCategories(String purpose, List<String> categories) {
    return Vocabulary.OFFERS.equals(purpose)
        ? null
        : categories.stream().map(ConsentReceipt::dpvCategory).toList();
  }

  private static void checkPurpose(String purpose, List<FieldProblem> errors) {
    if (!Vocabulary.isPurpose(purpose)) {
      errors.add(new FieldProblem("purpose", "must be one of " + Vocabulary.PURPOSES));
    }
  }

  private static List<String> orEmpty(List<String> values) {
    return values == null ? List.of() : values;
  }

  private static final java.util.regex.Pattern TCF_VERSION =
      java.util.regex.Pattern.compile("(?i)version\\s*(\\d+)\\s*is unsupported.*");

  /**
   * The decoder's reason in words a caller can act on: any string that is not base64url TCF data
   * decodes to some "version" (garbage reads as version 32), which the library reports as "Version
   * 32is unsupported yet".
   */
  static String tcfProblem(String message) {
    if (message == null) {
      return "undecodable";
    }
    java.util.regex.Matcher version = TCF_VERSION.matcher(message.trim());
    return version.matches()
        ? "its version field reads " + version.group(1) + ", only version 2 is accepted"
        : message;
  }
}
