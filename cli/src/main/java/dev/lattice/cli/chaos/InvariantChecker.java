package dev.lattice.cli.chaos;

import dev.lattice.schemas.AvroCodec;
import dev.lattice.schemas.EventDecodingException;
import dev.lattice.schemas.TopicCatalogue;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.schemas.avro.InsightRecord;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.OfferDelivery;
import dev.lattice.schemas.avro.QuarantineRecord;
import dev.lattice.streams.DeliveryReferences;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the run's input, audit, output and quarantine topics ({@code read_committed}, each to its
 * end) and checks them against what the traffic sent and was answered ({@link TrafficLog}).
 *
 * <p>The topology names members in the audit by a random reference and re-keys ids per destination
 * (docs/privacy.md), so the checker joins through what the audit records: a member data event's
 * decision links its member reference to the member the traffic named; a network's offer delivery
 * carries the decision id; a brand's copy carries a brand-keyed reference and a partner network's
 * copy a destination-keyed event id, both recomputed with the installation's pseudonym secret
 * ({@link DeliveryReferences}).
 *
 * <p>Invariants: every accepted event decided exactly once per candidate destination (member data:
 * the partner network; an offer: every member of its network); no delivery without an allow
 * decision, and every allow delivered; no delivery to a member for a purpose after their withdrawal
 * of it was answered (unless a grant was sent since); no duplicate decision or delivery ids; the
 * quarantine holds exactly the bad inputs sent.
 */
final class InvariantChecker {

  /** The outcome: violations, and the three headline counts. */
  record Result(
      List<String> violations,
      long lost,
      long duplicated,
      long leaked,
      int decisions,
      int deliveries) {
    boolean clean() {
      return violations.isEmpty();
    }
  }

  /** The run's world. */
  record World(String network, String partner, String brand, Set<String> members) {}

  private static final AvroCodec<dev.lattice.schemas.avro.ConsentCommand> COMMANDS =
      AvroCodec.of(dev.lattice.schemas.avro.ConsentCommand.class);
  private static final AvroCodec<DecisionRecord> DECISIONS = AvroCodec.of(DecisionRecord.class);
  private static final AvroCodec<OfferDelivery> OFFER_DELIVERIES =
      AvroCodec.of(OfferDelivery.class);
  private static final AvroCodec<InsightRecord> INSIGHTS = AvroCodec.of(InsightRecord.class);
  private static final AvroCodec<MemberDataEvent> MEMBER_DATA = AvroCodec.of(MemberDataEvent.class);
  private static final AvroCodec<QuarantineRecord> QUARANTINE =
      AvroCodec.of(QuarantineRecord.class);

  private final Properties client;
  private final World world;
  private final DeliveryReferences references;
  private final long startNanos;
  private final long startWallMillis;

  InvariantChecker(
      Properties client,
      World world,
      DeliveryReferences references,
      long startNanos,
      long startWallMillis) {
    this.startNanos = startNanos;
    this.startWallMillis = startWallMillis;
    this.client = client;
    this.world = world;
    this.references = references;
  }

  /**
   * What the topology still owes: accepted events not yet decided plus bad inputs not yet
   * quarantined. The run waits for this to reach zero before checking; a task re-initialised after
   * a broker fault re-processes its input from the last commit, so a bad input sent late can reach
   * the quarantine after every accepted event is decided.
   */
  long unsettled(TrafficLog log) {
    return undecided(log) + unquarantined(log);
  }

  /** The number of bad inputs sent that the quarantine does not hold yet. */
  long unquarantined(TrafficLog log) {
    Set<String> quarantined = new HashSet<>();
    for (byte[] value : values(TopicCatalogue.QUARANTINE.name())) {
      try {
        quarantined.add(quarantineKey(QUARANTINE.decode(value)));
      } catch (EventDecodingException e) {
        // counted by check()
      }
    }
    return log.badInputs().stream()
        .filter(b -> !quarantined.contains(quarantineKey(b.topic(), b.value())))
        .count();
  }

  /** Identifies a quarantined record by the topic and the bytes of the bad input it holds. */
  private static String quarantineKey(QuarantineRecord q) {
    return quarantineKey(
        q.getTopic(), q.getOriginalValue() == null ? null : bytes(q.getOriginalValue()));
  }

  private static String quarantineKey(String topic, byte[] value) {
    return topic + "|" + Arrays.toString(value);
  }

  /** The number of the run's events decided so far (for progress and settling). */
  long undecided(TrafficLog log) {
    Set<String> decided = new HashSet<>();
    for (byte[] value : values(TopicCatalogue.AUDIT_DECISIONS.name())) {
      try {
        decided.add(DECISIONS.decode(value).getEventId());
      } catch (EventDecodingException e) {
        // counted by check()
      }
    }
    return log.sent().stream()
        .filter(s -> s.outcome() == TrafficLog.Outcome.ACCEPTED)
        .filter(s -> !decided.contains(s.eventId()))
        .count();
  }

  Result check(TrafficLog log) {
    List<String> violations = new ArrayList<>();
    long[] lost = {0};
    long[] duplicated = {0};
    long[] leaked = {0};
    Map<String, TrafficLog.Sent> sent = new HashMap<>();
    log.sent().forEach(s -> sent.put(s.eventId(), s));

    // Inputs: every accepted event reached its input topic.
    Set<String> onInput = new HashSet<>();
    for (String topic :
        List.of(TopicCatalogue.INGEST_MEMBER_DATA.name(), TopicCatalogue.INGEST_OFFERS.name())) {
      for (ConsumerRecord<byte[], byte[]> r : read(topic)) {
        Header id = r.headers().lastHeader("lattice-event-id");
        if (id != null) {
          onInput.add(new String(id.value(), StandardCharsets.UTF_8));
        }
      }
    }
    for (TrafficLog.Sent s : sent.values()) {
      if (s.outcome() == TrafficLog.Outcome.ACCEPTED && !onInput.contains(s.eventId())) {
        lost[0]++;
        violations.add(
            "lost: event " + s.eventId() + " was accepted but is not on its input topic");
      }
    }

    // Consent: every change answered 200/202 is on the consent command topic.
    Set<String> commands = new HashSet<>();
    for (byte[] value : values(TopicCatalogue.CONSENT_COMMANDS.name())) {
      try {
        commands.add(COMMANDS.decode(value).getCommandId());
      } catch (EventDecodingException e) {
        // not the run's
      }
    }
    for (TrafficLog.ConsentChange c : log.consentChanges()) {
      if (c.answered() && c.commandId() != null && !commands.contains(c.commandId())) {
        lost[0]++;
        violations.add(
            String.format(
                "lost: a %s of %s answered %d at t=%.2fs is not on %s (command %s)",
                c.grant() ? "grant" : "withdrawal",
                c.purpose(),
                c.status(),
                (c.endNanos() - startNanos) / 1e9,
                TopicCatalogue.CONSENT_COMMANDS.name(),
                c.commandId()));
      }
    }

    // Audit: decision ids unique; the run's decisions grouped by event.
    Map<String, DecisionRecord> byDecisionId = new HashMap<>();
    Map<String, List<DecisionRecord>> byEvent = new HashMap<>();
    int undecodable = 0;
    for (byte[] value : values(TopicCatalogue.AUDIT_DECISIONS.name())) {
      DecisionRecord d;
      try {
        d = DECISIONS.decode(value);
      } catch (EventDecodingException e) {
        undecodable++;
        continue;
      }
      if (byDecisionId.putIfAbsent(d.getDecisionId(), d) != null) {
        duplicated[0]++;
        violations.add(
            "duplicate decision id " + d.getDecisionId() + " (event " + d.getEventId() + ")");
      }
      if (sent.containsKey(d.getEventId())) {
        byEvent.computeIfAbsent(d.getEventId(), e -> new ArrayList<>()).add(d);
      }
    }
    if (undecodable > 0) {
      violations.add(undecodable + " audit record(s) do not decode as DecisionRecord");
    }
    int decisions = byEvent.values().stream().mapToInt(List::size).sum();

    // Member references, from the member data decisions (the traffic knows whose data it sent).
    Map<String, String> memberOfRef = new HashMap<>();
    for (List<DecisionRecord> ds : byEvent.values()) {
      for (DecisionRecord d : ds) {
        TrafficLog.Sent s = sent.get(d.getEventId());
        if (s.member() != null && d.getMemberId() != null) {
          String before = memberOfRef.putIfAbsent(d.getMemberId(), s.member());
          if (before != null && !before.equals(s.member())) {
            violations.add("member reference " + d.getMemberId() + " names two members");
          }
        }
      }
    }

    // Decided exactly once per candidate destination.
    String partner = "network:" + world.partner();
    String home = "network:" + world.network();
    for (TrafficLog.Sent s : sent.values()) {
      List<DecisionRecord> ds = byEvent.getOrDefault(s.eventId(), List.of());
      Map<String, Long> perCandidate =
          ds.stream()
              .collect(
                  Collectors.groupingBy(
                      d -> destination(d) + "|" + d.getMemberId(), Collectors.counting()));
      perCandidate.forEach(
          (candidate, n) -> {
            if (n > 1) {
              duplicated[0] += n - 1;
              violations.add(
                  "duplicated: event " + s.eventId() + " decided " + n + " times for " + candidate);
            }
          });
      boolean accepted = s.outcome() == TrafficLog.Outcome.ACCEPTED;
      if (s.member() != null) {
        Set<String> destinations =
            ds.stream().map(InvariantChecker::destination).collect(Collectors.toSet());
        if (!destinations.isEmpty() && !destinations.equals(Set.of(partner))) {
          violations.add(
              "event "
                  + s.eventId()
                  + " decided for "
                  + destinations
                  + ", expected only "
                  + partner);
        }
        if (accepted && !destinations.contains(partner)) {
          lost[0]++;
          violations.add("lost: member data " + s.eventId() + " accepted but never decided");
        }
      } else {
        Set<String> refs =
            ds.stream()
                .filter(d -> destination(d).equals(home))
                .map(DecisionRecord::getMemberId)
                .collect(Collectors.toSet());
        int expected = world.members().size();
        if ((accepted || !refs.isEmpty()) && refs.size() != expected) {
          lost[0] += Math.max(0, expected - refs.size());
          violations.add(
              "offer "
                  + s.eventId()
                  + " decided for "
                  + refs.size()
                  + " of "
                  + expected
                  + " members");
        }
      }
    }

    // Deliveries.
    Set<String> deliveryIds = new HashSet<>();
    Set<String> delivered = new HashSet<>(); // "<decision id>|<copy>"
    int deliveries = 0;
    for (byte[] value : values(TopicCatalogue.networkOutput(world.network()).name())) {
      deliveries++;
      OfferDelivery o;
      try {
        o = OFFER_DELIVERIES.decode(value);
      } catch (EventDecodingException e) {
        violations.add("a record on " + world.network() + "'s output is not an offer delivery");
        continue;
      }
      if (!deliveryIds.add(o.getDeliveryId())) {
        duplicated[0]++;
        violations.add("duplicate delivery id " + o.getDeliveryId());
      }
      DecisionRecord d = byDecisionId.get(o.getDecisionId());
      leaked[0] +=
          deliveredUnder(
              d,
              "offers",
              "offer " + o.getOfferId() + " to " + world.network(),
              sent,
              memberOfRef,
              log,
              violations);
      if (d != null) {
        delivered.add(d.getDecisionId() + "|network");
      }
    }
    Map<String, DecisionRecord> byBrandReference = new HashMap<>();
    byDecisionId.values().stream()
        .filter(d -> d.getAllow() && "offer".equals(d.getEventType()))
        .forEach(
            d ->
                byBrandReference.put(
                    references.brandDecisionReference(d.getDecisionId(), world.brand()), d));
    for (byte[] value : values(TopicCatalogue.brandOutput(world.brand()).name())) {
      OfferDelivery o;
      try {
        o = OFFER_DELIVERIES.decode(value);
      } catch (EventDecodingException e) {
        try {
          INSIGHTS.decode(value);
        } catch (EventDecodingException e2) {
          violations.add(
              "a record on " + world.brand() + "'s output is neither a delivery nor an insight");
        }
        continue;
      }
      deliveries++;
      if (!deliveryIds.add(o.getDeliveryId())) {
        duplicated[0]++;
        violations.add("duplicate delivery id " + o.getDeliveryId());
      }
      DecisionRecord d = byBrandReference.get(o.getDecisionId());
      leaked[0] +=
          deliveredUnder(
              d,
              "offers",
              "offer " + o.getOfferId() + " to brand " + world.brand(),
              sent,
              memberOfRef,
              log,
              violations);
      if (d != null) {
        delivered.add(d.getDecisionId() + "|brand");
      }
    }
    Map<String, String> originalEventId = new HashMap<>();
    for (TrafficLog.Sent s : sent.values()) {
      if (s.member() != null) {
        originalEventId.put(s.eventId(), s.eventId());
        originalEventId.put(
            references.eventIdAt("network", world.partner(), s.eventId()), s.eventId());
      }
    }
    Set<String> partnerEvents = new HashSet<>();
    for (byte[] value : values(TopicCatalogue.networkOutput(world.partner()).name())) {
      deliveries++;
      MemberDataEvent e;
      try {
        e = MEMBER_DATA.decode(value);
      } catch (EventDecodingException ex) {
        violations.add("a record on " + world.partner() + "'s output is not member data");
        continue;
      }
      String eventId = e.getHeader().getEventId();
      if (!partnerEvents.add(eventId)) {
        duplicated[0]++;
        violations.add("duplicate delivery of event " + eventId + " to " + world.partner());
      }
      String original = originalEventId.get(eventId);
      DecisionRecord d =
          original == null
              ? null
              : byEvent.getOrDefault(original, List.of()).stream()
                  .filter(x -> destination(x).equals(partner))
                  .findFirst()
                  .orElse(null);
      leaked[0] +=
          deliveredUnder(
              d,
              "sharing",
              "member data to " + world.partner(),
              sent,
              memberOfRef,
              log,
              violations);
      if (d != null) {
        delivered.add(d.getDecisionId() + "|network");
      }
    }
    // Every allow of the run delivered (offers: the network's copy and the brand's).
    for (List<DecisionRecord> ds : byEvent.values()) {
      for (DecisionRecord d : ds) {
        if (!d.getAllow()) {
          continue;
        }
        List<String> copies =
            "offer".equals(d.getEventType()) ? List.of("network", "brand") : List.of("network");
        for (String copy : copies) {
          if (!delivered.contains(d.getDecisionId() + "|" + copy)) {
            lost[0]++;
            violations.add(
                "lost: "
                    + d.getEventType()
                    + " "
                    + d.getEventId()
                    + " allowed for "
                    + destination(d)
                    + " but its "
                    + copy
                    + " copy was never delivered");
          }
        }
      }
    }

    // Quarantine: exactly the bad inputs.
    Set<String> bad = new HashSet<>();
    log.badInputs().forEach(b -> bad.add(quarantineKey(b.topic(), b.value())));
    Set<String> quarantined = new HashSet<>();
    for (byte[] value : values(TopicCatalogue.QUARANTINE.name())) {
      QuarantineRecord q;
      try {
        q = QUARANTINE.decode(value);
      } catch (EventDecodingException e) {
        violations.add("a quarantine record does not decode");
        continue;
      }
      String id = quarantineKey(q);
      if (!bad.contains(id)) {
        violations.add(
            "quarantined a record that was not a bad input ("
                + q.getTopic()
                + " offset "
                + q.getOffset()
                + ": "
                + q.getErrorMessage()
                + ")");
      } else if (!quarantined.add(id)) {
        duplicated[0]++;
        violations.add(
            "a bad input was quarantined twice ("
                + q.getTopic()
                + " offset "
                + q.getOffset()
                + ")");
      }
    }
    for (String b : bad) {
      if (!quarantined.contains(b)) {
        lost[0]++;
        violations.add(
            "lost: a bad input was not quarantined (" + b.substring(0, b.indexOf('|')) + ")");
      }
    }
    return new Result(
        List.copyOf(violations), lost[0], duplicated[0], leaked[0], decisions, deliveries);
  }

  /**
   * Checks a delivery against its decision: there is one, it allowed, and the member had not
   * withdrawn the purpose (answered) before the event was sent without a grant sent since. Returns
   * 1 when the delivery leaked, 0 otherwise.
   */
  private int deliveredUnder(
      DecisionRecord d,
      String purpose,
      String what,
      Map<String, TrafficLog.Sent> sent,
      Map<String, String> memberOfRef,
      TrafficLog log,
      List<String> violations) {
    if (d == null) {
      violations.add("leaked: " + what + " has no decision");
      return 1;
    }
    if (!d.getAllow()) {
      violations.add(
          "leaked: " + what + " delivered under a deny (decision " + d.getDecisionId() + ")");
      return 1;
    }
    TrafficLog.Sent event = sent.get(d.getEventId());
    String member = memberOfRef.get(d.getMemberId());
    if (event == null || member == null) {
      return 0; // not one of the run's events (earlier traffic on the same cluster)
    }
    for (TrafficLog.ConsentChange w : log.consentChanges()) {
      if (!w.member().equals(member)
          || !w.purpose().equals(purpose)
          || w.grant()
          || !w.answered()) {
        continue;
      }
      if (w.endNanos() >= event.startNanos()) {
        continue;
      }
      // A grant may have taken effect after the withdrawal when it was sent after it, or was
      // not settled (answered at its first attempt) before the withdrawal was sent. For member
      // data it counts when sent before the event was answered; an offer reaches the member's task
      // through the broadcast topic, so a grant sent before the offer was decided may be applied
      // first (docs/decision-contract.md: offers have guarantee 1 only). A withdrawal is never
      // overtaken either way.
      long until =
          "offer".equals(d.getEventType())
              ? startNanos + (d.getDecidedAt().toEpochMilli() - startWallMillis + 1) * 1_000_000
              : event.endNanos();
      boolean grantedSince =
          log.consentChanges().stream()
              .anyMatch(
                  g ->
                      g.member().equals(member)
                          && g.purpose().equals(purpose)
                          && g.grant()
                          && g.startNanos() < until
                          && (g.startNanos() > w.startNanos()
                              || !g.answered()
                              || g.endNanos() > w.startNanos()));
      if (!grantedSince) {
        violations.add(
            String.format(
                "leaked: %s (event %s) delivered after the member's withdrawal of %s was answered"
                    + " (withdrawal sent at t=%.2fs, answered %d at t=%.2fs; event sent at"
                    + " t=%.2fs; decided under consent version %d; changes of the purpose: %s)",
                what,
                d.getEventId(),
                purpose,
                (w.startNanos() - startNanos) / 1e9,
                w.status(),
                (w.endNanos() - startNanos) / 1e9,
                (event.startNanos() - startNanos) / 1e9,
                d.getConsentVersion(),
                history(log, member, purpose)));
        return 1;
      }
    }
    return 0;
  }

  private String history(TrafficLog log, String member, String purpose) {
    return log.consentChanges().stream()
        .filter(c -> c.member().equals(member) && c.purpose().equals(purpose))
        .map(
            c ->
                String.format(
                    "%s %.2f-%.2fs %d%s %s",
                    c.grant() ? "grant" : "withdraw",
                    (c.startNanos() - startNanos) / 1e9,
                    (c.endNanos() - startNanos) / 1e9,
                    c.status(),
                    c.answered() ? "" : " (retried or unanswered)",
                    c.commandId()))
        .collect(Collectors.joining(", "));
  }

  private static String destination(DecisionRecord d) {
    return d.getDestination().getKind() + ":" + d.getDestination().getId();
  }

  private static byte[] bytes(java.nio.ByteBuffer buffer) {
    java.nio.ByteBuffer b = buffer.duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  private List<byte[]> values(String topic) {
    return read(topic).stream().map(ConsumerRecord::value).toList();
  }

  /** The whole topic as committed now ({@code read_committed}, up to the end offsets). */
  List<ConsumerRecord<byte[], byte[]>> read(String topic) {
    Properties props = new Properties();
    props.putAll(client);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(60)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(60));
      // Generous: a busy 2-core CI machine reads slowly; the wait ends as soon as the end is read.
      long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topic + " to its end within 180 s");
        }
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }
}
