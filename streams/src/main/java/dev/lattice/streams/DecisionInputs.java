package dev.lattice.streams;

import dev.lattice.policy.DecisionInput;
import dev.lattice.policy.DecisionInput.Destination;
import dev.lattice.schemas.avro.ConsentState;
import dev.lattice.schemas.avro.OfferEvent;
import dev.lattice.schemas.avro.PurposeGrant;
import dev.lattice.streams.internal.enforce.IngestEvent;
import dev.lattice.streams.internal.enforce.PersonalData;
import dev.lattice.streams.internal.obligations.ObligationsApplier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * The one builder of the decision input of docs/decision-contract.md ({@code {event, consent,
 * source_network, destination, context}}), from an ingest event, the member's {@link ConsentState}
 * and a {@link Context}. The topology, insights, policy replay and the benchmarks all build their
 * inputs here, so they cannot drift apart.
 *
 * <p>Stateless and thread-safe. The event and consent documents can be built once and reused for
 * several destinations ({@link #of}); documents are fresh mutable maps owned by the caller.
 */
public final class DecisionInputs {
  private DecisionInputs() {}

  /** A past purchase of the member, as the policy sees it in {@code context.purchases}. */
  public record Purchase(String sku, String brandId, Instant at) {}

  /**
   * The context of a decision: the time, the member's offer counters within the frequency window
   * and their purchases within the purchase memory.
   */
  public record Context(
      Instant now, long memberOffers, long memberBrandOffers, List<Purchase> purchases) {
    public Context {
      Objects.requireNonNull(now, "now");
      purchases = purchases == null ? List.of() : List.copyOf(purchases);
    }

    /** A context with no counters and no purchases (insights, or replays without history). */
    public static Context at(Instant now) {
      return new Context(now, 0, 0, List.of());
    }

    public Map<String, Object> toDocument() {
      Map<String, Object> ctx = new LinkedHashMap<>();
      ctx.put("now", now.toString());
      ctx.put("now_ns", now.getEpochSecond() * 1_000_000_000L + now.getNano());
      Map<String, Object> counters = new LinkedHashMap<>();
      counters.put("member_offers_24h", memberOffers);
      counters.put("member_brand_offers_24h", memberBrandOffers);
      ctx.put("counters", counters);
      List<Object> bought = new ArrayList<>(purchases.size());
      for (Purchase p : purchases) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sku", p.sku());
        m.put("brand_id", p.brandId());
        m.put("at", p.at().toString());
        bought.add(m);
      }
      ctx.put("purchases", bought);
      return ctx;
    }
  }

  /**
   * The {@code event} document of an ingest event (member data, content, purchase, offer).
   *
   * @param event the decoded event
   * @param personal its personal record in clear (unsealed), or null when there is none or it stays
   *     sealed: then {@code event.fields} is empty
   * @param memberId the member the decision is about (for an offer: the candidate member)
   * @throws IllegalArgumentException when {@code event} is not an ingest event
   */
  public static Map<String, Object> event(
      SpecificRecordBase event, SpecificRecordBase personal, String memberId) {
    IngestEvent e = IngestEvent.of(event);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("id", e.eventId());
    doc.put("type", e.type());
    doc.put("purpose", e.purpose());
    doc.put("source_network", e.sourceNetwork());
    doc.put("member_id", memberId);
    doc.put("occurred_at", e.header().getOccurredAt().toString());
    if (event instanceof OfferEvent o) {
      doc.put("brand_id", o.getBrand());
      doc.put("category", o.getCategory());
      doc.put("sku", o.getSku());
    }
    Map<String, Object> payload = new LinkedHashMap<>(e.publicFields());
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

  /**
   * The {@code consent} document: the member's purposes at {@code now}; expired grants are passed
   * as not granted. A member without consent state has version 0 and no purposes.
   */
  public static Map<String, Object> consent(String memberId, ConsentState state, Instant now) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("member_id", memberId);
    if (state == null) {
      doc.put("version", 0L);
      doc.put("receipt_id", null);
      doc.put("gpc", false);
      doc.put("purposes", Map.of());
      return doc;
    }
    doc.put("version", state.getVersion());
    doc.put("receipt_id", state.getReceiptId());
    doc.put("gpc", state.getGpc());
    Map<String, Object> purposes = new LinkedHashMap<>();
    for (Map.Entry<String, PurposeGrant> e : state.getPurposes().entrySet()) {
      PurposeGrant g = e.getValue();
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("granted", effective(g, now));
      p.put("categories", List.copyOf(g.getCategories()));
      p.put("recipients", List.copyOf(g.getRecipients()));
      p.put("networks", List.copyOf(g.getNetworks()));
      p.put("legal_basis", g.getLegalBasis());
      p.put("granted_at", g.getGrantedAt() == null ? null : g.getGrantedAt().toString());
      p.put("expires_at", g.getExpiresAt() == null ? null : g.getExpiresAt().toString());
      p.put("source", g.getSource());
      p.put("controller", g.getController());
      purposes.put(e.getKey(), p);
    }
    doc.put("purposes", purposes);
    return doc;
  }

  /** Whether a grant counts at {@code now}: granted and not expired. */
  public static boolean effective(PurposeGrant g, Instant now) {
    return g != null
        && g.getGranted()
        && (g.getExpiresAt() == null || g.getExpiresAt().isAfter(now));
  }

  /**
   * The {@code source_network} of the flow: the event's source network, except for an offer, which
   * flows into the member's network (the destination): that network is the source of the flow.
   */
  public static String sourceNetwork(SpecificRecordBase event, Destination destination) {
    return event instanceof OfferEvent ? destination.id() : IngestEvent.of(event).sourceNetwork();
  }

  /** The input from documents built once ({@link #event}, {@link #consent}) and a context. */
  public static DecisionInput of(
      Map<String, Object> event,
      Map<String, Object> consent,
      String sourceNetwork,
      Destination destination,
      Context context) {
    return new DecisionInput(event, consent, sourceNetwork, destination, context.toDocument());
  }

  /**
   * The input with the controllers of the flow: who controls the source network ({@code
   * input.source_network.controller}, since when, the previous controller) and the destination
   * ({@code destination.controller}, set on {@code destination}).
   */
  public static DecisionInput of(
      Map<String, Object> event,
      Map<String, Object> consent,
      String sourceNetwork,
      Destination destination,
      Context context,
      DecisionInput.SourceControl sourceControl) {
    return new DecisionInput(
        event, consent, sourceNetwork, destination, context.toDocument(), sourceControl);
  }

  /** The input of one event for one destination. */
  public static DecisionInput forEvent(
      SpecificRecordBase event,
      SpecificRecordBase personal,
      String memberId,
      ConsentState consent,
      String sourceNetwork,
      Destination destination,
      Context context) {
    return of(
        event(event, personal, memberId),
        consent(memberId, consent, context.now()),
        sourceNetwork,
        destination,
        context);
  }

  /**
   * The input of an insight release: an aggregate (no member) of {@code metric} in {@code category}
   * for {@code brand} from {@code network} over a closed window, with the cell's count in {@code
   * context.aggregate.count}.
   */
  public static DecisionInput insight(
      String eventId,
      String brand,
      String network,
      String category,
      String metric,
      Instant windowStart,
      Instant windowEnd,
      long count,
      Instant now) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("id", eventId);
    event.put("type", "insight");
    event.put("purpose", "analytics");
    event.put("source_network", network);
    event.put("member_id", null);
    event.put("occurred_at", windowEnd.toString());
    event.put("brand_id", brand);
    event.put("category", category);
    event.put(
        "payload",
        Map.of(
            "metric",
            metric,
            "window_start",
            windowStart.toString(),
            "window_end",
            windowEnd.toString()));
    event.put("fields", Map.of());
    return DecisionInput.builder()
        .event(event)
        .consent(DecisionInput.noConsent(null))
        .sourceNetwork(network)
        .toBrand(brand)
        .now(now)
        .aggregateCount(count)
        .build();
  }

  /**
   * The input asking whether one member may be counted in one cell of a brand's insights ({@code
   * type: insight_contribution}, purpose {@code analytics}, destination the brand): the member's
   * consent at {@code at} decides, under the default bundle's rules (docs/privacy.md).
   */
  public static DecisionInput insightContribution(
      String eventId,
      String memberId,
      ConsentState consent,
      String brand,
      String network,
      String category,
      String metric,
      Instant at) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("id", eventId);
    event.put("type", "insight_contribution");
    event.put("purpose", "analytics");
    event.put("source_network", network);
    event.put("member_id", memberId);
    event.put("occurred_at", at.toString());
    event.put("brand_id", brand);
    event.put("category", category);
    event.put("payload", Map.of("metric", metric));
    event.put("fields", Map.of());
    return DecisionInput.builder()
        .event(event)
        .consent(consent(memberId, consent, at))
        .sourceNetwork(network)
        .toBrand(brand)
        .now(at)
        .build();
  }
}
