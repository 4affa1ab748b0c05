package dev.lattice.gateway.api.ingest;

import dev.lattice.gateway.api.Identifiers;
import dev.lattice.gateway.api.members.MemberTenancy;
import dev.lattice.gateway.events.EventPublisher;
import dev.lattice.gateway.events.MemberKeyring;
import dev.lattice.gateway.problem.FieldProblem;
import dev.lattice.gateway.problem.ForbiddenException;
import dev.lattice.gateway.problem.InvalidRequestException;
import dev.lattice.gateway.security.LatticePrincipal;
import dev.lattice.gateway.security.Role;
import dev.lattice.schemas.AvroCodec;
import dev.lattice.schemas.AvroJson;
import dev.lattice.schemas.PersonalRecords;
import dev.lattice.schemas.SchemaViolationException;
import dev.lattice.schemas.Vocabulary;
import dev.lattice.schemas.avro.ContentEvent;
import dev.lattice.schemas.avro.EventHeader;
import dev.lattice.schemas.avro.OfferEvent;
import dev.lattice.schemas.avro.SealedPersonal;
import dev.lattice.streams.PayloadCipher;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Validates ingested JSON against the event's Avro schema, checks that the caller acts for the
 * event's tenant, seals its personal part with the member's key, and writes it to the ingest topic.
 *
 * <p>Tenancy: a SERVICE caller ingests only events whose {@code header.source_network} is its
 * network; a BRAND caller only offers whose {@code brand} is its brand; ADMIN anything (which
 * endpoints each role reaches is the security configuration's). A violation is a 403 listing every
 * offending path, and nothing of the request is written. An accepted event with a subject member
 * makes that member a member of its source network ({@link MemberTenancy}). Idempotent by event id
 * within a bounded window of recently accepted ids (see {@code lattice.ingest.dedup-window}); the
 * topology deduplicates again downstream.
 */
public final class IngestService {

  private static final Logger LOGGER = LoggerFactory.getLogger(IngestService.class);

  /** One accepted event. */
  public record Accepted(String eventId, String topic, boolean duplicate) {}

  private record Validated(EventType type, SpecificRecordBase record, String eventId) {}

  private final EventPublisher publisher;
  private final MemberKeyring keyring;
  private final Set<String> recentIds;
  private final MemberTenancy tenancy;
  private final Predicate<String> knownNetwork;
  private final Predicate<String> knownBrand;

  /**
   * @param knownNetwork whether a network is registered (an offer's target networks must be)
   * @param knownBrand whether a brand is registered (an offer's brand must be)
   */
  public IngestService(
      EventPublisher publisher,
      MemberKeyring keyring,
      int dedupWindow,
      MemberTenancy tenancy,
      Predicate<String> knownNetwork,
      Predicate<String> knownBrand) {
    this.knownNetwork = knownNetwork;
    this.knownBrand = knownBrand;
    this.publisher = publisher;
    this.keyring = keyring;
    this.tenancy = tenancy;
    this.recentIds =
        Collections.synchronizedSet(
            Collections.newSetFromMap(
                new LinkedHashMap<>(16, 0.75f, false) {
                  @Override
                  protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > dedupWindow;
                  }
                }));
  }

  /** Validates and writes one event on behalf of {@code caller}. */
  public Accepted ingest(EventType type, JsonNode json, LatticePrincipal caller) {
    List<FieldProblem> errors = new ArrayList<>();
    Validated event = validate(type, json, "$", errors);
    if (!errors.isEmpty()) {
      throw new InvalidRequestException(
          "The " + type.path() + " event has " + errors.size() + " error(s)", errors);
    }
    requireTenant(List.of(event), caller, "$");
    requireKnownReferences(List.of(event), "$");
    return write(event);
  }

  /**
   * Validates every event of the batch first; writes none of them unless all are valid, then writes
   * them in order.
   */
  public List<Accepted> ingestBatch(EventType type, JsonNode array, LatticePrincipal caller) {
    if (array == null || !array.isArray()) {
      throw new InvalidRequestException(
          "A batch is a JSON array of events",
          List.of(new FieldProblem("$", "expected an array of " + type.path() + " events")));
    }
    if (array.isEmpty()) {
      throw new InvalidRequestException(
          "The batch is empty", List.of(new FieldProblem("$", "expected at least one event")));
    }
    List<FieldProblem> errors = new ArrayList<>();
    List<Validated> events = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      events.add(validate(type, array.get(i), "$[" + i + "]", errors));
    }
    if (!errors.isEmpty()) {
      throw new InvalidRequestException(
          "The batch has " + errors.size() + " error(s); no event of it was accepted", errors);
    }
    requireTenant(events, caller, null);
    requireKnownReferences(events, null);
    return events.stream().map(this::write).toList();
  }

  /**
   * Refuses (400) events naming networks or brands that are not registered: a member event from an
   * unknown source network (the topology could only quarantine it), a post shared with an unknown
   * network (it could only be denied), an offer of an unknown brand or to an unknown target
   * network. Checked after the tenant check, so that a key learns nothing about other tenants' ids
   * from it beyond what it may already see.
   *
   * @param single the path of a single event ({@code $}), or null for a batch ({@code $[i]})
   */
  private void requireKnownReferences(List<Validated> events, String single) {
    List<FieldProblem> errors = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      String at = single != null ? single : "$[" + i + "]";
      String source = ((EventHeader) events.get(i).record().get("header")).getSourceNetwork();
      if (!knownNetwork.test(source)) {
        errors.add(
            new FieldProblem(
                at + ".header.source_network",
                "network '" + source + "' is not registered (POST /api/v1/networks)"));
      }
      switch (events.get(i).record()) {
        case ContentEvent content -> requireKnownNetworks(at, content.getTargetNetworks(), errors);
        case OfferEvent offer -> {
          if (!knownBrand.test(offer.getBrand())) {
            errors.add(
                new FieldProblem(
                    at + ".brand",
                    "brand '" + offer.getBrand() + "' is not registered (POST /api/v1/brands)"));
          }
          requireKnownNetworks(at, offer.getTargetNetworks(), errors);
        }
        default -> {}
      }
    }
    if (!errors.isEmpty()) {
      throw new InvalidRequestException(
          errors.size() + " reference(s) to unregistered networks or brands; nothing was accepted",
          errors);
    }
  }

  /** Adds a problem at {@code <at>.target_networks[t]} for each target network not registered. */
  private void requireKnownNetworks(String at, List<String> targets, List<FieldProblem> errors) {
    for (int t = 0; t < targets.size(); t++) {
      if (!knownNetwork.test(targets.get(t))) {
        errors.add(
            new FieldProblem(
                at + ".target_networks[" + t + "]",
                "network '" + targets.get(t) + "' is not registered"));
      }
    }
  }

  /**
   * Refuses (403) events the caller does not act for, listing every one.
   *
   * @param single the path of a single event ({@code $}), or null for a batch ({@code $[i]})
   */
  private static void requireTenant(
      List<Validated> events, LatticePrincipal caller, String single) {
    if (caller.has(Role.ADMIN)) {
      return;
    }
    List<FieldProblem> errors = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      Validated event = events.get(i);
      String at = single != null ? single : "$[" + i + "]";
      if (event.type() == EventType.OFFERS) {
        String brand = String.valueOf(event.record().get("brand"));
        if (!caller.has(Role.BRAND) || !brand.equals(caller.brand())) {
          errors.add(
              new FieldProblem(
                  at + ".brand",
                  "is '"
                      + brand
                      + "'; "
                      + (caller.has(Role.BRAND)
                          ? "this key publishes the offers of brand '" + caller.brand() + "' only"
                          : "offers are published by their brand's key")));
        }
      } else {
        String network = ((EventHeader) event.record().get("header")).getSourceNetwork();
        if (!caller.has(Role.SERVICE) || !network.equals(caller.network())) {
          errors.add(
              new FieldProblem(
                  at + ".header.source_network",
                  "is '"
                      + network
                      + "'; "
                      + (caller.has(Role.SERVICE)
                          ? "this key ingests the events of network '" + caller.network() + "' only"
                          : "events are ingested by their network's SERVICE key")));
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new ForbiddenException(
          errors.size() + " event(s) name a tenant this key does not act for; nothing was accepted",
          errors);
    }
  }

  private Validated validate(EventType type, JsonNode json, String at, List<FieldProblem> errors) {
    SpecificRecordBase record;
    try {
      record = AvroJson.fromJson(json, type.avroType());
    } catch (SchemaViolationException e) {
      e.errors().forEach(f -> errors.add(new FieldProblem(join(at, f.path()), f.message())));
      return null;
    }
    EventHeader header = (EventHeader) record.get("header");
    int before = errors.size();
    if (!type.headerType().equals(header.getEventType())) {
      errors.add(
          new FieldProblem(
              at + ".header.event_type", "must be '" + type.headerType() + "' on this endpoint"));
    }
    FieldProblem eventId =
        Identifiers.problem(header.getEventId(), at + ".header.event_id", "event id");
    if (eventId != null) {
      errors.add(eventId);
    }
    Schema.Field sealed = record.getSchema().getField("sealed");
    if (sealed != null && record.get(sealed.pos()) != null) {
      errors.add(
          new FieldProblem(
              at + ".sealed", "is set by the gateway; send the personal part in 'personal'"));
    }
    // The topology quarantines a member event without a subject member (it is keyed by it) or with
    // a control character in it; refuse those here, at the field, rather than answer 202.
    if (type != EventType.OFFERS) {
      String member = header.getSubjectMember();
      if (member == null || member.isBlank()) {
        errors.add(
            new FieldProblem(
                at + ".header.subject_member", "is required for " + type.headerType() + " events"));
      } else {
        FieldProblem invalid =
            Identifiers.problem(member, at + ".header.subject_member", "member id");
        if (invalid != null) {
          errors.add(invalid);
        }
      }
    } else if (header.getSubjectMember() != null && !header.getSubjectMember().isBlank()) {
      FieldProblem invalid =
          Identifiers.problem(
              header.getSubjectMember(), at + ".header.subject_member", "member id");
      if (invalid != null) {
        errors.add(invalid);
      }
    }
    // The purpose is what consent is checked against: a word outside the vocabulary could never be
    // granted, so the event would only ever be denied; say so now, at its field.
    Schema.Field purpose = record.getSchema().getField("purpose");
    if (purpose != null
        && record.get(purpose.pos()) instanceof CharSequence word
        && !Vocabulary.isPurpose(word.toString())) {
      errors.add(
          new FieldProblem(
              at + ".purpose", "must be one of " + String.join(", ", Vocabulary.PURPOSES)));
    }
    // What the topology would quarantine an offer for: no target network, an empty validity window.
    if (record instanceof OfferEvent offer) {
      if (offer.getTargetNetworks().isEmpty()) {
        errors.add(
            new FieldProblem(at + ".target_networks", "must name at least one target network"));
      }
      if (!offer.getValidUntil().isAfter(offer.getValidFrom())) {
        errors.add(new FieldProblem(at + ".valid_until", "must be after valid_from"));
      }
    }
    Schema.Field personal = record.getSchema().getField("personal");
    if (type == EventType.OFFERS
        && personal != null
        && record.get(personal.pos()) != null
        && (header.getSubjectMember() == null || header.getSubjectMember().isBlank())) {
      errors.add(
          new FieldProblem(
              at + ".header.subject_member", "is required when the event carries personal data"));
    }
    return errors.size() == before ? new Validated(type, record, header.getEventId()) : null;
  }

  /**
   * Joins a JSON path prefix ({@code $} or {@code $[3]}) and a field path ({@code $.a.b}, {@code
   * a.b}).
   */
  static String join(String at, String path) {
    String relative = path.startsWith("$") ? path.substring(1) : path;
    if (relative.isEmpty() || relative.startsWith(".") || relative.startsWith("[")) {
      return at + relative;
    }
    return at + "." + relative;
  }

  private Accepted write(Validated event) {
    String topic = event.type().topic().name();
    if (!recentIds.add(event.type().name() + "/" + event.eventId())) {
      return new Accepted(event.eventId(), topic, true);
    }
    try {
      SpecificRecordBase record = event.record();
      EventHeader header = (EventHeader) record.get("header");
      seal(record, header);
      byte[] bytes = encode(record);
      String key = header.getSubjectMember() != null ? header.getSubjectMember() : event.eventId();
      publisher.publish(topic, key, bytes, Map.of("lattice-event-id", event.eventId()));
      if (header.getSubjectMember() != null && !header.getSubjectMember().isBlank()) {
        tenancy.joined(header.getSubjectMember(), header.getSourceNetwork());
      }
      LOGGER.debug("Accepted eventId={} topic={}", event.eventId(), topic);
      return new Accepted(event.eventId(), topic, false);
    } catch (RuntimeException e) {
      recentIds.remove(event.type().name() + "/" + event.eventId());
      throw e;
    }
  }

  private void seal(SpecificRecordBase record, EventHeader header) {
    Schema.Field personalField = record.getSchema().getField("personal");
    if (personalField == null || record.get(personalField.pos()) == null) {
      return;
    }
    String memberId = header.getSubjectMember();
    MemberKeyring.Keyed key = keyring.keyFor(memberId);
    byte[] plaintext = PersonalRecords.encode((SpecificRecord) record.get(personalField.pos()));
    byte[] ciphertext = PayloadCipher.seal(key.key(), memberId, plaintext);
    record.put(
        record.getSchema().getField("sealed").pos(),
        SealedPersonal.newBuilder()
            .setKeyId(key.keyId())
            .setCiphertext(ByteBuffer.wrap(ciphertext))
            .build());
    record.put(personalField.pos(), null);
  }

  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecordBase> byte[] encode(SpecificRecordBase record) {
    AvroCodec<T> codec = AvroCodec.of((Class<T>) record.getClass());
    return codec.encode((T) record);
  }
}
