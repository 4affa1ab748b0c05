package dev.lattice.streams.internal.enforce;

import dev.lattice.policy.Decision;
import dev.lattice.policy.DecisionInput;
import dev.lattice.policy.DecisionInput.Destination;
import dev.lattice.policy.DecisionService;
import dev.lattice.policy.Obligations;
import dev.lattice.policy.Reason;
import dev.lattice.policy.ReasonCodes;
import dev.lattice.schemas.avro.AppliedObligations;
import dev.lattice.schemas.avro.ConsentState;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.schemas.avro.ReasonEntry;
import dev.lattice.schemas.avro.SealedPersonal;
import dev.lattice.streams.StageTimings.Stage;
import dev.lattice.streams.TopicNames;
import dev.lattice.streams.internal.codec.DecisionRecordEncoder;
import dev.lattice.streams.internal.codec.Inbound;
import dev.lattice.streams.internal.codec.Outbound;
import dev.lattice.streams.internal.consent.ConsentAsOf;
import dev.lattice.streams.internal.obligations.Pseudonymiser;
import dev.lattice.streams.internal.obligations.UnenforceableObligationException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one enforcement loop, for events and offers alike: decide every candidate destination; if any
 * decision is a policy error, quarantine the event and turn every allow into a deny; deliver each
 * allowed candidate (after its obligations); audit every candidate exactly once, allowed or not, in
 * the decision log and on the audit topic. One task uses an instance; not thread-safe.
 */
public final class Enforcer {
  private static final Logger LOGGER = LoggerFactory.getLogger(Enforcer.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

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
  private final BiFunction<String, byte[], SealedPersonal> sealer;
  private final StageClock clock;
  private final DecisionRecordEncoder encoder = new DecisionRecordEncoder();

  /**
   * @param consentOf the member's consent state (null when none)
   * @param unknownDestination why a destination cannot be written to (not registered, no topic), or
   *     null when it can: such a candidate is denied with {@code destination.unknown} without
   *     asking the policy
   * @param ids mints the keyed decision ids
   * @param refs how the audit names members (a reference that erasure unlinks)
   * @param sealer seals bytes with the member's data key (null when the member has no usable key):
   *     the personal values behind reasons go into the audit only this way, so erasure shreds them
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
      MemberRefs refs,
      BiFunction<String, byte[], SealedPersonal> sealer,
      StageClock clock) {
    this.clock = clock;
    this.refs = refs;
    this.sealer = sealer;
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
    // Each member's consent as of the event's place in the append order: grants appended after the
    // event (it was fetched late) are withheld from it, never applied backwards (ConsentAsOf).
    Map<String, ConsentAsOf.View> views = new HashMap<>();
    // An offer's candidates are many members of a few networks: whether a destination can be
    // written to is looked up once per destination, not once per candidate ("" for writable).
    Map<Destination, String> unknownByDestination = new HashMap<>();
    List<Decision> decided = new ArrayList<>(candidates.size());
    boolean policyError = false;
    for (Candidate c : candidates) {
      ConsentAsOf.View view =
          views.computeIfAbsent(
              c.memberId(), m -> ConsentAsOf.at(consentOf.apply(m), in.timestamp()));
      ConsentState state = view.state();
      String unknown =
          unknownByDestination.computeIfAbsent(
              c.destination(),
              dst -> {
                String why = unknownDestination.apply(dst);
                return why == null ? "" : why;
              });
      unknown = unknown.isEmpty() ? null : unknown;
      long t = clock.start();
      Decision d =
          unknown != null ? deny(ReasonCodes.DESTINATION_UNKNOWN, unknown) : judge.decide(c, state);
      if (!d.allow() && view.changed()) {
        d = withheldGrants(d, view.withheld());
      }
      clock.stop(Stage.DECIDE, t);
      policyError |= isPolicyError(d);
      decided.add(d);
    }
    if (policyError) {
      quarantine.put(in, Quarantine.POLICY_ERROR, quarantineMessage, now);
    }
    String unenforceable = null;
    List<DecisionLog.Entry> indexed = new ArrayList<>(candidates.size());
    // A member's reference is read (or drawn) once per event, not once per destination.
    Map<String, String> memberRefs = new HashMap<>();
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
        long t = clock.start();
        long writes = clock.writesSoFar();
        try {
          delivery.deliver(c, d, decisionId, views.get(c.memberId()).state());
          applied = d.obligations();
          clock.stopExcludingWrites(Stage.OBLIGATIONS, t, writes);
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
      String ref = memberRefs.computeIfAbsent(c.memberId(), refs::refOf);
      indexed.add(
          audit(event, c, ref, decisionId, d, applied, views.get(c.memberId()).state(), now));
    }
    long t = clock.start();
    log.append(event.eventId(), now, indexed);
    clock.stop(Stage.WRITE, t);
    if (unenforceable != null) {
      // The input is set aside too, so an operator sees the events a policy could not serve.
      quarantine.put(in, Quarantine.UNENFORCEABLE_OBLIGATION, unenforceable, now);
    }
  }

  /**
   * A deny decided while grants appended after the event were withheld says so: the audit shows why
   * a member whose current consent covers the flow was denied.
   */
  private static Decision withheldGrants(Decision d, List<String> purposes) {
    List<Reason> reasons = new ArrayList<>(d.reasons());
    reasons.add(
        new Reason(
            ReasonCodes.CONSENT_CHANGED_AFTER_EVENT,
            "consent for "
                + String.join(", ", purposes)
                + " was granted after the event was appended: the event is decided under the"
                + " consent in force at its place"));
    return new Decision(
        false, reasons, d.obligations(), d.bundleRevision(), d.evalNanos(), d.explanation());
  }

  /** Asks the policy; a service that throws anyway is a policy error: deny. */
  public Decision ask(DecisionInput input) {
    return ask(input, null);
  }

  /**
   * As {@link #ask(DecisionInput)}, with the parts of the input that several destinations share
   * ({@code event}, {@code consent}, {@code context}) converted once for all of them (null: none).
   */
  public Decision ask(DecisionInput input, SharedInput shared) {
    try {
      if (shared == null) {
        return decisions.decide(input);
      }
      Map<String, Object> map = input.toMap();
      map.put("event", shared.event());
      map.put("consent", shared.consent());
      map.put("context", shared.context());
      return decisions.decide(map, false);
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

  /**
   * The {@code event}, {@code consent} and {@code context} documents of the inputs of one member's
   * destinations of one event, prepared once by the decision service ({@link
   * DecisionService#prepare}): the same documents as in each input, converted once.
   */
  public record SharedInput(Object event, Object consent, Object context) {}

  /** Prepares the documents several inputs share (see {@link SharedInput}). */
  public SharedInput share(DecisionInput input) {
    return share(input.event(), input.consent(), input.context());
  }

  /**
   * Prepares the {@code event}, {@code consent} and {@code context} documents of several inputs.
   */
  public SharedInput share(
      Map<String, Object> event, Map<String, Object> consent, Map<String, Object> context) {
    return new SharedInput(
        decisions.prepare(event), decisions.prepare(consent), decisions.prepare(context));
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

  /**
   * The personal values behind the decision's reasons ({@code {code: {name: value}}} as JSON),
   * sealed with the member's key; null when there are none. Without a usable key (no key, erased)
   * they are not recorded at all: the reason's message, which holds no personal values, stays.
   */
  private SealedPersonal sealedDetail(String member, Decision d) {
    Map<String, Map<String, String>> details = new TreeMap<>();
    for (Reason r : d.reasons()) {
      if (!r.detail().isEmpty()) {
        details.put(r.code(), new TreeMap<>(r.detail()));
      }
    }
    if (details.isEmpty() || member == null) {
      return null;
    }
    return sealer.apply(member, JSON.writeValueAsBytes(details));
  }

  /** Writes the audit record; returns it for the decision index. */
  private DecisionLog.Entry audit(
      IngestEvent event,
      Candidate c,
      String memberRef,
      String decisionId,
      Decision d,
      Obligations applied,
      ConsentState state,
      Instant now) {
    long t = clock.start();
    List<ReasonEntry> reasons = new ArrayList<>(d.reasons().size());
    for (Reason r : d.reasons()) {
      reasons.add(new ReasonEntry(r.code(), r.message()));
    }
    DecisionRecord record =
        DecisionRecord.newBuilder()
            .setDecisionId(decisionId)
            .setEventId(event.eventId())
            .setEventType(event.type())
            .setPurpose(event.purpose())
            .setMemberId(memberRef)
            .setSourceNetwork(event.sourceNetwork())
            .setDestination(
                new dev.lattice.schemas.avro.Destination(
                    c.destination().kind().wireName(), c.destination().id()))
            .setAllow(d.allow())
            .setReasons(reasons)
            .setObligations(
                new AppliedObligations(
                    applied.redact(),
                    applied.pseudonymize(),
                    applied.generalize(),
                    applied.coarsenTime()))
            .setBundleRevision(d.bundleRevision())
            .setConsentVersion(state == null ? 0L : state.getVersion())
            .setConsentReceiptId(state == null ? null : state.getReceiptId())
            .setDecidedAt(now)
            .setEvalNanos(d.evalNanos())
            .setCorrelationId(event.header().getCorrelationId())
            .setCategories(event.categories())
            .setSealedDetail(sealedDetail(c.memberId(), d))
            .build();
    byte[] bytes = encoder.encode(record);
    String ref = record.getMemberId();
    clock.stop(Stage.WRITE, t);
    emitter.emit(
        new Outbound(topics.audit(), Outbound.key(ref.isEmpty() ? event.eventId() : ref), bytes));
    return new DecisionLog.Entry(ref, bytes);
  }
}
