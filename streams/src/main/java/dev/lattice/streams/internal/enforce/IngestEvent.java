package dev.lattice.streams.internal.enforce;

import dev.lattice.schemas.avro.ContentEvent;
import dev.lattice.schemas.avro.ContentPersonal;
import dev.lattice.schemas.avro.EventHeader;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.MemberPersonal;
import dev.lattice.schemas.avro.OfferEvent;
import dev.lattice.schemas.avro.PurchaseEvent;
import dev.lattice.schemas.avro.PurchasePersonal;
import dev.lattice.schemas.avro.SealedPersonal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * A uniform view of the ingest events that carry personal data (member data, content, purchases):
 * header, purpose, clear personal record or sealed one, and the event's own non-personal fields.
 */
public record IngestEvent(
    String type,
    EventHeader header,
    String purpose,
    SpecificRecordBase event,
    SpecificRecordBase personal,
    SealedPersonal sealed,
    Class<? extends SpecificRecordBase> personalType) {

  public static IngestEvent of(SpecificRecordBase event) {
    return switch (event) {
      case MemberDataEvent e ->
          new IngestEvent(
              "member_data",
              e.getHeader(),
              e.getPurpose(),
              e,
              e.getPersonal(),
              e.getSealed(),
              MemberPersonal.class);
      case ContentEvent e ->
          new IngestEvent(
              "content",
              e.getHeader(),
              e.getPurpose(),
              e,
              e.getPersonal(),
              e.getSealed(),
              ContentPersonal.class);
      case PurchaseEvent e ->
          new IngestEvent(
              "purchase",
              e.getHeader(),
              e.getPurpose(),
              e,
              e.getPersonal(),
              e.getSealed(),
              PurchasePersonal.class);
      case OfferEvent e -> new IngestEvent("offer", e.getHeader(), "offers", e, null, null, null);
      default ->
          throw new IllegalArgumentException(
              "not an ingest event: " + event.getSchema().getFullName());
    };
  }

  private static final Map<Class<?>, List<String>> CATEGORIES =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * The data categories of the flow, for the audit: the categories the schema gives the personal
   * record's fields (sorted), or for an offer its category.
   */
  public List<String> categories() {
    if (event instanceof OfferEvent o) {
      return o.getCategory() == null ? List.of() : List.of(o.getCategory());
    }
    return CATEGORIES.computeIfAbsent(
        personalType,
        t ->
            List.copyOf(
                new java.util.TreeSet<>(
                    dev.lattice.schemas.DataCategories.personalFields(
                            org.apache.avro.specific.SpecificData.get().getSchema(t))
                        .values()
                        .stream()
                        .filter(java.util.Objects::nonNull)
                        .toList())));
  }

  public String eventId() {
    return header.getEventId();
  }

  public String memberId() {
    return header.getSubjectMember();
  }

  public String sourceNetwork() {
    return header.getSourceNetwork();
  }

  /** The event's own non-personal fields, as they appear in {@code event.payload}. */
  public Map<String, Object> publicFields() {
    Map<String, Object> m = new LinkedHashMap<>();
    switch (event) {
      case MemberDataEvent e -> m.put("kind", e.getKind());
      case ContentEvent e -> {
        m.put("content_id", e.getContentId());
        m.put("visibility", e.getVisibility());
        m.put("target_networks", java.util.List.copyOf(e.getTargetNetworks()));
      }
      case PurchaseEvent e -> {
        m.put("purchase_id", e.getPurchaseId());
        m.put("brand", e.getBrand());
        m.put("sku", e.getSku());
        m.put("category", e.getCategory());
        m.put("offer_id", e.getOfferId());
      }
      case OfferEvent e -> {
        m.put("offer_id", e.getOfferId());
        m.put("brand", e.getBrand());
        m.put("sku", e.getSku());
        m.put("category", e.getCategory());
        m.put("creative", PersonalData.toDocument(e.getCreative()));
        m.put("target_networks", java.util.List.copyOf(e.getTargetNetworks()));
        m.put("valid_from", e.getValidFrom().toString());
        m.put("valid_until", e.getValidUntil().toString());
      }
      default -> {}
    }
    return m;
  }

  /** A copy of the event with the given personal record in clear and nothing sealed. */
  public SpecificRecordBase withPersonal(EventHeader newHeader, SpecificRecordBase newPersonal) {
    return switch (event) {
      case MemberDataEvent e ->
          MemberDataEvent.newBuilder(e)
              .setHeader(newHeader)
              .setPersonal((MemberPersonal) newPersonal)
              .setSealed(null)
              .build();
      case ContentEvent e ->
          ContentEvent.newBuilder(e)
              .setHeader(newHeader)
              .setPersonal((ContentPersonal) newPersonal)
              .setSealed(null)
              .build();
      case PurchaseEvent e ->
          PurchaseEvent.newBuilder(e)
              .setHeader(newHeader)
              .setPersonal((PurchasePersonal) newPersonal)
              .setSealed(null)
              .build();
      default -> throw new IllegalStateException("event type has no personal data: " + type);
    };
  }
}
