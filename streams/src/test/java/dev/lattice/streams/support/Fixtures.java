package dev.lattice.streams.support;

import dev.lattice.schemas.avro.Address;
import dev.lattice.schemas.avro.ConsentAction;
import dev.lattice.schemas.avro.ConsentCommand;
import dev.lattice.schemas.avro.ContentEvent;
import dev.lattice.schemas.avro.ContentPersonal;
import dev.lattice.schemas.avro.Creative;
import dev.lattice.schemas.avro.EventHeader;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.MemberPersonal;
import dev.lattice.schemas.avro.NetworkDocument;
import dev.lattice.schemas.avro.OfferEvent;
import dev.lattice.schemas.avro.PurchaseEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Test events. */
public final class Fixtures {
  public static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  /** The master key of the test topologies ({@code TopologySettings.withMasterKey}). */
  public static final dev.lattice.streams.MasterKey MASTER_KEY =
      dev.lattice.streams.MasterKey.generate();

  /** A member key record as the gateway publishes it: the key wrapped under {@link #MASTER_KEY}. */
  public static dev.lattice.schemas.avro.MemberKeyRecord keyRecord(
      String member, String keyId, dev.lattice.streams.MemberKey key) {
    return dev.lattice.schemas.avro.MemberKeyRecord.newBuilder()
        .setMemberId(member)
        .setKeyId(keyId)
        .setKeyset(java.nio.ByteBuffer.wrap(MASTER_KEY.wrap(key, member)))
        .setCreatedAt(T0)
        .build();
  }

  private Fixtures() {}

  public static NetworkDocument network(String id, String rulesJson) {
    return NetworkDocument.newBuilder()
        .setNetworkId(id)
        .setName(id)
        .setVersion(1)
        .setRulesJson(rulesJson)
        .setUpdatedAt(T0)
        .build();
  }

  public static EventHeader header(String eventId, String type, String network, String member) {
    return EventHeader.newBuilder()
        .setEventId(eventId)
        .setEventType(type)
        .setSourceNetwork(network)
        .setSubjectMember(member)
        .setOccurredAt(T0)
        .build();
  }

  public static MemberPersonal personal() {
    return MemberPersonal.newBuilder()
        .setDisplayName("Ann")
        .setEmail("ann@example.org")
        .setHome(
            Address.newBuilder()
                .setStreet("1 Snow Road")
                .setPostalCode("3920")
                .setCity("Zermatt")
                .setRegion("Valais")
                .setCountry("CH")
                .build())
        .setInterests(List.of("skiing"))
        .setExternalIds(Map.of("crm", "c-123"))
        .build();
  }

  public static MemberDataEvent memberData(
      String eventId, String network, String member, String purpose) {
    return MemberDataEvent.newBuilder()
        .setHeader(header(eventId, "member_data", network, member))
        .setPurpose(purpose)
        .setKind("profile")
        .setPersonal(personal())
        .build();
  }

  public static ContentEvent content(
      String eventId, String network, String member, String purpose, List<String> targets) {
    return ContentEvent.newBuilder()
        .setHeader(header(eventId, "content", network, member))
        .setPurpose(purpose)
        .setContentId("c-" + eventId)
        .setVisibility("cross_network")
        .setTargetNetworks(targets)
        .setPersonal(
            ContentPersonal.newBuilder()
                .setTitle("Powder day")
                .setBody("Fresh snow")
                .setPlace("Zermatt")
                .build())
        .build();
  }

  public static OfferEvent offer(
      String eventId, String brand, String sku, String category, List<String> targets) {
    return OfferEvent.newBuilder()
        .setHeader(header(eventId, "offer", "acme-hub", null))
        .setOfferId("o-" + eventId)
        .setBrand(brand)
        .setSku(sku)
        .setCategory(category)
        .setCreative(Creative.newBuilder().setHeadline("Skis -20%").build())
        .setTargetNetworks(targets)
        .setValidFrom(T0)
        .setValidUntil(T0.plusSeconds(86_400 * 30))
        .build();
  }

  public static PurchaseEvent purchase(
      String eventId, String network, String member, String brand, String sku) {
    return PurchaseEvent.newBuilder()
        .setHeader(header(eventId, "purchase", network, member))
        .setPurchaseId("p-" + eventId)
        .setBrand(brand)
        .setSku(sku)
        .setCategory("outdoor")
        .build();
  }

  public static ConsentCommand grant(
      String commandId, String member, String purpose, List<String> categories) {
    return ConsentCommand.newBuilder()
        .setCommandId(commandId)
        .setMemberId(member)
        .setAction(ConsentAction.GRANT)
        .setPurpose(purpose)
        .setCategories(categories)
        .setIssuedAt(T0)
        .build();
  }

  public static ConsentCommand withdraw(String commandId, String member, String purpose) {
    return ConsentCommand.newBuilder()
        .setCommandId(commandId)
        .setMemberId(member)
        .setAction(ConsentAction.WITHDRAW)
        .setPurpose(purpose)
        .setIssuedAt(T0)
        .build();
  }

  public static ConsentCommand erase(String commandId, String member) {
    return ConsentCommand.newBuilder()
        .setCommandId(commandId)
        .setMemberId(member)
        .setAction(ConsentAction.ERASE)
        .setIssuedAt(T0)
        .build();
  }
}
