package dev.lattice.streams.internal.enforce;

import dev.lattice.policy.Decision;
import dev.lattice.policy.DecisionInput;
import dev.lattice.policy.DecisionInput.Destination;
import dev.lattice.policy.DecisionInput.Kind;
import dev.lattice.policy.DecisionService;
import dev.lattice.policy.Obligations;
import dev.lattice.policy.ReasonCodes;
import dev.lattice.schemas.avro.ConsentState;
import dev.lattice.schemas.avro.ContentEvent;
import dev.lattice.schemas.avro.EventHeader;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.OfferDelivery;
import dev.lattice.schemas.avro.OfferEvent;
import dev.lattice.schemas.avro.PurchaseEvent;
import dev.lattice.streams.DecisionInputs;
import dev.lattice.streams.MasterKey;
import dev.lattice.streams.StageTimings;
import dev.lattice.streams.StageTimings.Stage;
import dev.lattice.streams.TopicDirectory;
import dev.lattice.streams.TopicNames;
import dev.lattice.streams.internal.StoreNames;
import dev.lattice.streams.internal.codec.AvroCodec;
import dev.lattice.streams.internal.codec.Inbound;
import dev.lattice.streams.internal.codec.InsightTick;
import dev.lattice.streams.internal.codec.Outbound;
import dev.lattice.streams.internal.codec.TopologyOutput;
import dev.lattice.streams.internal.codec.UndecodableRecordException;
import dev.lattice.streams.internal.consent.ConsentAsOf;
import dev.lattice.streams.internal.network.NetworkDirectory;
import dev.lattice.streams.internal.obligations.ObligationsApplier;
import dev.lattice.streams.internal.obligations.Pseudonymiser;
import dev.lattice.streams.internal.obligations.UnenforceableObligationException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The member sub-topology's processor. One task owns a set of members (every input here is keyed by
 * member id, offers arrive as a copy on every partition), so a member's consent changes, keys,
 * purchases and events are applied in the order the task reads them: a withdrawal is in force for
 * the very next event of that member.
 *
 * <p>It only dispatches, to units with one job each: {@link ConsentApplier} (consent commands),
 * {@link Unsealer} (member keys, sealed personal data), {@link Routing} (candidate destinations),
 * {@link Enforcer} (decide → quarantine → obligations → deliver → audit, shared by events and
 * offers), {@link DecisionLog} (queryable decisions) and {@link MemberHistory} (memberships,
 * purchases, offer counters). Everything it emits is a {@link TopologyOutput}, in the task's
 * transaction.
 */
public final class MemberProcessor implements Processor<byte[], Inbound, byte[], TopologyOutput> {
  private static final Logger LOGGER = LoggerFactory.getLogger(MemberProcessor.class);

  private static final AvroCodec<MemberDataEvent> MEMBER_DATA = AvroCodec.of(MemberDataEvent.class);
  private static final AvroCodec<ContentEvent> CONTENT = AvroCodec.of(ContentEvent.class);
  private static final AvroCodec<PurchaseEvent> PURCHASES = AvroCodec.of(PurchaseEvent.class);
  private static final AvroCodec<OfferEvent> OFFERS = AvroCodec.of(OfferEvent.class);
  private static final AvroCodec<OfferDelivery> DELIVERIES = AvroCodec.of(OfferDelivery.class);
  private static final AvroCodec<ConsentState> STATES = AvroCodec.of(ConsentState.class);
  private static final Map<Class<?>, AvroCodec<? extends SpecificRecordBase>> EVENTS =
      Map.of(
          MemberDataEvent.class, MEMBER_DATA,
          ContentEvent.class, CONTENT,
          PurchaseEvent.class, PURCHASES);

  private final TopicNames topics;
  private final DecisionService decisions;
  private final NetworkDirectory networks;
  private final ObligationsApplier obligations;
  private final Pseudonymiser ids;
  private final BrandIdentity brandIdentity;
  private final TopicDirectory topicDirectory;
  private final Duration frequencyWindow;
  private final Duration purchaseMemory;
  private final Duration decisionRetention;
  private final MasterKey masterKey;
  // null: first sightings are not recorded (see TopologySettings.membershipsTopic)
  private final String membershipsTopic;
  private final Duration insightHorizon;
  private final Controllers controllers;
  private final StageClock clock;

  private ProcessorContext<byte[], TopologyOutput> context;
  private Quarantine quarantine;
  private ConsentApplier consent;
  private Unsealer unsealer;
  private MemberHistory history;
  private Routing routing;
  private DecisionLog decisionLog;
  private Enforcer enforcer;
  private boolean insightTrackingResolved;

  public MemberProcessor(
      TopicNames topics,
      DecisionService decisions,
      NetworkDirectory networks,
      ObligationsApplier obligations,
      Pseudonymiser ids,
      TopicDirectory topicDirectory,
      Duration frequencyWindow,
      Duration purchaseMemory,
      Duration decisionRetention,
      MasterKey masterKey,
      Duration insightHorizon,
      String membershipsTopic,
      StageTimings timings) {
    this.masterKey = masterKey;
    this.membershipsTopic = membershipsTopic;
    this.insightHorizon = insightHorizon;
    this.clock = StageClock.of(timings);
    this.topics = topics;
    this.decisions = decisions;
    this.networks = networks;
    this.obligations = obligations;
    this.ids = ids;
    this.brandIdentity = new BrandIdentity(ids);
    this.topicDirectory = topicDirectory;
    this.frequencyWindow = frequencyWindow;
    this.purchaseMemory = purchaseMemory;
    this.decisionRetention = decisionRetention;
    this.controllers = new Controllers(networks);
  }

  /** The stores this processor needs connected. */
  public static final List<String> STORES =
      List.of(
          StoreNames.CONSENT,
          StoreNames.MEMBER_KEYS,
          StoreNames.PURCHASES,
          StoreNames.OFFER_DELIVERIES,
          StoreNames.MEMBERSHIPS,
          StoreNames.ACTIVITY,
          StoreNames.DECISIONS,
          StoreNames.MEMBER_REFS,
          StoreNames.CONTROLLER_NOTICES);

  /** How often a task looks for networks that changed hands and notifies their members. */
  static final Duration NOTICE_INTERVAL = Duration.ofSeconds(1);

  /**
   * Decision-index expiry: a step of {@link #EXPIRY_STEP_KEYS} keys every 2 s, 2,500 keys a second,
   * so a store of a million keys is swept about every 7 minutes (the whole-store sweep ran every
   * 10) and no step pauses the thread for more than a few milliseconds.
   */
  static final Duration EXPIRY_STEP_INTERVAL = Duration.ofSeconds(2);

  static final int EXPIRY_STEP_KEYS = 5_000;

  @Override
  public void init(ProcessorContext<byte[], TopologyOutput> context) {
    this.context = context;
    Emitter emitter = this::emit;
    quarantine = new Quarantine(topics.quarantine(), emitter);
    unsealer = new Unsealer(context.getStateStore(StoreNames.MEMBER_KEYS), quarantine, masterKey);
    history =
        new MemberHistory(
            context.getStateStore(StoreNames.MEMBERSHIPS),
            context.getStateStore(StoreNames.ACTIVITY),
            context.getStateStore(StoreNames.PURCHASES),
            context.getStateStore(StoreNames.OFFER_DELIVERIES),
            frequencyWindow,
            purchaseMemory);
    routing = new Routing(networks, history);
    decisionLog = new DecisionLog(context.getStateStore(StoreNames.DECISIONS));
    MemberRefs refs = new MemberRefs(context.getStateStore(StoreNames.MEMBER_REFS));
    consent =
        new ConsentApplier(
            context.getStateStore(StoreNames.CONSENT),
            topics,
            unsealer,
            quarantine,
            emitter,
            history,
            refs,
            decisionLog,
            membershipsTopic);
    enforcer =
        new Enforcer(
            decisions,
            decisionLog,
            quarantine,
            topics,
            emitter,
            consent::stateOf,
            this::unknownDestination,
            ids,
            refs,
            unsealer::seal,
            clock);
    // Expiry in small steps: a sweep of the whole index at once paused the stream thread for as
    // long as reading every key takes (seconds on a large store), every 10 minutes.
    context.schedule(
        EXPIRY_STEP_INTERVAL,
        PunctuationType.WALL_CLOCK_TIME,
        now -> decisionLog.expireSome(now - decisionRetention.toMillis(), EXPIRY_STEP_KEYS));
    ControllerNotices notices =
        new ControllerNotices(
            networks,
            history,
            context.getStateStore(StoreNames.CONTROLLER_NOTICES),
            topics.notices(),
            emitter);
    context.schedule(
        NOTICE_INTERVAL,
        PunctuationType.WALL_CLOCK_TIME,
        now -> notices.notifyTransfers(Instant.ofEpochMilli(now)));
  }

  @Override
  public void process(Record<byte[], Inbound> record) {
    Inbound in = record.value();
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    // The routing key: the member id (original key, or the subject after a repartition by member).
    String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    if (!insightTrackingResolved) {
      KeyValueStore<String, ?> consentStore = context.getStateStore(StoreNames.CONSENT);
      try (KeyValueIterator<String, ?> it = consentStore.all()) {
        history.resolveInsightTracking(now, !it.hasNext());
      }
      insightTrackingResolved = true;
    }
    switch (in.kind()) {
      case CONSENT_COMMAND -> {
        String changed = consent.apply(in, key, now);
        if (changed != null) {
          insightConsentChanged(changed, now);
        }
      }
      case MEMBER_KEY ->
          unsealer
              .applyKeyRecord(in, now)
              .ifPresent(
                  winner ->
                      emit(
                          new Outbound(
                              topics.memberKeys(),
                              Outbound.key(winner.getMemberId()),
                              Unsealer.encode(winner))));
      case MEMBER_DATA, CONTENT, PURCHASE -> onMemberEvent(in, key, now);
      case OFFER -> onOffer(in, now);
    }
  }

  // ---------------------------------------------------------------- member events

  private void onMemberEvent(Inbound in, String key, Instant now) {
    long t = clock.start();
    SpecificRecordBase decoded;
    try {
      decoded =
          switch (in.kind()) {
            case MEMBER_DATA -> MEMBER_DATA.decode(in.value());
            case CONTENT -> CONTENT.decode(in.value());
            default -> PURCHASES.decode(in.value());
          };
    } catch (UndecodableRecordException e) {
      quarantine.put(in, Quarantine.UNDECODABLE, e.getMessage(), now);
      return;
    }
    IngestEvent event = IngestEvent.of(decoded);
    clock.stop(Stage.DECODE, t);
    t = clock.start();
    long writes = clock.writesSoFar();
    List<Candidate> candidates;
    switch (routing.route(event, key)) {
      case Routing.Route.Rejected r -> {
        quarantine.put(in, r.code(), r.message(), now);
        return;
      }
      case Routing.Route.Candidates c -> candidates = c.candidates();
    }
    if (history.seen(event.memberId(), event.sourceNetwork(), now, membershipsTopic != null)) {
      // Every gateway instance follows this topic: it learns that the member belongs to the network
      // without reading the store of whichever instance hosts the member (the gateway writes the
      // same record for events it ingests; this one covers events written to the topics directly).
      emit(
          new Outbound(
              membershipsTopic,
              Outbound.key(event.sourceNetwork() + "|" + event.memberId()),
              now.toString().getBytes(StandardCharsets.UTF_8)));
    }
    if (decoded instanceof PurchaseEvent p) {
      history.bought(
          event.memberId(), p.getSku(), p.getBrand(), p.getHeader().getOccurredAt(), now);
      emit(
          insightTick(
              p.getBrand(),
              event.sourceNetwork(),
              p.getCategory() == null ? "uncategorised" : p.getCategory(),
              "purchases",
              event.memberId(),
              now,
              in.timestamp()));
    }
    clock.stopExcludingWrites(Stage.ROUTE, t, writes);
    if (candidates.isEmpty()) {
      return;
    }
    t = clock.start();
    // Open the personal data (sealed with the member's key) once for all destinations.
    SpecificRecordBase personal;
    Unsealer.Opened.Unreadable unreadable = null;
    switch (unsealer.open(event)) {
      case Unsealer.Opened.Clear c -> personal = c.personal();
      case Unsealer.Opened.Unreadable u -> {
        personal = null;
        unreadable = u;
      }
      case Unsealer.Opened.Broken b -> {
        // Quarantined, and still one audited deny per destination: every candidate destination
        // has a recorded decision, even when the event cannot be opened.
        quarantine.put(in, Quarantine.UNSEALABLE, b.message(), now);
        personal = null;
        unreadable =
            new Unsealer.Opened.Unreadable(
                Quarantine.UNSEALABLE,
                "the event's sealed personal data cannot be opened with the member's key");
      }
    }
    clock.stop(Stage.DECODE, t);
    t = clock.start();
    Map<String, Object> eventDoc = DecisionInputs.event(decoded, personal, event.memberId());
    DecisionInputs.Context ctx = history.context(event.memberId(), null, now);
    clock.stop(Stage.DECIDE, t);
    Unsealer.Opened.Unreadable denied = unreadable;
    DecisionInput.SourceControl sourceControl = controllers.ofSource(event.sourceNetwork());
    // Every candidate is a destination of this event's member: the event, consent and context
    // documents are built and converted for the policy once, for all of them; each destination
    // adds only its own small part (source network, destination).
    Map<String, Enforcer.SharedInput> shared = new HashMap<>(2);
    enforcer.enforce(
        in,
        event,
        candidates,
        (c, state) -> {
          if (denied != null) {
            return enforcer.deny(denied.code(), denied.message());
          }
          Enforcer.SharedInput parts =
              shared.computeIfAbsent(
                  String.valueOf(c.memberId()),
                  m ->
                      enforcer.share(
                          eventDoc,
                          DecisionInputs.consent(event.memberId(), state, now),
                          ctx.toDocument()));
          return enforcer.ask(
              destinationPart(event.sourceNetwork(), sourceControl, c.destination()), parts);
        },
        (c, d, decisionId, state) -> deliverEvent(event, personal, c, d, state, now),
        "policy evaluation failed for at least one destination",
        now);
  }

  private void deliverEvent(
      IngestEvent event,
      SpecificRecordBase personal,
      Candidate c,
      Decision d,
      ConsentState state,
      Instant now) {
    ObligationsApplier.Applied out =
        obligations.apply(
            d.obligations(),
            c.destination().kind().wireName(),
            c.destination().id(),
            personal,
            event.memberId());
    String member = out.memberId();
    if (c.destination().kind() == Kind.BRAND && member != null) {
      // A brand never learns a member's id, whatever the policy's obligations: its own pseudonym,
      // and only when the member granted identifiers to it.
      member = brandIdentity.memberFor(c.destination().id(), event.memberId(), state, now);
    }
    // Identifiers of the event are re-keyed for this destination where the obligations say so, so
    // that two recipients (or a recipient and the source) cannot join their records on them.
    List<String> rekey = d.obligations().pseudonymize();
    String to = c.destination().kind().wireName() + ":" + c.destination().id();
    EventHeader.Builder header = EventHeader.newBuilder(event.header()).setSubjectMember(member);
    String occurredAt = d.obligations().coarsenTime().get("occurred_at");
    if (occurredAt != null) {
      // Coarsened where the destination's rules say so: a recipient cannot match the exact time
      // with the member's activity it sees elsewhere.
      header.setOccurredAt(
          ObligationsApplier.coarsen(event.header().getOccurredAt(), "occurred_at", occurredAt));
    }
    if (rekey.contains("id")) {
      header.setEventId(ids.keyedId("evt-", "event", to, event.eventId()));
    }
    String correlation = event.header().getCorrelationId();
    if (rekey.contains("correlation_id") && correlation != null) {
      header.setCorrelationId(ids.keyedId("cor-", "correlation", to, correlation));
    }
    SpecificRecordBase delivered = event.withPersonal(header.build(), out.personal());
    if (rekey.contains("payload.content_id") && delivered instanceof ContentEvent content) {
      content.setContentId(ids.keyedId("cnt-", "content", to, content.getContentId()));
    }
    if (rekey.contains("payload.purchase_id") && delivered instanceof PurchaseEvent purchase) {
      purchase.setPurchaseId(ids.keyedId("pur-", "purchase", to, purchase.getPurchaseId()));
    }
    String key = member != null ? member : header.getEventId();
    emit(new Outbound(destinationTopic(c.destination()), Outbound.key(key), encode(delivered)));
  }

  @SuppressWarnings("unchecked")
  private static byte[] encode(SpecificRecordBase event) {
    return ((AvroCodec<SpecificRecordBase>) EVENTS.get(event.getClass())).encode(event);
  }

  private String destinationTopic(Destination d) {
    return d.kind() == Kind.NETWORK ? topics.networkOut(d.id()) : topics.brandOut(d.id());
  }

  // ---------------------------------------------------------------- offers

  private void onOffer(Inbound in, Instant now) {
    long t = clock.start();
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
    clock.stop(Stage.DECODE, t);
    t = clock.start();
    List<Candidate> candidates = routing.route(offer);
    clock.stop(Stage.ROUTE, t);
    // What every member's decision shares is looked up once per offer: the brand's registration
    // and the offer's event document (copied per member, who is its only member-specific field).
    Boolean[] brandRegistered = new Boolean[1];
    Map<String, Object> offerDoc = offerDocument(offer);
    // A member's destinations (their networks the offer targets) share the event, consent and
    // context documents: built and converted once per member.
    Map<String, Enforcer.SharedInput> shared = new HashMap<>();
    enforcer.enforce(
        in,
        event,
        candidates,
        (c, state) -> {
          if (brandRegistered[0] == null) {
            brandRegistered[0] = topicDirectory.exists(topics.brandOut(offer.getBrand()));
          }
          if (!brandRegistered[0]) {
            return enforcer.deny(
                ReasonCodes.DESTINATION_UNKNOWN,
                "brand " + offer.getBrand() + " is not registered (no output topic)");
          }
          if (unsealer.isErased(c.memberId())) {
            return enforcer.deny(ReasonCodes.MEMBER_ERASED, "the member was erased");
          }
          Enforcer.SharedInput parts = shared.get(c.memberId());
          if (parts == null) {
            Map<String, Object> doc = new LinkedHashMap<>(offerDoc);
            doc.put("member_id", c.memberId());
            parts =
                enforcer.share(
                    doc,
                    DecisionInputs.consent(c.memberId(), state, now),
                    history.context(c.memberId(), offer.getBrand(), now).toDocument());
            shared.put(c.memberId(), parts);
          }
          String source = DecisionInputs.sourceNetwork(offer, c.destination());
          return enforcer.ask(
              destinationPart(source, controllers.ofSource(source), c.destination()), parts);
        },
        (c, d, decisionId, state) -> deliverOffer(offer, c, d, decisionId, state, now),
        "policy evaluation failed for an offer",
        now);
  }

  /**
   * The part of a decision input that is the destination's own (source network, destination and
   * their controllers); the event, consent and context come from the member's {@link
   * Enforcer.SharedInput}.
   */
  private DecisionInput destinationPart(
      String source, DecisionInput.SourceControl sourceControl, Destination destination) {
    return new DecisionInput(
        Map.of(),
        Map.of(),
        source,
        controllers.withController(destination),
        Map.of(),
        sourceControl);
  }

  /**
   * The offer's event document, with the organisation that controls the offering brand and no
   * member yet ({@code member_id} null: each member's copy names them).
   */
  private Map<String, Object> offerDocument(OfferEvent offer) {
    Map<String, Object> doc = DecisionInputs.event(offer, null, null);
    String controller = controllers.ofBrand(offer.getBrand());
    if (controller != null) {
      doc.put("brand_controller", controller);
    }
    return doc;
  }

  /**
   * Delivers an offer into the member's network ({@code lattice.out.network.<network>}: the network
   * knows its member) and a copy to the brand ({@code lattice.out.brand.<brand>}), which names the
   * member only by the brand's pseudonym and only with their {@code identifiers} consent. The two
   * copies have keyed ids of their own, so the brand cannot join its copy with the network's.
   */
  private void deliverOffer(
      OfferEvent offer,
      Candidate c,
      Decision d,
      String decisionId,
      ConsentState state,
      Instant now) {
    String network = c.destination().id();
    String member = c.memberId();
    String brand = offer.getBrand();
    requireOfferEnforceable(d.obligations());
    ObligationsApplier.Applied out =
        obligations.apply(d.obligations(), "network", network, null, member);
    OfferDelivery toNetwork =
        delivery(offer, network, now)
            .setDeliveryId(ids.keyedId("dlv-", "delivery", decisionId, "network", network))
            .setDecisionId(decisionId)
            .setMemberId(out.memberId() == null ? "" : out.memberId())
            .build();
    emit(
        new Outbound(
            topics.networkOut(network),
            Outbound.key(out.memberId() == null ? decisionId : out.memberId()),
            DELIVERIES.encode(toNetwork)));
    String named = brandIdentity.memberFor(brand, member, state, now);
    String brandDeliveryId = ids.keyedId("dlv-", "delivery", decisionId, "brand", brand);
    // The brand's copy carries the hour only: the exact delivery time would join it with the
    // network's copy (and with what the network shows of the member).
    OfferDelivery toBrand =
        delivery(offer, network, now.truncatedTo(java.time.temporal.ChronoUnit.HOURS))
            .setDeliveryId(brandDeliveryId)
            .setDecisionId(ids.keyedId("dec-", "brand-decision", decisionId, brand))
            .setMemberId(named == null ? "" : named)
            .build();
    emit(
        new Outbound(
            topics.brandOut(brand),
            Outbound.key(named == null ? brandDeliveryId : named),
            DELIVERIES.encode(toBrand)));
    history.offered(member, brand, network, now);
    // A delivery happens now: counted under the member's consent now.
    emit(insightTick(brand, network, offer.getCategory(), "deliveries", member, now, -1));
  }

  private static OfferDelivery.Builder delivery(OfferEvent offer, String network, Instant now) {
    return OfferDelivery.newBuilder()
        .setOfferId(offer.getOfferId())
        .setBrand(offer.getBrand())
        .setSku(offer.getSku())
        .setCategory(offer.getCategory())
        .setNetwork(network)
        .setCreative(offer.getCreative())
        .setValidUntil(offer.getValidUntil())
        .setDeliveredAt(now);
  }

  /** Why a destination cannot be written to, or null when it can. */
  private String unknownDestination(Destination d) {
    if (d.kind() == Kind.NETWORK && !networks.knows(d.id())) {
      return "network " + d.id() + " is not registered";
    }
    String topic = destinationTopic(d);
    if (!topicDirectory.exists(topic)) {
      return d.kind().wireName() + " " + d.id() + " is not registered (no topic " + topic + ")";
    }
    return null;
  }

  // ---------------------------------------------------------------- insights

  /**
   * A delivery or purchase to count in the brand's insights, with what the insights need to decide
   * whether this member may be counted: the member's consent (as of the event's append time {@code
   * eventAppendedAt}, see {@link ConsentAsOf}; negative: now) and whether the member is erased.
   */
  private InsightTick insightTick(
      String brand,
      String network,
      String category,
      String metric,
      String member,
      Instant now,
      long eventAppendedAt) {
    history.countedInInsights(member, now);
    ConsentState state = ConsentAsOf.at(consent.stateOf(member), eventAppendedAt).state();
    return InsightTick.count(
        brand,
        network,
        category,
        metric,
        now.toEpochMilli(),
        member,
        state == null ? null : STATES.encode(state),
        unsealer.isErased(member));
  }

  /**
   * After an applied consent command (erasure included): every insights task checks the member's
   * contributions to open cells again. Sent to every insights partition, so only when there can be
   * such contributions: the member is erased, or was counted towards insights (an offer delivery, a
   * purchase) within the insight horizon (twice the window, plus the grace: a cell is released at
   * the latest one window after it closes). A member never counted, or not for that long, has
   * nothing in an open cell to take out.
   */
  private void insightConsentChanged(String member, Instant now) {
    boolean erased = unsealer.isErased(member);
    if (!erased && !history.mayBeInOpenInsights(member, now, insightHorizon)) {
      return;
    }
    ConsentState state = consent.stateOf(member);
    emit(
        InsightTick.consentChanged(
            now.toEpochMilli(), member, state == null ? null : STATES.encode(state), erased));
  }

  private void emit(TopologyOutput value) {
    long t = clock.start();
    byte[] key =
        switch (value) {
          case Outbound o -> o.key();
          case InsightTick tick -> null;
        };
    context.forward(new Record<>(key, value, context.currentStreamTimeMs()));
    clock.stop(Stage.WRITE, t);
  }

  /**
   * An offer delivery carries the brand's offer and the member id, no personal payload: only
   * obligations on {@code member_id} can be carried out. Any other path would be silently skipped
   * by the applier (it has no personal record to change), so it is refused instead: fail closed.
   */
  private static void requireOfferEnforceable(Obligations o) {
    for (List<String> paths :
        List.of(
            o.redact(),
            o.pseudonymize(),
            List.copyOf(o.generalize().keySet()),
            List.copyOf(o.coarsenTime().keySet()))) {
      for (String path : paths) {
        if (!ObligationsApplier.MEMBER_ID.equals(path)) {
          throw new UnenforceableObligationException(
              "obligation path '" + path + "' names no field of an offer delivery");
        }
      }
    }
  }
}
