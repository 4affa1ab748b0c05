package dev.lattice.streams.internal.enforce;

import dev.lattice.policy.Decision;
import dev.lattice.policy.DecisionInput;
import dev.lattice.policy.DecisionInput.Destination;
import dev.lattice.policy.DecisionService;
import dev.lattice.policy.Obligations;
import dev.lattice.policy.ReasonCodes;
import dev.lattice.schemas.avro.AppliedObligations;
import dev.lattice.schemas.avro.ConsentState;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.schemas.avro.ReasonEntry;
import dev.lattice.streams.TopicNames;
import dev.lattice.streams.internal.codec.AvroCodec;
import dev.lattice.streams.internal.codec.Inbound;
import dev.lattice.streams.internal.codec.Outbound;
import dev.lattice.streams.internal.obligations.Pseudonymiser;
import dev.lattice.streams.internal.obligations.UnenforceableObligationException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one enforcement loop, for events and offers alike: decide every candidate destination; if any
 * decision is a policy error, quarantine the event and turn every allow into a deny; deliver each
 * allowed candidate (after its obligations); audit every candidate exactly once, allowed or not, in
 * the decision log and on the audit topic. One task uses an instance; not thread-safe.
 */
public final class Enforcer {
  private static final Logger LOGGER = LoggerFactory.getLogger(Enforcer.class);
  private static final AvroCodec<DecisionRecord> DECISIONS = AvroCodec.of(DecisionRecord.class);

  /** Decides one candidate, given the member's consent state (null when they have none). */
  @FunctionalInterface
  public interface Judge {
    Decision decide(Candidate candidate, ConsentState consent);
  }

  /**
   * Writes what an allowed candidate receives (after the decision's obligations), given the
   * member's consent state (null when they have none).
   *
   * @throws UnenforceableObligationException when the obligations cannot be applied: the candidate
   *     is then denied and nothing is written
   */
  @FunctionalInterface
  public interface Delivery {
    void deliver(Candidate candidate, Decision decision, String decisionId, ConsentState consent);
  }

  private final DecisionService decisions;
  private final DecisionLog log;
  private final Quarantine quarantine;
  private final TopicNames topics;
  private final Emitter emitter;
  private final Function<String, ConsentState> consentOf;
  private final Function<Destination, String> unknownDestination;
  private final Pseudonymiser ids;
  private final MemberRefs refs;

  /**
   * @param consentOf the member's consent state (null when none)
   * @param unknownDestination why a destination cannot be written to (not registered, no topic), or
   *     null when it can: such a candidate is denied with {@code destination.unknown} without
   *     asking the policy
   * @param ids mints the keyed decision ids
   * @param refs how the audit names members (a reference that erasure unlinks)
   */
  public Enforcer(
      DecisionService decisions,
      DecisionLog log,
      Quarantine quarantine,
      TopicNames topics,
      Emitter emitter,
      Function<String, ConsentState> consentOf,
      Function<Destination, String> unknownDestination,
      Pseudonymiser ids,
      MemberRefs refs) {
    this.refs = refs;
    this.decisions = decisions;
    this.log = log;
    this.quarantine = quarantine;
    this.topics = topics;
    this.emitter = emitter;
    this.consentOf = consentOf;
    this.unknownDestination = unknownDestination;
    this.ids = ids;
  }

  /**
   * Decides, delivers and audits every candidate of one event.
   *
   * @param quarantineMessage the message of the quarantine record written on a policy error
   */
  public void enforce(
      Inbound in,
      IngestEvent event,
      List<Candidate> candidates,
      Judge judge,
      Delivery delivery,
      String quarantineMessage,
      Instant now) {
    Map<String, ConsentState> states = new HashMap<>();
    List<Decision> decided = new ArrayList<>(candidates.size());
    boolean policyError = false;
    for (Candidate c : candidates) {
      ConsentState state = states.computeIfAbsent(c.memberId(), consentOf);
      String unknown = unknownDestination.apply(c.destination());
      Decision d =
          unknown != null ? deny(ReasonCodes.DESTINATION_UNKNOWN, unknown) : judge.decide(c, state);
      policyError |= isPolicyError(d);
      decided.add(d);
    }
    if (policyError) {
      quarantine.put(in, Quarantine.POLICY_ERROR, quarantineMessage, now);
    }
    String unenforceable = null;
    for (int i = 0; i < candidates.size(); i++) {
      Candidate c = candidates.get(i);
      Decision d = decided.get(i);
      if (d.allow() && policyError) {
        d =
            Decision.deny(
                ReasonCodes.EVENT_QUARANTINED,
                "the event was quarantined: nothing of it is delivered",
                d.bundleRevision(),
                d.evalNanos());
      }
      String decisionId = decisionId(event.eventId(), c);
      Obligations applied = Obligations.NONE;
      if (d.allow()) {
        try {
          delivery.deliver(c, d, decisionId, states.get(c.memberId()));
          applied = d.obligations();
        } catch (UnenforceableObligationException e) {
          d =
              Decision.deny(
                  ReasonCodes.OBLIGATION_UNENFORCEABLE,
                  e.getMessage(),
                  d.bundleRevision(),
                  d.evalNanos());
          if (unenforceable == null) {
            unenforceable =
                "obligation for "
                    + c.destination().kind().wireName()
                    + " "
                    + c.destination().id()
                    + " cannot be carried out: "
                    + e.getMessage();
          }
        }
      }
      audit(event, c, decisionId, d, applied, states.get(c.memberId()), now);
    }
    if (unenforceable != null) {
      // The input is set aside too, so an operator sees the events a policy could not serve.
      quarantine.put(in, Quarantine.UNENFORCEABLE_OBLIGATION, unenforceable, now);
    }
  }

  /** Asks the policy; a service that throws anyway is a policy error: deny. */
  public Decision ask(DecisionInput input) {
    try {
      return decisions.decide(input);
    } catch (RuntimeException e) {
      LOGGER.warn(
          "decision service failed destination={} reason={}",
          input.destination().id(),
          e.toString());
      return Decision.deny(
          ReasonCodes.POLICY_ERROR,
          "the decision service failed: " + e.getClass().getSimpleName(),
          decisions.activeRevision(),
          0);
    }
  }

  /** A deny the topology decides by itself (the policy is not asked). */
  public Decision deny(String code, String message) {
    return Decision.deny(code, message, decisions.activeRevision(), 0);
  }

  private static boolean isPolicyError(Decision d) {
    return !d.allow() && d.reasonCodes().contains(ReasonCodes.POLICY_ERROR);
  }

  /**
   * Keyed (HMAC under the topology's secret): stable across a replay of the same event, but not
   * derivable from (event, destination, member) by anyone without the secret.
   */
  String decisionId(String eventId, Candidate c) {
    return ids.keyedId(
        "dec-",
        "decision",
        eventId,
        c.destination().kind().wireName(),
        c.destination().id(),
        c.memberId() == null ? "" : c.memberId());
  }

  private void audit(
      IngestEvent event,
      Candidate c,
      String decisionId,
      Decision d,
      Obligations applied,
      ConsentState state,
      Instant now) {
    DecisionRecord record =
        DecisionRecord.newBuilder()
            .setDecisionId(decisionId)
            .setEventId(event.eventId())
            .setEventType(event.type())
            .setPurpose(event.purpose())
            .setMemberId(refs.refOf(c.memberId()))
            .setSourceNetwork(event.sourceNetwork())
            .setDestination(
                new dev.lattice.schemas.avro.Destination(
                    c.destination().kind().wireName(), c.destination().id()))
            .setAllow(d.allow())
            .setReasons(
                d.reasons().stream().map(r -> new ReasonEntry(r.code(), r.message())).toList())
            .setObligations(
                new AppliedObligations(
                    applied.redact(), applied.pseudonymize(), applied.generalize()))
            .setBundleRevision(d.bundleRevision())
            .setConsentVersion(state == null ? 0L : state.getVersion())
            .setConsentReceiptId(state == null ? null : state.getReceiptId())
            .setDecidedAt(now)
            .setEvalNanos(d.evalNanos())
            .setCorrelationId(event.header().getCorrelationId())
            .setCategories(event.categories())
            .build();
    byte[] bytes = DECISIONS.encode(record);
    String ref = record.getMemberId();
    log.append(ref, record, bytes);
    emitter.emit(
        new Outbound(topics.audit(), Outbound.key(ref.isEmpty() ? event.eventId() : ref), bytes));
  }
}
