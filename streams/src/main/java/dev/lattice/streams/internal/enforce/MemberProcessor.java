package dev.lattice.streams.internal.enforce;

import dev.lattice.policy.Decision;
import dev.lattice.policy.DecisionInput.Destination;
import dev.lattice.policy.DecisionInput.Kind;
import dev.lattice.policy.DecisionService;
import dev.lattice.policy.Obligations;
import dev.lattice.schemas.avro.AppliedObligations;
import dev.lattice.schemas.avro.ConsentCommand;
import dev.lattice.schemas.avro.ConsentRejection;
import dev.lattice.schemas.avro.ConsentState;
import dev.lattice.schemas.avro.ContentEvent;
import dev.lattice.schemas.avro.ContentPersonal;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.schemas.avro.EventHeader;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.MemberKeyRecord;
import dev.lattice.schemas.avro.MemberPersonal;
import dev.lattice.schemas.avro.OfferDelivery;
import dev.lattice.schemas.avro.OfferEvent;
import dev.lattice.schemas.avro.PurchaseEvent;
import dev.lattice.schemas.avro.PurchasePersonal;
import dev.lattice.schemas.avro.ReasonEntry;
import dev.lattice.streams.MemberActivity;
import dev.lattice.streams.MemberKey;
import dev.lattice.streams.PayloadCipher;
import dev.lattice.streams.PayloadUnsealException;
import dev.lattice.streams.TopicNames;
import dev.lattice.streams.internal.StoreNames;
import dev.lattice.streams.internal.codec.AvroCodec;
import dev.lattice.streams.internal.codec.Inbound;
import dev.lattice.streams.internal.codec.InsightTick;
import dev.lattice.streams.internal.codec.Outbound;
import dev.lattice.streams.internal.codec.Timeline;
import dev.lattice.streams.internal.codec.UndecodableRecordException;
import dev.lattice.streams.internal.consent.ConsentLedger;
import dev.lattice.streams.internal.consent.Vocabulary;
import dev.lattice.streams.internal.network.NetworkDirectory;
import dev.lattice.streams.internal.obligations.ObligationsApplier;
import dev.lattice.streams.internal.obligations.UnenforceableObligationException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heart of the topology. One task owns a set of members (every input here is keyed by member
 * id, offers arrive as a copy on every partition), so a member's consent changes, keys, purchases
 * and events are applied in the order the task reads them: a withdrawal is in force for the very
 * next event of that member.
 *
 * <p>For each event it finds the candidate destinations, builds the decision input of
 * docs/decision-contract.md, asks the {@link DecisionService}, applies the obligations and emits,
 * all in the task's transaction: the deliveries, exactly one {@link DecisionRecord} per candidate
 * destination, and the quarantine record when the event cannot be handled. Emits {@link Outbound}
 * records (to the single sink) and {@link InsightTick}s (to the insights repartition).
 */
public final class MemberProcessor implements Processor<byte[], Inbound, byte[], Object> {
  private static final Logger LOGGER = LoggerFactory.getLogger(MemberProcessor.class);

  /** Marker stored for an erased member (its key is gone for good). */
  private static final byte[] ERASED = new byte[0];

  private static final char SEP = '\u0000';

  private static final AvroCodec<ConsentCommand> COMMANDS = AvroCodec.of(ConsentCommand.class);
  private static final AvroCodec<ConsentState> STATES = AvroCodec.of(ConsentState.class);
  private static final AvroCodec<ConsentRejection> REJECTIONS =
      AvroCodec.of(ConsentRejection.class);
  private static final AvroCodec<MemberKeyRecord> KEYS = AvroCodec.of(MemberKeyRecord.class);
  private static final AvroCodec<MemberDataEvent> MEMBER_DATA = AvroCodec.of(MemberDataEvent.class);
  private static final AvroCodec<ContentEvent> CONTENT = AvroCodec.of(ContentEvent.class);
  private static final AvroCodec<PurchaseEvent> PURCHASES = AvroCodec.of(PurchaseEvent.class);
  private static final AvroCodec<OfferEvent> OFFERS = AvroCodec.of(OfferEvent.class);
  private static final AvroCodec<OfferDelivery> DELIVERIES = AvroCodec.of(OfferDelivery.class);
  private static final AvroCodec<DecisionRecord> DECISIONS = AvroCodec.of(DecisionRecord.class);
  private static final Map<Class<?>, AvroCodec<? extends SpecificRecordBase>> PERSONAL =
      Map.of(
          MemberPersonal.class, AvroCodec.of(MemberPersonal.class),
          ContentPersonal.class, AvroCodec.of(ContentPersonal.class),
          PurchasePersonal.class, AvroCodec.of(PurchasePersonal.class));
  private static final Map<Class<?>, AvroCodec<? extends SpecificRecordBase>> EVENTS =
      Map.of(
          MemberDataEvent.class, MEMBER_DATA,
          ContentEvent.class, CONTENT,
          PurchaseEvent.class, PURCHASES);

  private final TopicNames topics;
  private final DecisionService decisions;
  private final NetworkDirectory networks;
  private final ObligationsApplier obligations;
  private final Duration frequencyWindow;
  private final Duration purchaseMemory;
  private final Duration decisionRetention;

  private ProcessorContext<byte[], Object> context;
  private KeyValueStore<String, byte[]> consent;
  private KeyValueStore<String, byte[]> memberKeys;
  private KeyValueStore<String, byte[]> purchases;
  private KeyValueStore<String, byte[]> offerDeliveries;
  private KeyValueStore<String, Long> memberships;
  private KeyValueStore<String, byte[]> activity;
  private KeyValueStore<String, byte[]> decisionsByMember;
  private KeyValueStore<String, byte[]> decisionsByEvent;

  public MemberProcessor(
      TopicNames topics,
      DecisionService decisions,
      NetworkDirectory networks,
      ObligationsApplier obligations,
      Duration frequencyWindow,
      Duration purchaseMemory,
      Duration decisionRetention) {
    this.topics = topics;
    this.decisions = decisions;
    this.networks = networks;
    this.obligations = obligations;
    this.frequencyWindow = frequencyWindow;
    this.purchaseMemory = purchaseMemory;
    this.decisionRetention = decisionRetention;
  }

  @Override
  public void init(ProcessorContext<byte[], Object> context) {
    this.context = context;
    consent = context.getStateStore(StoreNames.CONSENT);
    memberKeys = context.getStateStore(StoreNames.MEMBER_KEYS);
    purchases = context.getStateStore(StoreNames.PURCHASES);
    offerDeliveries = context.getStateStore(StoreNames.OFFER_DELIVERIES);
    memberships = context.getStateStore(StoreNames.MEMBERSHIPS);
    activity = context.getStateStore(StoreNames.ACTIVITY);
    decisionsByMember = context.getStateStore(StoreNames.DECISIONS_BY_MEMBER);
    decisionsByEvent = context.getStateStore(StoreNames.DECISIONS_BY_EVENT);
    context.schedule(
        Duration.ofMinutes(10), PunctuationType.WALL_CLOCK_TIME, this::expireDecisions);
  }

  private Instant now() {
    return Instant.ofEpochMilli(context.currentSystemTimeMs());
  }

  @Override
  public void process(Record<byte[], Inbound> record) {
    Inbound in = record.value();
    Instant now = now();
    // The routing key: the member id (original key, or the subject after a repartition by member).
    String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    switch (in.kind()) {
      case CONSENT_COMMAND -> onConsentCommand(in, key, now);
      case MEMBER_KEY -> onMemberKey(in, now);
      case MEMBER_DATA, CONTENT, PURCHASE -> onMemberEvent(in, key, now);
      case OFFER -> onOffer(in, now);
    }
  }

  // ---------------------------------------------------------------- consent

  private void onConsentCommand(Inbound in, String key, Instant now) {
    ConsentCommand command;
    try {
      command = COMMANDS.decode(in.value());
    } catch (UndecodableRecordException e) {
      quarantine(in, Quarantine.UNDECODABLE, e.getMessage(), now);
      return;
    }
    String member = command.getMemberId();
    ConsentState current = member == null ? null : consentOf(member);
    ConsentLedger.Outcome outcome = ConsentLedger.apply(current, command, key, now);
    switch (outcome) {
      case ConsentLedger.Outcome.Applied applied -> {
        byte[] bytes = STATES.encode(applied.state());
        consent.put(member, bytes);
        emit(new Outbound(topics.consentLedger(), Outbound.key(member), bytes));
        if (command.getAction() == dev.lattice.schemas.avro.ConsentAction.ERASE) {
          // Erasure shreds the member's data key everywhere: a tombstone on the keys topic.
          memberKeys.put(member, ERASED);
          emit(new Outbound(topics.memberKeys(), Outbound.key(member), null));
        }
        insightConsentChanged(member, bytes, now);
        LOGGER.debug(
            "consent applied memberId={} version={}", member, applied.state().getVersion());
      }
      case ConsentLedger.Outcome.Rejected rejected -> {
        ConsentRejection r =
            ConsentRejection.newBuilder()
                .setCommandId(command.getCommandId() == null ? "" : command.getCommandId())
                .setMemberId(member == null ? "" : member)
                .setReasonCode(rejected.code())
                .setMessage(rejected.message())
                .setRejectedAt(now)
                .setCommand(command)
                .build();
        emit(new Outbound(topics.consentRejections(), in.key(), REJECTIONS.encode(r)));
        LOGGER.info("consent command rejected memberId={} code={}", member, rejected.code());
      }
    }
  }

  private ConsentState consentOf(String member) {
    byte[] bytes = consent.get(member);
    return bytes == null ? null : STATES.decode(bytes);
  }

  private void onMemberKey(Inbound in, Instant now) {
    if (in.key() == null) {
      quarantine(in, Quarantine.SCHEMA_VIOLATION, "member key record has no key (member id)", now);
      return;
    }
    String member = new String(in.key(), StandardCharsets.UTF_8);
    if (in.value() == null) {
      memberKeys.put(member, ERASED);
      return;
    }
    MemberKeyRecord record;
    try {
      record = KEYS.decode(in.value());
    } catch (UndecodableRecordException e) {
      quarantine(in, Quarantine.UNDECODABLE, e.getMessage(), now);
      return;
    }
    if (record.getKeyset() == null || record.getErasedAt() != null) {
      memberKeys.put(member, ERASED);
      return;
    }
    byte[] previous = memberKeys.get(member);
    if (previous != null && previous.length == 0) {
      // Erasure is final: a key published after it does not bring old data back.
      LOGGER.warn("key for an erased member ignored memberId={}", member);
      return;
    }
    memberKeys.put(member, bytes(record.getKeyset()));
  }

  // ---------------------------------------------------------------- member events

  private void onMemberEvent(Inbound in, String key, Instant now) {
    SpecificRecordBase decoded;
    try {
      decoded =
          switch (in.kind()) {
            case MEMBER_DATA -> MEMBER_DATA.decode(in.value());
            case CONTENT -> CONTENT.decode(in.value());
            default -> PURCHASES.decode(in.value());
          };
    } catch (UndecodableRecordException e) {
      quarantine(in, Quarantine.UNDECODABLE, e.getMessage(), now);
      return;
    }
    IngestEvent event = IngestEvent.of(decoded);
    String violation = violation(key, event);
    if (violation != null) {
      quarantine(in, Quarantine.SCHEMA_VIOLATION, violation, now);
      return;
    }
    if (!networks.knows(event.sourceNetwork())) {
      quarantine(
          in,
          Quarantine.UNKNOWN_NETWORK,
          "source network " + event.sourceNetwork() + " is not registered",
          now);
      return;
    }
    List<Candidate> candidates = new ArrayList<>();
    if (decoded instanceof ContentEvent c && "cross_network".equals(c.getVisibility())) {
      for (String target : new java.util.TreeSet<>(c.getTargetNetworks())) {
        if (!networks.knows(target)) {
          quarantine(
              in,
              Quarantine.UNKNOWN_NETWORK,
              "target network " + target + " is not registered",
              now);
          return;
        }
        if (!target.equals(event.sourceNetwork())) {
          candidates.add(new Candidate(Destination.network(target), event.memberId()));
        }
      }
    } else if (decoded instanceof MemberDataEvent) {
      for (String partner : networks.partnersOf(event.sourceNetwork())) {
        candidates.add(new Candidate(Destination.network(partner), event.memberId()));
      }
      networks
          .get(event.sourceNetwork())
          .ifPresent(
              rules ->
                  new java.util.TreeSet<>(rules.brandSubscriptions())
                      .forEach(
                          b ->
                              candidates.add(
                                  new Candidate(Destination.brand(b), event.memberId()))));
    }
    recordActivity(event.memberId(), event.sourceNetwork(), now);
    if (decoded instanceof PurchaseEvent p) {
      long at = p.getHeader().getOccurredAt().toEpochMilli();
      Timeline t = Timeline.fromBytes(purchases.get(event.memberId()));
      purchases.put(
          event.memberId(),
          t.append(
                  new Timeline.Entry(p.getSku(), p.getBrand(), at),
                  now.minus(purchaseMemory).toEpochMilli())
              .toBytes());
      emit(
          insightTick(
              p.getBrand(),
              event.sourceNetwork(),
              p.getCategory() == null ? "uncategorised" : p.getCategory(),
              "purchases",
              event.memberId(),
              now));
    }
    if (candidates.isEmpty()) {
      return;
    }
    // Open the personal data (sealed with the member's key) once for all destinations.
    SpecificRecordBase personal = event.personal();
    String unreadable = null;
    if (event.sealed() != null) {
      byte[] keyset = memberKeys.get(event.memberId());
      if (keyset != null && keyset.length == 0) {
        unreadable = "member.erased";
      } else if (keyset == null) {
        unreadable = "member.key_unavailable";
      } else {
        try {
          byte[] plain =
              PayloadCipher.unseal(
                  MemberKey.fromBytes(keyset),
                  event.memberId(),
                  bytes(event.sealed().getCiphertext()));
          personal = PERSONAL.get(event.personalType()).decode(plain);
        } catch (PayloadUnsealException
            | UndecodableRecordException
            | dev.lattice.streams.InvalidMemberKeyException e) {
          // Quarantined, and still one audited deny per destination: every candidate destination
          // has a recorded decision, even when the event cannot be opened.
          quarantine(in, Quarantine.UNSEALABLE, e.getMessage(), now);
          unreadable = Quarantine.UNSEALABLE;
        }
      }
    }
    enforce(in, event, personal, candidates, unreadable, now);
  }

  private static String violation(String key, IngestEvent event) {
    EventHeader h = event.header();
    if (h.getEventId() == null || h.getEventId().isBlank()) {
      return "header.event_id is empty";
    }
    if (!event.type().equals(h.getEventType())) {
      return "header.event_type is '" + h.getEventType() + "' on a " + event.type() + " topic";
    }
    if (h.getSubjectMember() == null || h.getSubjectMember().isBlank()) {
      return "header.subject_member is required for " + event.type() + " events";
    }
    if (!h.getSubjectMember().equals(key)) {
      return "record key must be the subject member id (events of one member stay ordered with its consent)";
    }
    if (event.purpose() != null && !Vocabulary.PURPOSES.contains(event.purpose())) {
      return "purpose '"
          + event.purpose()
          + "' is not one of "
          + new java.util.TreeSet<>(Vocabulary.PURPOSES);
    }
    if (event.personal() != null && event.sealed() != null) {
      return "an event carries its personal data either in clear or sealed, not both";
    }
    return null;
  }

  private void recordActivity(String member, String network, Instant now) {
    memberships.put(network + SEP + member, now.toEpochMilli());
    MemberActivity current = MemberActivityCodec.fromBytes(activity.get(member));
    activity.put(
        member,
        MemberActivityCodec.toBytes(
            MemberActivityCodec.seen(current, member, network, now.toEpochMilli())));
  }

  /** Decides every candidate; delivers the allowed ones unless the event must be quarantined. */
  private void enforce(
      Inbound in,
      IngestEvent event,
      SpecificRecordBase personal,
      List<Candidate> candidates,
      String unreadable,
      Instant now) {
    ConsentState state = consentOf(event.memberId());
    Map<String, Object> eventDoc = eventDocument(event, personal, event.memberId());
    Map<String, Object> consentDoc = ConsentLedger.document(event.memberId(), state, now);
    Map<String, Object> context = contextDocument(event.memberId(), null, now);
    List<Decision> decided = new ArrayList<>(candidates.size());
    boolean policyError = false;
    for (Candidate c : candidates) {
      Decision d;
      if (unreadable != null) {
        d =
            Decision.deny(
                unreadable,
                Quarantine.UNSEALABLE.equals(unreadable)
                    ? "the event's sealed personal data cannot be opened with the member's key"
                    : "the member's personal data can no longer be read",
                decisions.activeRevision(),
                0);
      } else {
        d = decide(eventDoc, consentDoc, event.sourceNetwork(), c.destination(), context);
        policyError |= isPolicyError(d);
      }
      decided.add(d);
    }
    if (policyError) {
      quarantine(
          in,
          Quarantine.POLICY_ERROR,
          "policy evaluation failed for at least one destination",
          now);
    }
    String unenforceable = null;
    for (int i = 0; i < candidates.size(); i++) {
      Candidate c = candidates.get(i);
      Decision d = decided.get(i);
      Obligations applied = Obligations.NONE;
      if (d.allow() && policyError) {
        d =
            Decision.deny(
                "event.quarantined",
                "the event was quarantined: nothing of it is delivered",
                d.bundleRevision(),
                d.evalNanos());
      }
      if (d.allow()) {
        try {
          ObligationsApplier.Applied out =
              obligations.apply(
                  d.obligations(),
                  c.destination().kind().wireName(),
                  c.destination().id(),
                  personal,
                  event.memberId());
          EventHeader header =
              EventHeader.newBuilder(event.header()).setSubjectMember(out.memberId()).build();
          SpecificRecordBase delivered = event.withPersonal(header, out.personal());
          byte[] value = encodeEvent(delivered);
          String key = out.memberId() != null ? out.memberId() : event.eventId();
          emit(new Outbound(destinationTopic(c.destination()), Outbound.key(key), value));
          applied = d.obligations();
        } catch (UnenforceableObligationException e) {
          d =
              Decision.deny(
                  "obligation.unenforceable", e.getMessage(), d.bundleRevision(), d.evalNanos());
          unenforceable = unenforceable(unenforceable, c, e);
        }
      }
      audit(event, c, d, applied, state, now);
    }
    if (unenforceable != null) {
      quarantine(in, Quarantine.UNENFORCEABLE_OBLIGATION, unenforceable, now);
    }
  }

  /** The quarantine reason for obligations that could not be carried out (first one kept). */
  private static String unenforceable(
      String previous, Candidate c, UnenforceableObligationException e) {
    return previous != null
        ? previous
        : "obligation for "
            + c.destination().kind().wireName()
            + " "
            + c.destination().id()
            + " cannot be carried out: "
            + e.getMessage();
  }

  @SuppressWarnings("unchecked")
  private static byte[] encodeEvent(SpecificRecordBase event) {
    AvroCodec<SpecificRecordBase> codec =
        (AvroCodec<SpecificRecordBase>) EVENTS.get(event.getClass());
    return codec.encode(event);
  }

  private String destinationTopic(Destination d) {
    return d.kind() == Kind.NETWORK ? topics.networkOut(d.id()) : topics.brandOut(d.id());
  }

  private Decision decide(
      Map<String, Object> event,
      Map<String, Object> consentDoc,
      String source,
      Destination destination,
      Map<String, Object> context) {
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("event", event);
    input.put("consent", consentDoc);
    input.put("source_network", source);
    input.put("destination", destination.toMap());
    input.put("context", context);
    try {
      return decisions.decide(input);
    } catch (RuntimeException e) {
      // The service promises not to throw; if it does anyway, that is a policy error: deny.
      LOGGER.warn(
          "decision service failed destination={} reason={}", destination.id(), e.toString());
      return Decision.deny(
          Decision.POLICY_ERROR,
          "the decision service failed: " + e.getClass().getSimpleName(),
          decisions.activeRevision(),
          0);
    }
  }

  private static boolean isPolicyError(Decision d) {
    return !d.allow() && d.reasonCodes().contains(Decision.POLICY_ERROR);
  }

  static Map<String, Object> eventDocument(
      IngestEvent event, SpecificRecordBase personal, String memberId) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("id", event.eventId());
    doc.put("type", event.type());
    doc.put("purpose", event.purpose());
    doc.put("source_network", event.sourceNetwork());
    doc.put("member_id", memberId);
    doc.put("occurred_at", event.header().getOccurredAt().toString());
    if (event.event() instanceof OfferEvent o) {
      doc.put("brand_id", o.getBrand());
      doc.put("category", o.getCategory());
      doc.put("sku", o.getSku());
    }
    Map<String, Object> payload = new LinkedHashMap<>(event.publicFields());
    if (personal != null) {
      payload.putAll(PersonalData.toDocument(personal));
    }
    doc.put("payload", payload);
    doc.put(
        "fields",
        personal == null
            ? Map.of()
            : PersonalData.categories(ObligationsApplier.PAYLOAD, personal));
    return doc;
  }

  private Map<String, Object> contextDocument(String member, String brand, Instant now) {
    Map<String, Object> ctx = new LinkedHashMap<>();
    ctx.put("now", now.toString());
    ctx.put("now_ns", now.getEpochSecond() * 1_000_000_000L + now.getNano());
    long from = now.minus(frequencyWindow).toEpochMilli();
    List<Timeline.Entry> recent = Timeline.fromBytes(offerDeliveries.get(member)).since(from);
    Map<String, Object> counters = new LinkedHashMap<>();
    counters.put("member_offers_24h", (long) recent.size());
    counters.put(
        "member_brand_offers_24h",
        brand == null ? 0L : recent.stream().filter(e -> e.first().equals(brand)).count());
    ctx.put("counters", counters);
    List<Object> bought = new ArrayList<>();
    for (Timeline.Entry e :
        Timeline.fromBytes(purchases.get(member)).since(now.minus(purchaseMemory).toEpochMilli())) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("sku", e.first());
      p.put("brand_id", e.second());
      p.put("at", Instant.ofEpochMilli(e.at()).toString());
      bought.add(p);
    }
    ctx.put("purchases", bought);
    return ctx;
  }

  // ---------------------------------------------------------------- offers

  private void onOffer(Inbound in, Instant now) {
    OfferEvent offer;
    try {
      offer = OFFERS.decode(in.value());
    } catch (UndecodableRecordException e) {
      // The offer gate decoded it before broadcasting; a copy that does not decode cannot be
      // delivered.
      LOGGER.warn("offer copy not decodable on this partition; nothing delivered");
      return;
    }
    IngestEvent event = IngestEvent.of(offer);
    List<Candidate> candidates = new ArrayList<>();
    for (String network : new java.util.TreeSet<>(offer.getTargetNetworks())) {
      try (KeyValueIterator<String, Long> it =
          memberships.prefixScan(
              network + SEP, org.apache.kafka.common.serialization.Serdes.String().serializer())) {
        while (it.hasNext()) {
          candidates.add(
              new Candidate(
                  Destination.network(network), it.next().key.substring(network.length() + 1)));
        }
      }
    }
    List<Decision> decided = new ArrayList<>(candidates.size());
    List<ConsentState> states = new ArrayList<>(candidates.size());
    boolean policyError = false;
    for (Candidate c : candidates) {
      ConsentState state = consentOf(c.memberId());
      states.add(state);
      byte[] key = memberKeys.get(c.memberId());
      Decision d;
      if (key != null && key.length == 0) {
        d = Decision.deny("member.erased", "the member was erased", decisions.activeRevision(), 0);
      } else {
        d =
            decide(
                eventDocument(event, null, c.memberId()),
                ConsentLedger.document(c.memberId(), state, now),
                // An offer flows into the member's network: that network is the source of the flow.
                c.destination().id(),
                c.destination(),
                contextDocument(c.memberId(), offer.getBrand(), now));
        policyError |= isPolicyError(d);
      }
      decided.add(d);
    }
    if (policyError) {
      quarantine(in, Quarantine.POLICY_ERROR, "policy evaluation failed for an offer", now);
    }
    String unenforceable = null;
    for (int i = 0; i < candidates.size(); i++) {
      Candidate c = candidates.get(i);
      Decision d = decided.get(i);
      if (d.allow() && policyError) {
        d =
            Decision.deny(
                "event.quarantined",
                "the event was quarantined: nothing of it is delivered",
                d.bundleRevision(),
                d.evalNanos());
      }
      Obligations applied = Obligations.NONE;
      if (d.allow()) {
        try {
          deliverOffer(event, offer, c, d, now);
          applied = d.obligations();
        } catch (UnenforceableObligationException e) {
          d =
              Decision.deny(
                  "obligation.unenforceable", e.getMessage(), d.bundleRevision(), d.evalNanos());
          unenforceable = unenforceable(unenforceable, c, e);
        }
      }
      audit(event, c, d, applied, states.get(i), now);
    }
    if (unenforceable != null) {
      quarantine(in, Quarantine.UNENFORCEABLE_OBLIGATION, unenforceable, now);
    }
  }

  private void deliverOffer(
      IngestEvent event, OfferEvent offer, Candidate c, Decision d, Instant now) {
    String network = c.destination().id();
    String member = c.memberId();
    requireOfferEnforceable(d.obligations());
    ObligationsApplier.Applied out =
        obligations.apply(d.obligations(), "network", network, null, member);
    String decisionId = decisionId(event.eventId(), c);
    OfferDelivery delivery =
        OfferDelivery.newBuilder()
            .setDeliveryId("dlv-" + decisionId.substring("dec-".length()))
            .setOfferId(offer.getOfferId())
            .setDecisionId(decisionId)
            .setBrand(offer.getBrand())
            .setSku(offer.getSku())
            .setCategory(offer.getCategory())
            .setNetwork(network)
            .setMemberId(out.memberId() == null ? "" : out.memberId())
            .setCreative(offer.getCreative())
            .setValidUntil(offer.getValidUntil())
            .setDeliveredAt(now)
            .build();
    emit(
        new Outbound(
            topics.networkOut(network),
            Outbound.key(out.memberId() == null ? decisionId : out.memberId()),
            DELIVERIES.encode(delivery)));
    Timeline t = Timeline.fromBytes(offerDeliveries.get(member));
    offerDeliveries.put(
        member,
        t.append(
                new Timeline.Entry(offer.getBrand(), network, now.toEpochMilli()),
                now.minus(frequencyWindow).toEpochMilli())
            .toBytes());
    emit(insightTick(offer.getBrand(), network, offer.getCategory(), "deliveries", member, now));
  }

  // ---------------------------------------------------------------- insights

  /**
   * A delivery or purchase to count in the brand's insights, with what the insights need to decide
   * whether this member may be counted: the member's consent now and whether the member is erased.
   */
  private InsightTick insightTick(
      String brand, String network, String category, String metric, String member, Instant now) {
    byte[] key = memberKeys.get(member);
    return InsightTick.count(
        brand,
        network,
        category,
        metric,
        now.toEpochMilli(),
        member,
        consent.get(member),
        key != null && key.length == 0);
  }

  /**
   * After a consent change or erasure: the insights check the member's contributions to open cells
   * again (the member is taken out where the policy no longer allows them, or when erased).
   */
  private void insightConsentChanged(String member, byte[] state, Instant now) {
    byte[] key = memberKeys.get(member);
    emit(
        InsightTick.consentChanged(
            now.toEpochMilli(), member, state, key != null && key.length == 0));
  }

  /**
   * An offer delivery carries the brand's offer and the member id, no personal payload: only
   * obligations on {@code member_id} can be carried out. Any other path would be silently skipped
   * by the applier (it has no personal record to change), so it is refused instead: fail closed.
   */
  private static void requireOfferEnforceable(Obligations o) {
    java.util.stream.Stream.of(o.redact(), o.pseudonymize(), List.copyOf(o.generalize().keySet()))
        .flatMap(List::stream)
        .filter(path -> !ObligationsApplier.MEMBER_ID.equals(path))
        .findFirst()
        .ifPresent(
            path -> {
              throw new UnenforceableObligationException(
                  "obligation path '" + path + "' names no field of an offer delivery");
            });
  }

  // ---------------------------------------------------------------- audit and output

  static String decisionId(String eventId, Candidate c) {
    String seed =
        eventId
            + SEP
            + c.destination().kind().wireName()
            + SEP
            + c.destination().id()
            + SEP
            + c.memberId();
    return "dec-" + UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8));
  }

  private void audit(
      IngestEvent event,
      Candidate c,
      Decision d,
      Obligations applied,
      ConsentState state,
      Instant now) {
    String decisionId = decisionId(event.eventId(), c);
    DecisionRecord record =
        DecisionRecord.newBuilder()
            .setDecisionId(decisionId)
            .setEventId(event.eventId())
            .setEventType(event.type())
            .setPurpose(event.purpose())
            .setMemberId(c.memberId())
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
            .build();
    byte[] bytes = DECISIONS.encode(record);
    String member = c.memberId() == null ? "" : c.memberId();
    decisionsByMember.put(
        member + SEP + String.format("%019d", now.toEpochMilli()) + SEP + decisionId, bytes);
    decisionsByEvent.put(event.eventId() + SEP + decisionId, bytes);
    emit(
        new Outbound(
            topics.audit(),
            Outbound.key(c.memberId() == null ? event.eventId() : c.memberId()),
            bytes));
  }

  private void quarantine(Inbound in, String code, String message, Instant now) {
    LOGGER.info(
        "record quarantined topic={} partition={} offset={} reason={}",
        in.topic(),
        in.partition(),
        in.offset(),
        code);
    emit(Quarantine.record(topics.quarantine(), in, code, message, now));
  }

  private void emit(Object value) {
    byte[] key = value instanceof Outbound o ? o.key() : null;
    context.forward(new Record<>(key, value, context.currentStreamTimeMs()));
  }

  private void expireDecisions(long wallClockMs) {
    long cutoff = wallClockMs - decisionRetention.toMillis();
    List<String> expired = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = decisionsByMember.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        DecisionRecord r = DECISIONS.decode(kv.value);
        if (r.getDecidedAt().toEpochMilli() < cutoff) {
          expired.add(kv.key);
          decisionsByEvent.delete(r.getEventId() + SEP + r.getDecisionId());
        }
      }
    }
    expired.forEach(decisionsByMember::delete);
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer dup = buffer.duplicate();
    byte[] b = new byte[dup.remaining()];
    dup.get(b);
    return b;
  }
}
