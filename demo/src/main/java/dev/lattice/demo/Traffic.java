package dev.lattice.demo;

import dev.lattice.demo.DemoWorld.Brand;
import dev.lattice.demo.DemoWorld.Grant;
import dev.lattice.demo.DemoWorld.Member;
import dev.lattice.demo.DemoWorld.Product;
import dev.lattice.schemas.avro.ConsentCommand;
import dev.lattice.schemas.avro.ContentEvent;
import dev.lattice.schemas.avro.ContentPersonal;
import dev.lattice.schemas.avro.Creative;
import dev.lattice.schemas.avro.EventHeader;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.MemberPersonal;
import dev.lattice.schemas.avro.OfferEvent;
import dev.lattice.schemas.avro.PurchaseEvent;
import dev.lattice.schemas.avro.PurchasePersonal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Synthetic traffic in a {@link DemoWorld}: member profile and activity updates, posts shared
 * across networks, purchases, brand offers and consent changes (grants and withdrawals), drawn with
 * the weights of a {@link Mix}. Deterministic for a given world, seed, run id and clock. Keeps
 * track of each member's current grants so that a withdrawal always withdraws something. Not
 * thread-safe: one generator per producing thread.
 */
public final class Traffic {

  /** What one generated record is and where it goes. */
  public enum Kind {
    MEMBER_DATA("lattice.ingest.member-data", "member-data"),
    CONTENT("lattice.ingest.content", "content"),
    PURCHASE("lattice.ingest.purchases", "purchases"),
    OFFER("lattice.ingest.offers", "offers"),
    CONSENT("lattice.consent.commands", null);

    private final String topic;
    private final String apiType;

    Kind(String topic, String apiType) {
      this.topic = topic;
      this.apiType = apiType;
    }

    /** The ingest topic. */
    public String topic() {
      return topic;
    }

    /** The {@code {type}} of {@code POST /api/v1/events/{type}}; null for consent commands. */
    public String apiType() {
      return apiType;
    }

    /**
     * True for the four ingest event kinds (what both the enforcing and the baseline topology
     * read).
     */
    public boolean isIngest() {
      return this != CONSENT;
    }
  }

  /**
   * One generated record: its kind, Kafka key (member id, or offer id for offers) and Avro value.
   */
  public record Item(Kind kind, String key, String eventId, SpecificRecordBase value) {}

  /** Relative weights of each kind; at least one must be positive. */
  public record Mix(int memberData, int content, int purchase, int offer, int consent) {
    public Mix {
      for (int w : new int[] {memberData, content, purchase, offer, consent}) {
        if (w < 0) {
          throw new IllegalArgumentException("mix weights must not be negative");
        }
      }
      if (memberData + content + purchase + offer + consent == 0) {
        throw new IllegalArgumentException("at least one mix weight must be positive");
      }
    }

    /**
     * The demo's everyday life: mostly profile and activity updates, some posts and purchases, a
     * few offers.
     */
    public static Mix everyday() {
      return new Mix(60, 15, 10, 5, 10);
    }

    int total() {
      return memberData + content + purchase + offer + consent;
    }
  }

  private static final List<String> ACTIVITIES =
      List.of("joined_event", "posted", "logged_in", "commented", "rsvp_yes", "uploaded_photo");
  private static final List<String> MEMBER_DATA_PURPOSES =
      List.of("marketing", "marketing", "marketing", "sharing", "research", "analytics");
  private static final List<String> TITLES =
      List.of(
          "Powder day",
          "Sunday meet-up",
          "Book of the month",
          "Swap shop",
          "Trail report",
          "Harvest notes",
          "Rehearsal moved",
          "Lost and found");

  private final DemoWorld world;
  private final Random random;
  private final String runId;
  private final Supplier<Instant> clock;
  private final Mix mix;
  private final Map<String, Map<String, Grant>> grants = new HashMap<>();
  private long sequence;

  /**
   * @param runId makes event ids unique across runs on the same cluster (ingest is idempotent by
   *     event id)
   * @param clock the time stamped on each event
   */
  public Traffic(DemoWorld world, long seed, String runId, Mix mix, Supplier<Instant> clock) {
    this.world = world;
    this.random = new Random(seed);
    this.runId = runId;
    this.clock = clock;
    this.mix = mix;
    for (Member m : world.members()) {
      grants.put(m.id(), new HashMap<>(m.grants()));
    }
  }

  /** The next record. */
  public Item next() {
    int draw = random.nextInt(mix.total());
    Instant now = clock.get();
    String eventId = "evt-" + runId + "-" + (++sequence);
    if ((draw -= mix.memberData()) < 0) {
      return memberData(eventId, now);
    }
    if ((draw -= mix.content()) < 0) {
      return content(eventId, now);
    }
    if ((draw -= mix.purchase()) < 0) {
      return purchase(eventId, now);
    }
    if ((draw -= mix.offer()) < 0) {
      return offer(eventId, now);
    }
    return consentChange(eventId, now);
  }

  /**
   * Whether the member currently grants the purpose, as far as this generator's own commands go.
   */
  public boolean grants(String memberId, String purpose) {
    return grants.getOrDefault(memberId, Map.of()).containsKey(purpose);
  }

  private Member anyMember() {
    return DemoWorld.pick(random, world.members());
  }

  private static EventHeader header(
      String eventId, String type, String network, String member, Instant at) {
    return EventHeader.newBuilder()
        .setEventId(eventId)
        .setEventType(type)
        .setSourceNetwork(network)
        .setSubjectMember(member)
        .setOccurredAt(at)
        .build();
  }

  private Item memberData(String eventId, Instant now) {
    Member m = anyMember();
    String network = DemoWorld.pick(random, m.networks());
    boolean profile = random.nextInt(4) == 0;
    MemberPersonal.Builder personal =
        MemberPersonal.newBuilder().setDisplayName(m.displayName()).setInterests(m.interests());
    if (profile) {
      personal
          .setBirthYear(m.birthYear())
          .setEmail(m.email())
          .setHome(m.home())
          .setExternalIds(Map.of("crm", "crm-" + m.id().substring(2)));
    } else {
      personal
          .setActivityKind(DemoWorld.pick(random, ACTIVITIES))
          .setActivityDetail("in " + world.network(network).name())
          .setLastActiveAt(now);
    }
    MemberDataEvent event =
        MemberDataEvent.newBuilder()
            .setHeader(header(eventId, "member_data", network, m.id(), now))
            .setPurpose(DemoWorld.pick(random, MEMBER_DATA_PURPOSES))
            .setKind(profile ? "profile" : "activity")
            .setPersonal(personal.build())
            .build();
    return new Item(Kind.MEMBER_DATA, m.id(), eventId, event);
  }

  private Item content(String eventId, Instant now) {
    Member m = anyMember();
    String network = m.homeNetwork();
    List<String> targets = new ArrayList<>();
    for (String partner : partnersOf(network)) {
      if (random.nextBoolean()) {
        targets.add(partner);
      }
    }
    if (targets.isEmpty()) {
      targets.add(DemoWorld.pick(random, partnersOf(network)));
    }
    ContentEvent event =
        ContentEvent.newBuilder()
            .setHeader(header(eventId, "content", network, m.id(), now))
            .setPurpose("sharing")
            .setContentId("post-" + eventId.substring(4))
            .setVisibility("cross_network")
            .setTargetNetworks(targets)
            .setPersonal(
                ContentPersonal.newBuilder()
                    .setAuthorDisplayName(m.displayName())
                    .setTitle(DemoWorld.pick(random, TITLES))
                    .setBody("Posted by a member of " + world.network(network).name())
                    .setTags(m.interests())
                    .setPlace(m.home().getCity())
                    .build())
            .build();
    return new Item(Kind.CONTENT, m.id(), eventId, event);
  }

  @SuppressWarnings("unchecked")
  private List<String> partnersOf(String network) {
    List<Map<String, Object>> agreements =
        (List<Map<String, Object>>) world.network(network).rules().get("agreements");
    List<String> partners = agreements.stream().map(a -> (String) a.get("network")).toList();
    return partners.isEmpty()
        ? world.networks().stream()
            .map(DemoWorld.Network::id)
            .filter(id -> !id.equals(network))
            .toList()
        : partners;
  }

  private Item purchase(String eventId, Instant now) {
    Member m = anyMember();
    Brand brand = DemoWorld.pick(random, world.brands().subList(0, 4));
    Product product = DemoWorld.pick(random, brand.products());
    PurchaseEvent event =
        PurchaseEvent.newBuilder()
            .setHeader(header(eventId, "purchase", m.homeNetwork(), m.id(), now))
            .setPurpose("offers")
            .setPurchaseId("pur-" + eventId.substring(4))
            .setBrand(brand.id())
            .setSku(product.sku())
            .setCategory(product.category())
            .setPersonal(
                PurchasePersonal.newBuilder()
                    .setQuantity(1)
                    .setAmountMinor(product.priceMinor())
                    .setCurrency("CHF")
                    .setDelivery(m.home())
                    .build())
            .build();
    return new Item(Kind.PURCHASE, m.id(), eventId, event);
  }

  private Item offer(String eventId, Instant now) {
    Brand brand = DemoWorld.pick(random, world.brands());
    Product product = DemoWorld.pick(random, brand.products());
    // Brands mostly target networks that welcome them, and now and then one that does not.
    List<String> targets = new ArrayList<>();
    for (DemoWorld.Network n : world.networks()) {
      if (random.nextDouble() < (welcomes(n, brand.id()) ? 0.6 : 0.1)) {
        targets.add(n.id());
      }
    }
    if (targets.isEmpty()) {
      targets.add(DemoWorld.pick(random, world.networks()).id());
    }
    // An offer is posted into its first target network: that is its source (a brand is not a
    // network).
    OfferEvent event =
        OfferEvent.newBuilder()
            .setHeader(header(eventId, "offer", targets.get(0), null, now))
            .setOfferId("offer-" + eventId.substring(4))
            .setBrand(brand.id())
            .setSku(product.sku())
            .setCategory(product.category())
            .setCreative(
                Creative.newBuilder()
                    .setHeadline(product.name() + ": 15% off for members")
                    .setBody("Only this week, from " + brand.name() + ".")
                    .setLinkUrl("https://example.org/" + brand.id() + "/" + product.sku())
                    .build())
            .setTargetNetworks(targets)
            .setValidFrom(now)
            .setValidUntil(now.plus(Duration.ofDays(7)))
            .build();
    return new Item(Kind.OFFER, event.getOfferId(), eventId, event);
  }

  @SuppressWarnings("unchecked")
  private static boolean welcomes(DemoWorld.Network network, String brand) {
    Map<String, Object> offers =
        (Map<String, Object>) network.rules().getOrDefault("offers", Map.of());
    List<String> allow = (List<String>) offers.getOrDefault("brands_allow", List.of());
    List<String> deny = (List<String>) offers.getOrDefault("brands_deny", List.of());
    return Boolean.TRUE.equals(offers.get("accept"))
        && !deny.contains(brand)
        && (allow.isEmpty() || allow.contains(brand));
  }

  private Item consentChange(String eventId, Instant now) {
    Member m = anyMember();
    String purpose = DemoWorld.pick(random, DemoWorld.GRANTED_PURPOSES);
    Map<String, Grant> current = grants.get(m.id());
    String commandId = "cmd-" + eventId.substring(4);
    ConsentCommand command;
    if (current.containsKey(purpose)) {
      current.remove(purpose);
      command = DemoWorld.withdrawCommand(m, purpose, commandId, now);
    } else {
      Grant grant =
          m.grants()
              .getOrDefault(
                  purpose,
                  new Grant(
                      purpose,
                      purpose.equals("marketing")
                          ? List.of("profile", "interests")
                          : purpose.equals("sharing") ? List.of("content", "profile") : List.of(),
                      List.of(),
                      false));
      current.put(purpose, grant);
      command = DemoWorld.grantCommand(m, grant, commandId, now);
    }
    return new Item(Kind.CONSENT, m.id(), commandId, command);
  }
}
