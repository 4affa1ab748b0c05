package dev.lattice.gateway.api.ingest;

import dev.lattice.schemas.TopicCatalogue;
import dev.lattice.schemas.TopicCatalogue.TopicSpec;
import dev.lattice.schemas.avro.ContentEvent;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.OfferEvent;
import dev.lattice.schemas.avro.PurchaseEvent;
import java.util.Arrays;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecordBase;

/** The event types the ingest API accepts: path segment, Avro type, header event type, topic. */
public enum EventType {
  MEMBER_DATA(
      "member-data", "member_data", MemberDataEvent.class, TopicCatalogue.INGEST_MEMBER_DATA),
  CONTENT("content", "content", ContentEvent.class, TopicCatalogue.INGEST_CONTENT),
  OFFERS("offers", "offer", OfferEvent.class, TopicCatalogue.INGEST_OFFERS),
  PURCHASES("purchases", "purchase", PurchaseEvent.class, TopicCatalogue.INGEST_PURCHASES);

  private final String path;
  private final String headerType;
  private final Class<? extends SpecificRecordBase> avroType;
  private final TopicSpec topic;

  EventType(
      String path,
      String headerType,
      Class<? extends SpecificRecordBase> avroType,
      TopicSpec topic) {
    this.path = path;
    this.headerType = headerType;
    this.avroType = avroType;
    this.topic = topic;
  }

  public String path() {
    return path;
  }

  /** The value {@code header.event_type} must have. */
  public String headerType() {
    return headerType;
  }

  public Class<? extends SpecificRecordBase> avroType() {
    return avroType;
  }

  public TopicSpec topic() {
    return topic;
  }

  public static Optional<EventType> fromPath(String path) {
    return Arrays.stream(values()).filter(t -> t.path.equals(path)).findFirst();
  }
}
