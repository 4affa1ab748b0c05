package dev.lattice.gateway.api.policies;

import dev.lattice.gateway.api.consent.ConsentLedgerView;
import dev.lattice.gateway.api.ingest.EventType;
import dev.lattice.policy.Decision;
import dev.lattice.policy.DecisionInput.Destination;
import dev.lattice.policy.DecisionInput.Kind;
import dev.lattice.policy.DecisionService;
import dev.lattice.schemas.AvroCodec;
import dev.lattice.schemas.TopicCatalogue;
import dev.lattice.schemas.avro.ConsentState;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.schemas.avro.EventHeader;
import dev.lattice.schemas.avro.PurposeGrant;
import dev.lattice.streams.DecisionInputs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Replays a window of recent real traffic under a draft revision, read-only: the audit records of
 * the window give each (event, destination) pair that was decided; the events come from the ingest
 * topics. Each pair's input is rebuilt (event without its sealed personal part, the member's
 * current consent, the destination, the decision time) and decided by both the draft and the live
 * revision, so the difference is the policy's alone. Nothing is written anywhere.
 *
 * <p>Approximations, stated in the report: the consent is the member's current state (not the one
 * at decision time), frequency counters and purchases are empty, and {@code event.fields} is empty
 * (personal parts stay sealed), so redaction obligations are not compared. An offer's audit records
 * name each member by an erasable reference kept with the member's partition: references of members
 * hosted by other instances are asked of them; a member erased since (or whose instance did not
 * answer) is replayed without consent.
 */
public final class PolicyReplay {

  /** Counts of changes for one network, brand or reason. */
  public record Counts(int newlyAllowed, int newlyDenied) {}

  /** One changed decision. */
  public record Change(
      String eventId,
      Map<String, String> destination,
      boolean liveAllow,
      List<String> liveReasons,
      boolean draftAllow,
      List<String> draftReasons) {}

  /** What the draft would change. */
  public record Report(
      String revision,
      String liveRevision,
      Instant from,
      Instant to,
      int examined,
      int skipped,
      int newlyAllowed,
      int newlyDenied,
      int unchanged,
      Map<String, Counts> byNetwork,
      Map<String, Counts> byBrand,
      Map<String, Counts> byReason,
      List<Change> examples,
      List<String> approximations) {}

  private final Map<String, Object> clientProperties;
  private final DecisionService live;
  private final ConsentLedgerView ledger;
  private final Clock clock;
  private final java.util.function.Function<String, java.util.Optional<String>> memberOfReference;

  /**
   * @param memberOfReference the member an audit reference ({@code mbr-…}) names, read from this
   *     instance's partitions; empty when unknown here (erased, or hosted by another instance);
   *     throws {@link dev.lattice.streams.StateNotQueryableException} when they cannot be read now
   */
  public PolicyReplay(
      Map<String, Object> clientProperties,
      DecisionService live,
      ConsentLedgerView ledger,
      Clock clock,
      java.util.function.Function<String, java.util.Optional<String>> memberOfReference) {
    this.clientProperties = Map.copyOf(clientProperties);
    this.live = live;
    this.ledger = ledger;
    this.clock = clock;
    this.memberOfReference = memberOfReference;
  }

  /** As {@link #replay(String, DecisionService, Duration, int, Function)} on one instance alone. */
  public Report replay(String revision, DecisionService draft, Duration window, int limit) {
    return replay(revision, draft, window, limit, references -> Map.of());
  }

  /**
   * Replays the window's decisions (at most {@code limit}) under {@code draft}.
   *
   * @param membersElsewhere the members that audit references unknown here name, asked of the other
   *     instances (an offer's decisions name members of every partition by reference only); the
   *     references it leaves out are replayed without consent
   */
  public Report replay(
      String revision,
      DecisionService draft,
      Duration window,
      int limit,
      Function<Set<String>, Map<String, String>> membersElsewhere) {
    Instant to = clock.instant();
    Instant from = to.minus(window);
    List<DecisionRecord> decisions = new ArrayList<>();
    AvroCodec<DecisionRecord> audit = AvroCodec.of(DecisionRecord.class);
    read(
        TopicCatalogue.AUDIT_DECISIONS.name(),
        from,
        r -> {
          if (decisions.size() < limit && r.value() != null) {
            decisions.add(audit.decode(r.value()));
          }
        });
    Map<String, SpecificRecordBase> events = new HashMap<>();
    for (EventType type : EventType.values()) {
      @SuppressWarnings("unchecked")
      AvroCodec<SpecificRecordBase> codec =
          AvroCodec.of((Class<SpecificRecordBase>) type.avroType());
      // Events are written before they are decided: look a little further back than the window.
      read(
          type.topic().name(),
          from.minus(Duration.ofMinutes(5)),
          r -> {
            if (r.value() != null) {
              SpecificRecordBase event = codec.decode(r.value());
              events.put(((EventHeader) event.get("header")).getEventId(), event);
            }
          });
    }
    Map<String, String> members = membersOfReferences(decisions, events, membersElsewhere);
    int skipped = 0;
    int newlyAllowed = 0;
    int newlyDenied = 0;
    int unchanged = 0;
    Map<String, int[]> byNetwork = new TreeMap<>();
    Map<String, int[]> byBrand = new TreeMap<>();
    Map<String, int[]> byReason = new TreeMap<>();
    List<Change> examples = new ArrayList<>();
    for (DecisionRecord record : decisions) {
      SpecificRecordBase event = events.get(record.getEventId());
      if (event == null) {
        skipped++;
        continue;
      }
      Map<String, Object> input = input(record, event, members);
      Decision before = live.decide(input, false);
      Decision after = draft.decide(input, false);
      if (before.allow() == after.allow()) {
        unchanged++;
        continue;
      }
      String network =
          record.getDestination().getKind().equals("network")
              ? record.getDestination().getId()
              : record.getSourceNetwork();
      Object brandValue = ((Map<?, ?>) input.get("event")).get("brand_id");
      String brand =
          record.getDestination().getKind().equals("brand")
              ? record.getDestination().getId()
              : brandValue == null ? null : brandValue.toString();
      int slot = after.allow() ? 0 : 1;
      if (after.allow()) {
        newlyAllowed++;
      } else {
        newlyDenied++;
      }
      byNetwork.computeIfAbsent(network, k -> new int[2])[slot]++;
      if (brand != null) {
        byBrand.computeIfAbsent(brand, k -> new int[2])[slot]++;
      }
      for (String code : (after.allow() ? before : after).reasonCodes()) {
        byReason.computeIfAbsent(code, k -> new int[2])[slot]++;
      }
      if (examples.size() < 20) {
        examples.add(
            new Change(
                record.getEventId(),
                Map.of(
                    "kind",
                    record.getDestination().getKind(),
                    "id",
                    record.getDestination().getId()),
                before.allow(),
                before.reasonCodes(),
                after.allow(),
                after.reasonCodes()));
      }
    }
    return new Report(
        revision,
        live.activeRevision(),
        from,
        to,
        decisions.size(),
        skipped,
        newlyAllowed,
        newlyDenied,
        unchanged,
        counts(byNetwork),
        counts(byBrand),
        counts(byReason),
        examples,
        List.of(
            "consent is each member's current state, taken as in force when the event was"
                + " decided (not the state at that time)",
            "offer decisions about members erased since (or hosted by an instance that did not"
                + " answer) are replayed without consent",
            "frequency counters and purchases are empty",
            "personal parts stay sealed: event.fields is empty, obligations are not compared",
            "decisions whose event is no longer in the ingest topics are skipped"));
  }

  /**
   * The members named by reference in the decisions to replay: offers have no subject member, so
   * their audit records name each member only by an erasable reference, kept with the member's
   * partition. Read here first; the rest asked of the instances hosting the other partitions.
   */
  private Map<String, String> membersOfReferences(
      List<DecisionRecord> decisions,
      Map<String, SpecificRecordBase> events,
      Function<Set<String>, Map<String, String>> membersElsewhere) {
    Map<String, String> members = new HashMap<>();
    Set<String> unknownHere = new TreeSet<>();
    boolean readable = true;
    for (DecisionRecord record : decisions) {
      String reference = referenceOf(record, events.get(record.getEventId()));
      if (reference == null || members.containsKey(reference)) {
        continue;
      }
      if (readable) {
        try {
          memberOfReference
              .apply(reference)
              .ifPresentOrElse(m -> members.put(reference, m), () -> unknownHere.add(reference));
          continue;
        } catch (dev.lattice.streams.StateNotQueryableException e) {
          // not readable here now: every reference left is asked of the other instances
          readable = false;
        }
      }
      unknownHere.add(reference);
    }
    unknownHere.removeAll(members.keySet());
    if (!unknownHere.isEmpty()) {
      membersElsewhere
          .apply(unknownHere)
          .forEach(
              (reference, member) -> {
                if (unknownHere.contains(reference)) {
                  members.put(reference, member);
                }
              });
    }
    return members;
  }

  /**
   * The members that {@code references} name among the members hosted here (the other instances'
   * answer to {@link #replay(String, DecisionService, Duration, int, Function)}'s question).
   *
   * @throws dev.lattice.streams.StateNotQueryableException when this instance's partitions cannot
   *     be read now (answered 503: the asking instance tries again rather than take "none here")
   */
  public Map<String, String> membersHere(java.util.Collection<String> references) {
    Map<String, String> out = new HashMap<>();
    for (String reference : references) {
      memberOfReference.apply(reference).ifPresent(member -> out.put(reference, member));
    }
    return out;
  }

  /** The reference a decision names its member by when its event has no subject member. */
  private static String referenceOf(DecisionRecord record, SpecificRecordBase event) {
    if (event == null || ((EventHeader) event.get("header")).getSubjectMember() != null) {
      return null;
    }
    return record.getMemberId() == null || record.getMemberId().isEmpty()
        ? null
        : record.getMemberId();
  }

  private Map<String, Object> input(
      DecisionRecord record, SpecificRecordBase event, Map<String, String> members) {
    EventHeader header = (EventHeader) event.get("header");
    // Offers have no subject: the audit names the member by an erasable reference.
    String member =
        header.getSubjectMember() != null
            ? header.getSubjectMember()
            : members.get(record.getMemberId());
    ConsentState state =
        member == null
            ? null
            : ledger.state(member).map(s -> inForceAt(s, record.getDecidedAt())).orElse(null);
    Destination destination =
        new Destination(
            Kind.valueOf(record.getDestination().getKind().toUpperCase(Locale.ROOT)),
            record.getDestination().getId());
    // The same builder as the topology: personal parts stay sealed (no event.fields), the consent
    // is the member's current state evaluated at the decision time, no counters or purchases.
    return DecisionInputs.forEvent(
            event,
            null,
            member,
            state,
            DecisionInputs.sourceNetwork(event, destination),
            destination,
            DecisionInputs.Context.at(record.getDecidedAt()))
        .toMap();
  }

  /**
   * The member's current consent as if it had been in force when the event was decided (the
   * report's stated approximation). A grant given after the decision (a member who granted again
   * since, or changed the grant's recipients) would otherwise read as not yet valid then ({@code
   * consent.not_yet_valid}), so the live and the draft revision would both deny and the replay
   * would hide every change the draft makes for that member.
   */
  static ConsentState inForceAt(ConsentState state, Instant decidedAt) {
    ConsentState copy = ConsentState.newBuilder(state).build();
    Map<String, PurposeGrant> purposes = new LinkedHashMap<>();
    copy.getPurposes()
        .forEach(
            (purpose, grant) ->
                purposes.put(
                    purpose,
                    grant.getGrantedAt() != null && grant.getGrantedAt().isAfter(decidedAt)
                        ? PurposeGrant.newBuilder(grant).setGrantedAt(decidedAt).build()
                        : grant));
    copy.setPurposes(purposes);
    return copy;
  }

  private static Map<String, Counts> counts(Map<String, int[]> raw) {
    Map<String, Counts> out = new LinkedHashMap<>();
    raw.forEach((k, v) -> out.put(k, new Counts(v[0], v[1])));
    return out;
  }

  private void read(String topic, Instant from, Consumer<ConsumerRecord<String, byte[]>> handler) {
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor(topic, Duration.ofSeconds(10))
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      consumer.assign(partitions);
      Map<TopicPartition, Long> query = new HashMap<>();
      partitions.forEach(p -> query.put(p, from.toEpochMilli()));
      Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(query);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      for (TopicPartition p : partitions) {
        OffsetAndTimestamp start = starts.get(p);
        consumer.seek(p, start == null ? ends.get(p) : start.offset());
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))
          && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(handler);
      }
    }
  }
}
