package dev.lattice.cli;

import dev.lattice.demo.DecisionFeed;
import dev.lattice.demo.DemoWorld;
import dev.lattice.demo.Traffic;
import dev.lattice.demo.WorldSpec;
import dev.lattice.gateway.api.brands.Brand;
import dev.lattice.gateway.api.brands.BrandRegistry;
import dev.lattice.gateway.api.ingest.EventType;
import dev.lattice.gateway.api.ingest.IngestService;
import dev.lattice.gateway.api.networks.NetworkService;
import dev.lattice.gateway.events.EventPublisher;
import dev.lattice.gateway.kafka.KafkaBroker;
import dev.lattice.gateway.kafka.TopicProvisioner;
import dev.lattice.gateway.security.ApiKeyStore;
import dev.lattice.gateway.security.LatticePrincipal;
import dev.lattice.gateway.security.Role;
import dev.lattice.policy.DecisionService;
import dev.lattice.policy.DecisionServiceConfig;
import dev.lattice.schemas.AvroJson;
import dev.lattice.schemas.LatticeSerdes;
import dev.lattice.schemas.TopicCatalogue;
import dev.lattice.schemas.avro.ConsentCommand;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.schemas.avro.EventHeader;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.MemberPersonal;
import dev.lattice.streams.LatticeTopology;
import dev.lattice.streams.TopologySettings;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * One running demo: seeds the world into a started gateway, drives traffic and reports decisions.
 * Seeding goes through the gateway's own services, as the REST API does: networks through the
 * network service (rules validated, output topic provisioned), brands into the brand registry
 * (output topic provisioned), every event through the ingest service (validated against the Avro
 * schema, personal data sealed with the member's key); members' consent commands go straight to the
 * consent command topic with the real serde (the consent service would wait for the ledger on each
 * of several hundred grants).
 */
final class Demo {
  private static final Logger LOGGER = LoggerFactory.getLogger(Demo.class);

  /**
   * The gateway's own topology, when this build has one; otherwise the demo runs the topology
   * itself.
   */
  private static final String GATEWAY_TOPOLOGY = "dev.lattice.gateway.topology.TopologyLifecycle";

  private static final Duration STATUS_EVERY = Duration.ofSeconds(10);
  private static final String SEEDED_BY = "lattice-demo";
  private static final String BRAND_SHOWN = "acme-outdoor";
  private static final tools.jackson.databind.json.JsonMapper JSON =
      tools.jackson.databind.json.JsonMapper.builder().build();

  private final ConfigurableApplicationContext context;
  private final ServeCommand.Options serve;
  private final String adminKey;
  private final double rate;
  private final PrintStream out;
  private final DemoWorld world = DemoWorld.generate(WorldSpec.demo());
  private final KafkaBroker broker;
  private final EventPublisher publisher;
  private final IngestService ingest;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final Map<Traffic.Kind, AtomicLong> sentByKind = new HashMap<>();
  // One scoped key per tenant, created at start: each network's events go in with its SERVICE key,
  // each brand's offers with its BRAND key, through the same tenancy checks as the REST API.
  private final Map<String, String> serviceKeys = new HashMap<>();
  private final Map<String, String> brandKeys = new HashMap<>();
  private final Map<String, LatticePrincipal> services = new HashMap<>();
  private final Map<String, LatticePrincipal> brandPrincipals = new HashMap<>();

  /** Set when the application starts to close: traffic and reports stop before Kafka goes away. */
  private volatile boolean stopping;

  Demo(
      ConfigurableApplicationContext context,
      ServeCommand.Options serve,
      String adminKey,
      double rate,
      PrintStream out) {
    this.context = context;
    this.serve = serve;
    this.adminKey = adminKey;
    this.rate = rate;
    this.out = out;
    this.broker = context.getBean(KafkaBroker.class);
    this.publisher = context.getBean(EventPublisher.class);
    this.ingest = context.getBean(IngestService.class);
    for (Traffic.Kind k : Traffic.Kind.values()) {
      sentByKind.put(k, new AtomicLong());
    }
  }

  void start() {
    long begin = System.nanoTime();
    context.getBean(TopicProvisioner.class).provision(outputTopics());
    if (!gatewayRunsTheTopology()) {
      startOwnTopology();
    }
    DecisionFeed feed =
        new DecisionFeed(broker.clientProperties(), TopicCatalogue.AUDIT_DECISIONS.name());
    context.addApplicationListener(
        event -> {
          if (event instanceof org.springframework.context.event.ContextClosedEvent) {
            stopping = true;
            feed.close();
          }
        });
    Instant now = Instant.now();
    NetworkService networks = context.getBean(NetworkService.class);
    BrandRegistry brands = context.getBean(BrandRegistry.class);
    for (DemoWorld.Brand b : world.brands()) {
      brands.add(new Brand(b.id(), b.name(), now, SEEDED_BY, List.of()));
    }
    // Rules may only name registered networks and brands: register every network first, then give
    // each its rules (the networks name each other).
    List<DemoWorld.Network> fresh =
        world.networks().stream().filter(n -> networks.find(n.id()).isEmpty()).toList();
    for (DemoWorld.Network n : fresh) {
      networks.create(
          n.id(),
          n.name(),
          JSON.readTree("{}"),
          JSON.valueToTree(DemoWorld.controller(n)),
          SEEDED_BY);
    }
    for (DemoWorld.Network n : fresh) {
      networks.update(n.id(), n.name(), JSON.readTree(DemoWorld.rulesJson(n)), SEEDED_BY);
    }
    issueTenantKeys();
    List<ConsentCommand> grants = world.initialGrants(now);
    for (ConsentCommand c : grants) {
      publish(TopicCatalogue.CONSENT_COMMANDS.name(), c.getMemberId(), c);
    }
    // Every member says hello in its networks first, so that offers find their audience from the
    // start.
    Map<String, List<JsonNode>> hello = new HashMap<>();
    int i = 0;
    for (DemoWorld.Member m : world.members()) {
      for (String network : m.networks()) {
        List<JsonNode> batch = hello.computeIfAbsent(network, n -> new ArrayList<>());
        batch.add(
            AvroJson.toJsonNode(
                hello(
                    m,
                    network,
                    "evt-hello-" + Long.toString(now.toEpochMilli(), 36) + "-" + (++i),
                    now)));
        if (batch.size() == 100) {
          sendBatch(network, batch);
        }
      }
    }
    hello.forEach(this::sendBatch);
    out.printf(
        Locale.ROOT,
        "lattice demo: seeded %d networks, %d brands, %d members (%d consents) in %.1f s;"
            + " now sending about %.0f events/s%n",
        world.networks().size(),
        world.brands().size(),
        world.members().size(),
        grants.size(),
        (System.nanoTime() - begin) / 1e9,
        rate);
    Thread.ofPlatform().daemon().name("lattice-demo-traffic").start(this::drive);
    Thread.ofPlatform().daemon().name("lattice-demo-status").start(() -> report(feed));
    if (networks.find(DemoWorld.ACQUIRED).isPresent()) {
      Thread.ofPlatform().daemon().name("lattice-demo-acquisition").start(this::acquisition);
    }
  }

  /** When acme-group buys the ski club, and when half its members re-confirm their consent. */
  static final Duration ACQUISITION_AFTER = Duration.ofSeconds(40);

  static final Duration RECONFIRMATION_AFTER = Duration.ofSeconds(40);

  /**
   * Build, buy, transit: acme-group (the organisation of the brand acme-outdoor, which built the
   * running crew) buys the ski club during the run. An ADMIN starts the transfer, the ski club's
   * admin confirms it; from then on the ski club members' consent, given to its association, no
   * longer covers acme-group's flows (consent.controller_changed in the status line) until they
   * re-confirm: half of them do, through the ski club's app, a little later.
   */
  private void acquisition() {
    try {
      LockSupport.parkNanos(ACQUISITION_AFTER.toNanos());
      if (stopping) {
        return;
      }
      NetworkService networks = context.getBean(NetworkService.class);
      String network = DemoWorld.ACQUIRED;
      String before = networks.controllerOf(network).orElse(network);
      var pending =
          networks.startTransfer(
              network, JSON.valueToTree(DemoWorld.acquirer()), Duration.ofHours(1), SEEDED_BY);
      String transferId = networks.rules(pending).path("transfer_pending").path("id").asString();
      networks.confirmTransfer(network, transferId, SEEDED_BY + " (ski-club's admin)");
      long members = world.members().stream().filter(m -> m.networks().contains(network)).count();
      out.printf(
          Locale.ROOT,
          "lattice demo: ACQUISITION %s (controlled by %s) was bought by %s (brand acme-outdoor);"
              + " transfer %s confirmed by the network's admin. Consent its members gave to %s no"
              + " longer covers %s or acme-outdoor: those flows are now denied"
              + " consent.controller_changed (see the status line); flows to other partners"
              + " continue; %,d members get one notice each on %s%n",
          network,
          before,
          DemoWorld.ACME_GROUP,
          transferId,
          before,
          DemoWorld.ACME_GROUP,
          members,
          TopicCatalogue.NOTICES.name());
      out.flush();
      acquiredAt = System.nanoTime();
      LockSupport.parkNanos(RECONFIRMATION_AFTER.toNanos());
      if (stopping) {
        return;
      }
      List<String> half =
          world.members().stream()
              .filter(m -> m.networks().contains(network))
              .map(DemoWorld.Member::id)
              .filter(id -> Math.floorMod(id.hashCode(), 2) == 0)
              .toList();
      var consent = context.getBean(dev.lattice.gateway.api.consent.ConsentService.class);
      for (String member : half) {
        consent.reconfirm(member, List.of(), network, SEEDED_BY + " (ski-club's app)");
      }
      out.printf(
          Locale.ROOT,
          "lattice demo: RE-CONFIRMATION %,d of %s's %,d members confirmed their consent for %s"
              + " (POST /api/v1/networks/%s/consents/reconfirm): their flows to acme-outdoor are"
              + " allowed again%n",
          half.size(),
          network,
          members,
          DemoWorld.ACME_GROUP,
          network);
      out.flush();
    } catch (RuntimeException e) {
      LOGGER.warn("demo acquisition failed reason={}", e.getMessage());
    }
  }

  /** When the acquisition happened (System.nanoTime), or 0 before. */
  private volatile long acquiredAt;

  private List<TopicCatalogue.TopicSpec> outputTopics() {
    List<TopicCatalogue.TopicSpec> specs = new ArrayList<>();
    world.networks().forEach(n -> specs.add(TopicCatalogue.networkOutput(n.id())));
    world.brands().forEach(b -> specs.add(TopicCatalogue.brandOutput(b.id())));
    return specs;
  }

  private static boolean gatewayRunsTheTopology() {
    try {
      Class.forName(GATEWAY_TOPOLOGY, false, Demo.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /**
   * This build's gateway does not start the topology yet: run it here, with the default policy
   * bundle.
   */
  private void startOwnTopology() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    TopologySettings settings =
        TopologySettings.of(DecisionService.create(DecisionServiceConfig.defaults()), secret);
    Properties props = new Properties();
    props.putAll(broker.clientProperties());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "lattice-demo");
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
    props.put(
        StreamsConfig.STATE_DIR_CONFIG,
        serve.dataDir().resolve("demo").resolve("streams").toAbsolutePath().toString());
    KafkaStreams streams = new KafkaStreams(LatticeTopology.build(settings), props);
    streams.setUncaughtExceptionHandler(
        e -> {
          LOGGER.error("demo topology failed reason={}", e.toString());
          return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler
              .StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    context.addApplicationListener(
        event -> {
          if (event instanceof org.springframework.context.event.ContextClosedEvent) {
            streams.close(
                CloseOptions.groupMembershipOperation(
                        CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(10)));
          }
        });
    streams.start();
    LOGGER.info("demo topology started (this gateway build does not run one)");
  }

  private static MemberDataEvent hello(
      DemoWorld.Member m, String network, String eventId, Instant at) {
    return MemberDataEvent.newBuilder()
        .setHeader(
            EventHeader.newBuilder()
                .setEventId(eventId)
                .setEventType("member_data")
                .setSourceNetwork(network)
                .setSubjectMember(m.id())
                .setOccurredAt(at)
                .build())
        .setPurpose("marketing")
        .setKind("profile")
        .setPersonal(
            MemberPersonal.newBuilder()
                .setDisplayName(m.displayName())
                .setBirthYear(m.birthYear())
                .setEmail(m.email())
                .setHome(m.home())
                .setInterests(m.interests())
                .build())
        .build();
  }

  /**
   * Creates a SERVICE key scoped to each demo network and a BRAND key for each demo brand, and
   * revokes the keys an earlier demo run created. The keys authenticate through the gateway's key
   * store like any caller's.
   */
  private void issueTenantKeys() {
    ApiKeyStore keys = context.getBean(ApiKeyStore.class);
    keys.list().stream()
        .filter(k -> k.active() && SEEDED_BY.equals(k.createdBy()))
        .forEach(k -> keys.revoke(k.id(), SEEDED_BY));
    for (DemoWorld.Network n : world.networks()) {
      String key = keys.create("demo-" + n.id(), Role.SERVICE, n.id(), SEEDED_BY).key();
      serviceKeys.put(n.id(), key);
      services.put(n.id(), keys.authenticate(key).orElseThrow().principal());
    }
    for (DemoWorld.Brand b : world.brands()) {
      String key = keys.create("demo-" + b.id(), Role.BRAND, b.id(), SEEDED_BY).key();
      brandKeys.put(b.id(), key);
      brandPrincipals.put(b.id(), keys.authenticate(key).orElseThrow().principal());
    }
  }

  /** The key an event is ingested with: its brand's for offers, its network's for the rest. */
  private LatticePrincipal publisherOf(Traffic.Item item) {
    SpecificRecord value = item.value();
    if (value instanceof dev.lattice.schemas.avro.OfferEvent offer) {
      return brandPrincipals.get(offer.getBrand());
    }
    EventHeader header = (EventHeader) ((org.apache.avro.generic.IndexedRecord) value).get(0);
    return services.get(header.getSourceNetwork());
  }

  private void sendBatch(String network, List<JsonNode> events) {
    if (events.isEmpty()) {
      return;
    }
    var array = JSON.createArrayNode();
    events.forEach(array::add);
    ingest.ingestBatch(EventType.MEMBER_DATA, array, services.get(network));
    sent.addAndGet(events.size());
    sentByKind.get(Traffic.Kind.MEMBER_DATA).addAndGet(events.size());
    events.clear();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void publish(String topic, String key, SpecificRecord value) {
    publisher.publish(topic, key, LatticeSerdes.codec((Class) value.getClass()).encode(value));
  }

  /** Sends traffic at the configured rate until the application stops. */
  private void drive() {
    Traffic traffic =
        new Traffic(
            world,
            System.nanoTime(),
            Long.toString(System.currentTimeMillis(), 36),
            Traffic.Mix.everyday(),
            Instant::now);
    long interval = (long) (1e9 / rate);
    long next = System.nanoTime();
    while (!stopping) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      next += interval;
      Traffic.Item item = traffic.next();
      try {
        switch (item.kind()) {
          case CONSENT -> publish(TopicCatalogue.CONSENT_COMMANDS.name(), item.key(), item.value());
          case MEMBER_DATA ->
              ingest.ingest(
                  EventType.MEMBER_DATA, AvroJson.toJsonNode(item.value()), publisherOf(item));
          case CONTENT ->
              ingest.ingest(
                  EventType.CONTENT, AvroJson.toJsonNode(item.value()), publisherOf(item));
          case PURCHASE ->
              ingest.ingest(
                  EventType.PURCHASES, AvroJson.toJsonNode(item.value()), publisherOf(item));
          case OFFER ->
              ingest.ingest(EventType.OFFERS, AvroJson.toJsonNode(item.value()), publisherOf(item));
        }
        sent.incrementAndGet();
        sentByKind.get(item.kind()).incrementAndGet();
      } catch (RuntimeException e) {
        if (stopping) {
          return;
        }
        refused.incrementAndGet();
        LOGGER.warn(
            "demo event refused kind={} eventId={} reason={}",
            item.kind(),
            item.eventId(),
            e.getMessage());
        next = System.nanoTime() + interval;
      }
    }
  }

  /**
   * Prints the try-it block once decisions flow, then a status line every {@link #STATUS_EVERY}.
   */
  private void report(DecisionFeed feed) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    DecisionFeed.Snapshot s = feed.snapshot();
    while (!stopping
        && (s.lastAllowed() == null || s.lastDenied() == null)
        && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
      s = feed.snapshot();
    }
    if (stopping) {
      return;
    }
    if (s.allowed() + s.denied() == 0) {
      out.println(
          "lattice demo: no decision seen after 90 s; is the topology running? (GET /actuator/health)");
    }
    out.print(tryIt(s));
    out.flush();
    while (!stopping) {
      LockSupport.parkNanos(STATUS_EVERY.toNanos());
      if (stopping) {
        return;
      }
      DecisionFeed.Snapshot now = feed.snapshot();
      for (DecisionRecord release : feed.takeNewReleases()) {
        out.println(
            String.format(
                Locale.ROOT,
                "lattice demo: insight released to %s about %s (a cell whose noisy count of"
                    + " distinct consenting members passed the threshold); %,d smaller cells"
                    + " withheld so far",
                release.getDestination().getId(),
                release.getSourceNetwork(),
                now.insightsWithheld()));
      }
      out.println(status(now));
      out.flush();
    }
  }

  private String status(DecisionFeed.Snapshot s) {
    String reasons =
        s.denialsByReason().entrySet().stream()
            .sorted(
                Map.Entry.<String, Long>comparingByValue()
                    .reversed()
                    .thenComparing(Map.Entry.comparingByKey()))
            .limit(3)
            .map(e -> e.getKey() + " " + e.getValue())
            .collect(Collectors.joining(", "));
    return String.format(
        Locale.ROOT,
        "lattice demo: %,d events sent (%s)%s | decisions: %,d allowed, %,d denied%s"
            + " | insights: %,d released, %,d withheld%s",
        sent.get(),
        sentByKind.entrySet().stream()
            .filter(e -> e.getValue().get() > 0)
            .sorted(Map.Entry.comparingByKey())
            .map(
                e ->
                    e.getValue().get()
                        + " "
                        + e.getKey().name().toLowerCase(Locale.ROOT).replace('_', '-'))
            .collect(Collectors.joining(", ")),
        refused.get() == 0 ? "" : ", " + refused.get() + " refused",
        s.allowed(),
        s.denied(),
        reasons.isEmpty() ? "" : " (top reasons: " + reasons + ")",
        s.insightsReleased(),
        s.insightsWithheld(),
        acquiredAt == 0
            ? ""
            : String.format(
                Locale.ROOT,
                " | %s bought by %s: %,d flows denied consent.controller_changed",
                DemoWorld.ACQUIRED,
                DemoWorld.ACME_GROUP,
                s.denialsByReason().getOrDefault("consent.controller_changed", 0L)));
  }

  /**
   * The member the curl lines use: in the ski club, consenting to offers from anyone, without GPC.
   */
  private DemoWorld.Member showcaseMember() {
    return world.members().stream()
        .filter(m -> m.homeNetwork().equals("ski-club"))
        .filter(
            m ->
                m.grants().containsKey("offers") && m.grants().get("offers").recipients().isEmpty())
        .filter(m -> m.grants().values().stream().noneMatch(DemoWorld.Grant::gpc))
        .min(Comparator.comparing(DemoWorld.Member::id))
        .orElse(world.members().get(0));
  }

  private Set<String> endpoints() {
    Set<String> patterns = new HashSet<>();
    for (RequestMappingHandlerMapping mapping :
        context.getBeansOfType(RequestMappingHandlerMapping.class).values()) {
      for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
        for (String pattern : info.getPatternValues()) {
          for (var method :
              info.getMethodsCondition().getMethods().isEmpty()
                  ? Set.of(org.springframework.web.bind.annotation.RequestMethod.GET)
                  : info.getMethodsCondition().getMethods()) {
            patterns.add(method.name() + " " + pattern);
          }
        }
      }
    }
    return patterns;
  }

  String tryIt(DecisionFeed.Snapshot s) {
    String base = "http://localhost:" + serve.port();
    DemoWorld.Member m = showcaseMember();
    Set<String> api = endpoints();
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            Locale.ROOT,
            """

        ==================================================================================================
         Lattice demo is running: %s   (API docs: %s/swagger-ui.html)
         Web console: %s/console/   (sign in with the admin API key below)
         Admin API key: %s
         %s's SERVICE key (acts for its members only): %s
         acme-outdoor's BRAND key (its stream, insights and offers only): %s
         Networks: %s
         Brands:   %s
        --------------------------------------------------------------------------------------------------
        """,
            base,
            base,
            base,
            adminKey,
            m.homeNetwork(),
            serviceKeys.get(m.homeNetwork()),
            brandKeys.get(BRAND_SHOWN),
            world.networks().stream().map(DemoWorld.Network::id).collect(Collectors.joining(", ")),
            world.brands().stream().map(DemoWorld.Brand::id).collect(Collectors.joining(", "))));
    String admin = "-H 'X-Api-Key: " + adminKey + "'";
    // Members' calls go in with their network's SERVICE key, the brand's stream with its BRAND key:
    // the lines show what each tenant's key can do.
    String key = "-H 'X-Api-Key: " + serviceKeys.get(m.homeNetwork()) + "'";
    String brandKey = "-H 'X-Api-Key: " + brandKeys.get(BRAND_SHOWN) + "'";
    String consents = "/api/v1/members/{memberId}/consents";
    if (api.contains("GET " + consents)) {
      text.append(
          String.format(
              " # %s's consents (member of %s):%n curl -s %s %s/api/v1/members/%s/consents%n%n",
              m.displayName(), String.join(" and ", m.networks()), key, base, m.id()));
    }
    if (api.contains("PUT " + consents + "/{purpose}")) {
      text.append(
          String.format(
              " # grant marketing (profile and interests) to partner networks and brands:%n"
                  + " curl -s -X PUT %s -H 'Content-Type: application/json' \\%n"
                  + "   -d '{\"categories\":[\"profile\",\"interests\"],\"sourceNetwork\":\"%s\"}' \\%n"
                  + "   %s/api/v1/members/%s/consents/marketing%n%n",
              key, m.homeNetwork(), base, m.id()));
    }
    if (api.contains("DELETE " + consents + "/{purpose}")) {
      text.append(
          String.format(
              " # withdraw offers: from the very next offer on, %s gets none%n"
                  + " curl -s -X DELETE %s %s/api/v1/members/%s/consents/offers%n%n",
              m.displayName(), key, base, m.id()));
    }
    if (api.contains("GET /api/v1/brands/{brandId}/deliveries")) {
      text.append(
          String.format(
              " # watch acme-outdoor's consented offer deliveries, from the first one, then live"
                  + " (Server-Sent Events; Ctrl-C to stop):%n"
                  + " curl -N %s '%s/api/v1/brands/%s/deliveries?from=earliest'%n%n",
              brandKey, base, BRAND_SHOWN));
    }
    if (api.contains("GET /api/v1/brands/{brandId}/insights")) {
      text.append(
          String.format(
              " # acme-outdoor's differentially private insights (distinct consenting members per"
                  + " 2-minute window, with noise): a cell shows up only when its noisy count"
                  + " passes the threshold (large cells, e.g. an offer's deliveries), small ones"
                  + " never (audited insight.below_threshold); with the ε spent and the budget"
                  + " left:%n curl -s %s %s/api/v1/brands/%s/insights%n%n",
              brandKey, base, BRAND_SHOWN));
    }
    if (api.contains("GET /api/v1/decisions")) {
      for (DecisionRecord d : new DecisionRecord[] {s.lastDenied(), s.lastAllowed()}) {
        if (d != null) {
          text.append(
              String.format(
                  " # why was %s's %s %s for %s %s? (the event's decisions for every destination,"
                      + " with reasons)%n curl -s %s '%s/api/v1/decisions?eventId=%s'%n%n",
                  d.getMemberId(),
                  d.getEventType().replace('_', ' '),
                  d.getAllow() ? "allowed" : "denied",
                  d.getDestination().getKind(),
                  d.getDestination().getId(),
                  admin,
                  base,
                  d.getEventId()));
        }
      }
    }
    if (api.contains("GET /api/v1/members/{memberId}/activity")) {
      text.append(
          String.format(
              " # where did %s's data go?%n curl -s %s %s/api/v1/members/%s/activity%n%n",
              m.displayName(), key, base, m.id()));
    }
    text.append(
        "==================================================================================================\n");
    return text.toString();
  }
}
