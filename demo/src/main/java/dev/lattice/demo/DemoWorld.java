package dev.lattice.demo;

import dev.lattice.schemas.avro.Address;
import dev.lattice.schemas.avro.ConsentAction;
import dev.lattice.schemas.avro.ConsentCommand;
import dev.lattice.schemas.avro.NetworkDocument;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * A believable small world for the demo and the benchmark: networks with their own characters,
 * rules and agreements; brands with products; members with homes, interests, memberships and
 * consents. Generated from a {@link WorldSpec}: the same spec always gives the same world (one
 * seeded {@link Random}, consumed in a fixed order). Immutable after generation; thread-safe.
 */
public final class DemoWorld {

  /** Purposes members grant in this world, in the order they are drawn. */
  public static final List<String> GRANTED_PURPOSES = List.of("offers", "marketing", "sharing");

  /** Granted too, drawn apart from the others (see {@code member}). */
  public static final String ANALYTICS = "analytics";

  /** How open a network is to the rest of the world. */
  public enum Character {
    /** Shares with partners and a few brands; accepts most offers; publishes insights. */
    OPEN,
    /**
     * Shares profiles and interests with partners and one brand; accepts offers from a short list.
     */
    SELECTIVE,
    /** Shares only content with partners, nothing with brands; one brand, strict caps. */
    STRICT,
    /** Takes in what partners share, gives nothing out. */
    SINK
  }

  /**
   * A network and its rules (a document valid against policy's {@code network-rules.schema.json}).
   */
  public record Network(String id, String name, Character character, Map<String, Object> rules) {
    public Network {
      rules = Map.copyOf(rules);
    }
  }

  public record Product(String sku, String name, String category, long priceMinor) {}

  public record Brand(String id, String name, String category, List<Product> products) {
    public Brand {
      products = List.copyOf(products);
    }
  }

  /** A member's standing grant of one purpose. Empty lists mean "any". */
  public record Grant(
      String purpose, List<String> categories, List<String> recipients, boolean gpc) {
    public Grant {
      categories = List.copyOf(categories);
      recipients = List.copyOf(recipients);
    }
  }

  /**
   * A member: belongs to one or two networks (the first is home), and holds the grants it made when
   * it joined.
   */
  public record Member(
      String id,
      String displayName,
      String email,
      int birthYear,
      Address home,
      List<String> interests,
      List<String> networks,
      Map<String, Grant> grants) {
    public Member {
      interests = List.copyOf(interests);
      networks = List.copyOf(networks);
      grants = Map.copyOf(grants);
    }

    public String homeNetwork() {
      return networks.get(0);
    }
  }

  private record Archetype(
      String id, String name, Character character, List<String> themes, List<String> brands) {}

  private static final List<Archetype> ARCHETYPES =
      List.of(
          new Archetype(
              "ski-club",
              "Alpine Ski Club",
              Character.OPEN,
              List.of("skiing", "hiking", "outdoor"),
              List.of("acme-outdoor")),
          new Archetype(
              "book-circle",
              "Riverside Book Circle",
              Character.SELECTIVE,
              List.of("books", "crime-novels", "poetry"),
              List.of("pageturner", "acme-outdoor")),
          new Archetype(
              "parents-group",
              "Elm Street Parents",
              Character.STRICT,
              List.of("kids", "school", "playgrounds"),
              List.of("little-steps")),
          new Archetype(
              "garden-guild",
              "Garden Guild",
              Character.SINK,
              List.of("gardening", "cooking", "compost"),
              List.of("green-thumb")),
          new Archetype(
              "running-crew",
              "Harbour Running Crew",
              Character.OPEN,
              List.of("running", "outdoor", "nutrition"),
              List.of("acme-outdoor", "fizzco")),
          new Archetype(
              "choir",
              "St. Cecilia Choir",
              Character.SELECTIVE,
              List.of("music", "singing", "travel"),
              List.of("pageturner")),
          new Archetype(
              "makers-space",
              "Makers Space",
              Character.OPEN,
              List.of("electronics", "woodwork", "3d-printing"),
              List.of("green-thumb", "acme-outdoor")),
          new Archetype(
              "chess-club",
              "Chess Club",
              Character.STRICT,
              List.of("chess", "puzzles", "books"),
              List.of("pageturner")));

  private static final List<Brand> BRANDS =
      List.of(
          new Brand(
              "acme-outdoor",
              "Acme Outdoor",
              "outdoor",
              List.of(
                  new Product("SKI-ALP-170", "All-mountain skis 170", "outdoor", 54_900),
                  new Product("JKT-SHELL-M", "Shell jacket", "outdoor", 23_900),
                  new Product("RUN-TRAIL-42", "Trail running shoes", "outdoor", 13_900))),
          new Brand(
              "pageturner",
              "Pageturner Books",
              "books",
              List.of(
                  new Product("BK-NOIR-BOX", "Nordic noir box set", "books", 4_900),
                  new Product("BK-POEMS-23", "Poems for the train", "books", 1_900),
                  new Product("BK-GARDEN", "The kitchen garden", "books", 2_900))),
          new Brand(
              "little-steps",
              "Little Steps",
              "kids",
              List.of(
                  new Product("KID-SCOOT", "Balance scooter", "kids", 8_900),
                  new Product("KID-HELMET", "Kids' helmet", "kids", 3_900))),
          new Brand(
              "green-thumb",
              "Green Thumb",
              "garden",
              List.of(
                  new Product("GRD-SEEDS", "Heirloom seed kit", "garden", 1_500),
                  new Product("GRD-PRUNER", "Bypass pruner", "garden", 3_400))),
          new Brand(
              "fizzco",
              "FizzCo",
              "alcohol",
              List.of(new Product("FZ-CIDER-6", "Craft cider six-pack", "alcohol", 1_200))),
          new Brand(
              "shady-bets",
              "Shady Bets",
              "gambling",
              List.of(new Product("SB-BONUS", "Welcome bonus", "gambling", 0))));

  private static final List<String> FIRST =
      List.of(
          "Anna", "Ben", "Chiara", "David", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas",
          "Kira", "Luca", "Mia", "Noah", "Olga", "Pavel", "Quinn", "Rosa", "Samir", "Tara", "Ulla",
          "Viktor", "Wen", "Yara", "Zoe");
  private static final List<String> LAST =
      List.of(
          "Berger",
          "Costa",
          "Dubois",
          "Eriksen",
          "Fischer",
          "Garcia",
          "Huber",
          "Ivanova",
          "Jensen",
          "Keller",
          "Laine",
          "Meier",
          "Novak",
          "Okafor",
          "Peeters",
          "Rossi",
          "Schmid",
          "Tanaka",
          "Weber",
          "Zimmermann");
  private static final List<String[]> PLACES =
      List.of(
          new String[] {"Zermatt", "Valais", "CH", "3920"},
          new String[] {"Sion", "Valais", "CH", "1950"},
          new String[] {"Bern", "Bern", "CH", "3011"},
          new String[] {"Thun", "Bern", "CH", "3600"},
          new String[] {"Lucerne", "Lucerne", "CH", "6003"},
          new String[] {"Innsbruck", "Tyrol", "AT", "6020"},
          new String[] {"Chamonix", "Haute-Savoie", "FR", "74400"},
          new String[] {"Annecy", "Haute-Savoie", "FR", "74000"});
  private static final List<String> STREETS =
      List.of(
          "Snow Road",
          "Lake Street",
          "Mill Lane",
          "Church Square",
          "Station Road",
          "Orchard Way",
          "Bridge Street",
          "Market Place");
  private static final List<String> CATEGORIES_OFFERED =
      List.of("profile", "interests", "location", "contact");

  private final WorldSpec spec;
  private final List<Network> networks;
  private final List<Brand> brands;
  private final List<Member> members;

  private DemoWorld(
      WorldSpec spec, List<Network> networks, List<Brand> brands, List<Member> members) {
    this.spec = spec;
    this.networks = List.copyOf(networks);
    this.brands = List.copyOf(brands);
    this.members = List.copyOf(members);
  }

  /** Generates the world of {@code spec}; deterministic. */
  public static DemoWorld generate(WorldSpec spec) {
    Random random = new Random(spec.seed());
    List<Archetype> archetypes = new ArrayList<>();
    for (int i = 0; i < spec.networks(); i++) {
      Archetype a = ARCHETYPES.get(i % ARCHETYPES.size());
      int copy = i / ARCHETYPES.size();
      archetypes.add(
          copy == 0
              ? a
              : new Archetype(
                  a.id() + "-" + (copy + 1),
                  a.name() + " " + (copy + 1),
                  a.character(),
                  a.themes(),
                  a.brands()));
    }
    List<Network> networks = new ArrayList<>();
    for (int i = 0; i < archetypes.size(); i++) {
      networks.add(network(archetypes, i));
    }
    List<Member> members = new ArrayList<>();
    int width = Math.max(5, String.valueOf(spec.members()).length());
    for (int i = 1; i <= spec.members(); i++) {
      members.add(member(random, spec, archetypes, String.format("m-%0" + width + "d", i)));
    }
    return new DemoWorld(spec, networks, BRANDS, members);
  }

  public WorldSpec spec() {
    return spec;
  }

  public List<Network> networks() {
    return networks;
  }

  public List<Brand> brands() {
    return brands;
  }

  /**
   * The organisation that owns the brand acme-outdoor (it built running-crew, it buys ski-club).
   */
  public static final String ACME_GROUP = "acme-group";

  /** The brand-built network of the demo: acme-outdoor's own running crew. */
  public static final String BRAND_BUILT = "running-crew";

  /** The network acme-group buys during the demo. */
  public static final String ACQUIRED = "ski-club";

  /**
   * Who controls a network at the start ({@code {organisation, brand?, privacy_contact}}): {@link
   * #BRAND_BUILT} is acme-outdoor's (organisation {@link #ACME_GROUP}); every other network is its
   * members' own association.
   */
  public static Map<String, Object> controller(Network n) {
    Map<String, Object> c = new LinkedHashMap<>();
    if (n.id().equals(BRAND_BUILT)) {
      c.put("organisation", ACME_GROUP);
      c.put("brand", "acme-outdoor");
      c.put("privacy_contact", "privacy@acme-outdoor.example");
    } else {
      c.put("organisation", n.id() + "-association");
      c.put("privacy_contact", "privacy@" + n.id() + ".example");
    }
    return c;
  }

  /** The controller acme-group takes over {@link #ACQUIRED} as. */
  public static Map<String, Object> acquirer() {
    return Map.of(
        "organisation",
        ACME_GROUP,
        "brand",
        "acme-outdoor",
        "privacy_contact",
        "privacy@acme-outdoor.example");
  }

  public List<Member> members() {
    return members;
  }

  public Brand brand(String id) {
    return brands.stream()
        .filter(b -> b.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no brand " + id + " in this world"));
  }

  public Network network(String id) {
    return networks.stream()
        .filter(n -> n.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no network " + id + " in this world"));
  }

  /** The members of one network (home or second membership), in id order. */
  public List<Member> membersOf(String networkId) {
    return members.stream().filter(m -> m.networks().contains(networkId)).toList();
  }

  /**
   * The network's rules as the JSON text the {@code lattice.networks} topic and the networks API
   * carry.
   */
  public static String rulesJson(Network network) {
    return JSON.writeValueAsString(network.rules());
  }

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The network as a {@code lattice.networks} record. */
  public static NetworkDocument document(Network network, Instant at) {
    return NetworkDocument.newBuilder()
        .setNetworkId(network.id())
        .setName(network.name())
        .setVersion(1)
        .setRulesJson(rulesJson(network))
        .setUpdatedAt(at)
        .setUpdatedBy("lattice-demo")
        .build();
  }

  /** The consent commands that give every member its initial grants, member by member. */
  public List<ConsentCommand> initialGrants(Instant at) {
    List<ConsentCommand> commands = new ArrayList<>();
    for (Member m : members) {
      List<String> purposes = new ArrayList<>(GRANTED_PURPOSES);
      purposes.add(ANALYTICS);
      for (String purpose : purposes) {
        Grant g = m.grants().get(purpose);
        if (g != null) {
          commands.add(grantCommand(m, g, "cmd-" + m.id() + "-" + purpose + "-0", at));
        }
      }
    }
    return commands;
  }

  public static ConsentCommand grantCommand(
      Member member, Grant grant, String commandId, Instant at) {
    return ConsentCommand.newBuilder()
        .setCommandId(commandId)
        .setMemberId(member.id())
        .setAction(ConsentAction.GRANT)
        .setPurpose(grant.purpose())
        .setCategories(grant.categories())
        .setRecipients(grant.recipients())
        .setLegalBasis("consent")
        .setSource("api")
        .setGpc(grant.gpc())
        .setSourceNetwork(member.homeNetwork())
        .setIssuedAt(at)
        .build();
  }

  public static ConsentCommand withdrawCommand(
      Member member, String purpose, String commandId, Instant at) {
    return ConsentCommand.newBuilder()
        .setCommandId(commandId)
        .setMemberId(member.id())
        .setAction(ConsentAction.WITHDRAW)
        .setPurpose(purpose)
        .setSource("api")
        .setSourceNetwork(member.homeNetwork())
        .setIssuedAt(at)
        .build();
  }

  // ------------------------------------------------------------------ networks

  /** Purposes a network of this character agrees to exchange with partners. */
  private static Set<String> agreedPurposes(Character c) {
    return switch (c) {
      case OPEN -> Set.of("marketing", "sharing", "research");
      case SELECTIVE -> Set.of("marketing", "sharing");
      case STRICT -> Set.of("sharing");
      case SINK -> Set.of("marketing", "sharing", "research");
    };
  }

  /**
   * Partners: the next and the one after in the ring of networks (so every network has two or
   * more).
   */
  private static List<Integer> partners(int size, int i) {
    Set<Integer> result = new LinkedHashSet<>();
    for (int d : new int[] {1, 2, -1, -2}) {
      int j = Math.floorMod(i + d, size);
      if (j != i) {
        result.add(j);
      }
    }
    return List.copyOf(result);
  }

  private static Network network(List<Archetype> all, int i) {
    Archetype a = all.get(i);
    Character c = a.character();
    List<Map<String, Object>> agreements = new ArrayList<>();
    List<String> partnerIds = new ArrayList<>();
    for (int j : partners(all.size(), i)) {
      Archetype b = all.get(j);
      Set<String> purposes = new java.util.TreeSet<>(agreedPurposes(c));
      purposes.retainAll(agreedPurposes(b.character()));
      if (purposes.isEmpty() || (c == Character.SINK && b.character() == Character.SINK)) {
        continue;
      }
      Map<String, Object> agreement = new LinkedHashMap<>();
      agreement.put("network", b.id());
      agreement.put("purposes", List.copyOf(purposes));
      agreement.put("content", c != Character.SINK || b.character() != Character.SINK);
      agreements.add(agreement);
      partnerIds.add(b.id());
    }
    Map<String, Object> rules = new LinkedHashMap<>();
    rules.put("id", a.id());
    rules.put("name", a.name());
    Map<String, Object> export = new LinkedHashMap<>();
    Map<String, Object> imports = new LinkedHashMap<>();
    Map<String, Object> offers = new LinkedHashMap<>();
    Map<String, Object> insights = new LinkedHashMap<>();
    switch (c) {
      case OPEN -> {
        export.put("networks", partnerIds);
        export.put("brands", a.brands());
        export.put("purposes", List.of("marketing", "sharing", "research"));
        export.put(
            "categories", List.of("profile", "interests", "location", "content", "activity"));
        export.put("content", true);
        export.put("location_precision", "city");
        imports.put("networks", partnerIds);
        imports.put("purposes", List.of("marketing", "sharing", "research"));
        imports.put("categories", List.of("*"));
        imports.put("content", true);
        offers.put("accept", true);
        offers.put("brands_deny", List.of("shady-bets"));
        offers.put("blocked_categories", List.of("gambling"));
        offers.put("frequency_cap", Map.of("per_member_24h", 3, "per_member_brand_24h", 1));
        offers.put("suppression_window_days", 30);
        insights.put("enabled", true);
        insights.put("k_anonymity", 10);
        insights.put("brands", a.brands());
      }
      case SELECTIVE -> {
        export.put("networks", partnerIds);
        export.put("brands", a.brands().subList(0, 1));
        export.put("purposes", List.of("marketing", "sharing"));
        export.put("categories", List.of("profile", "interests", "content"));
        export.put("content", true);
        export.put("location_precision", "region");
        imports.put("networks", partnerIds);
        imports.put("purposes", List.of("marketing", "sharing"));
        imports.put("categories", List.of("profile", "interests", "location", "content"));
        imports.put("content", true);
        imports.put("location_precision", "region");
        offers.put("accept", true);
        offers.put("brands_allow", a.brands());
        offers.put("blocked_categories", List.of("gambling", "alcohol"));
        offers.put("frequency_cap", Map.of("per_member_24h", 2, "per_member_brand_24h", 1));
        offers.put("suppression_window_days", 30);
        insights.put("enabled", true);
        insights.put("k_anonymity", 20);
        insights.put("brands", a.brands().subList(0, 1));
      }
      case STRICT -> {
        export.put("networks", partnerIds);
        export.put("brands", List.of());
        export.put("purposes", List.of("sharing"));
        export.put("categories", List.of("content"));
        export.put("content", true);
        export.put("location_precision", "country");
        imports.put("networks", partnerIds);
        imports.put("purposes", List.of("sharing"));
        imports.put("categories", List.of("content", "interests"));
        imports.put("content", true);
        imports.put("location_precision", "country");
        offers.put("accept", true);
        offers.put("brands_allow", a.brands());
        offers.put("blocked_categories", List.of("gambling", "alcohol"));
        offers.put("frequency_cap", Map.of("per_member_24h", 1, "per_member_brand_24h", 1));
        offers.put("suppression_window_days", 60);
        insights.put("enabled", false);
      }
      case SINK -> {
        export.put("networks", List.of());
        export.put("brands", List.of());
        export.put("purposes", List.of());
        export.put("categories", List.of());
        export.put("content", false);
        imports.put("networks", List.of("*"));
        imports.put("purposes", List.of("*"));
        imports.put("categories", List.of("*"));
        imports.put("content", true);
        imports.put("location_precision", "region");
        offers.put("accept", true);
        offers.put("brands_allow", a.brands());
        offers.put("blocked_categories", List.of("gambling"));
        offers.put("frequency_cap", Map.of("per_member_24h", 2, "per_member_brand_24h", 1));
        insights.put("enabled", false);
      }
    }
    rules.put("export", export);
    rules.put("import", imports);
    rules.put("agreements", agreements);
    rules.put("offers", offers);
    rules.put("insights", insights);
    return new Network(a.id(), a.name(), c, rules);
  }

  // ------------------------------------------------------------------ members

  private static Member member(Random random, WorldSpec spec, List<Archetype> networks, String id) {
    String first = pick(random, FIRST);
    String last = pick(random, LAST);
    int homeIndex = random.nextInt(networks.size());
    Archetype home = networks.get(homeIndex);
    List<String> memberships = new ArrayList<>(List.of(home.id()));
    if (random.nextDouble() < 0.2) {
      Archetype second =
          networks.get(
              Math.floorMod(homeIndex + 1 + random.nextInt(networks.size() - 1), networks.size()));
      memberships.add(second.id());
    }
    String[] place = pick(random, PLACES);
    Address address =
        Address.newBuilder()
            .setStreet((1 + random.nextInt(120)) + " " + pick(random, STREETS))
            .setPostalCode(place[3])
            .setCity(place[0])
            .setRegion(place[1])
            .setCountry(place[2])
            .build();
    List<String> interests = new ArrayList<>();
    for (String theme : home.themes()) {
      if (random.nextDouble() < 0.6) {
        interests.add(theme);
      }
    }
    Map<String, Grant> grants = new LinkedHashMap<>();
    boolean gpc = random.nextDouble() < 0.05;
    for (String purpose : GRANTED_PURPOSES) {
      if (random.nextDouble() >= spec.consentRatio()) {
        continue;
      }
      List<String> categories =
          switch (purpose) {
            case "marketing" -> {
              List<String> chosen = new ArrayList<>();
              for (String c : CATEGORIES_OFFERED) {
                if (random.nextDouble() < 0.7) {
                  chosen.add(c);
                }
              }
              yield chosen.isEmpty() ? List.of("profile") : chosen;
            }
            case "sharing" -> List.of("content", "profile", "interests");
            default -> List.of();
          };
      // Most grants name no recipient (any partner or brand the networks allow); some name exactly
      // one.
      List<String> recipients =
          random.nextDouble() < 0.75
              ? List.of()
              : List.of(
                  purpose.equals("offers")
                      ? pick(random, home.brands())
                      : pickPartnerOrBrand(random, networks, homeIndex));
      grants.put(purpose, new Grant(purpose, categories, recipients, gpc));
    }
    // Analytics (being counted in brands' differentially private insights), from a random of its
    // own so that adding it left the rest of the world as it was.
    if (new Random(spec.seed() * 31 + id.hashCode()).nextDouble() < spec.consentRatio()) {
      grants.put(ANALYTICS, new Grant(ANALYTICS, List.of(), List.of(), gpc));
    }
    return new Member(
        id,
        first + " " + last,
        (first + "." + last + "." + id.substring(2)).toLowerCase(java.util.Locale.ROOT)
            + "@example.org",
        1950 + random.nextInt(58),
        address,
        interests,
        memberships,
        grants);
  }

  private static String pickPartnerOrBrand(Random random, List<Archetype> networks, int homeIndex) {
    List<Integer> partners = partners(networks.size(), homeIndex);
    return networks.get(partners.get(random.nextInt(partners.size()))).id();
  }

  public static <T> T pick(Random random, List<T> list) {
    return list.get(random.nextInt(list.size()));
  }
}
