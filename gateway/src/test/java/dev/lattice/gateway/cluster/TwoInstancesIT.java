package dev.lattice.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.gateway.api.members.MemberNetworks;
import dev.lattice.gateway.api.policies.PolicyIT;
import dev.lattice.gateway.support.GatewayHttp;
import dev.lattice.gateway.support.GatewayHttp.Response;
import dev.lattice.schemas.avro.EventHeader;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.streams.LatticeStreams;
import dev.lattice.testsupport.TestKafka;
import dev.lattice.testsupport.WithKafka;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Two Lattice instances (two gateway application contexts on their own ports, the same Kafka
 * Streams application id) on one broker, as two processes of a cluster would run: what is created
 * on one works on the other at once, and both answer every query on the topology's state alike,
 * whichever of them hosts the member.
 */
@WithKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoInstancesIT {

  private static final String ADMIN_KEY = "cluster-it-bootstrap-admin-key-0001";
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String NETWORK = "peaks-" + RUN;
  private static final String BRAND = "summit-" + RUN;
  private static final int MEMBERS = 8;
  // No lattice.cluster.secret: the instances forward queries signed with the secret they derive
  // from the shared API key pepper (StandbyFailoverIT sets one).
  private static final String SECRETS = TestInstances.DERIVED_CLUSTER_SECRET;

  private final List<ConfigurableApplicationContext> instances = new ArrayList<>();
  private GatewayHttp adminA;
  private GatewayHttp adminB;
  private int portA;
  private int portB;
  private TestKafka kafka;

  @BeforeAll
  void startTwoInstances(TestKafka kafka) throws IOException {
    this.kafka = kafka;
    String applicationId = kafka.uniqueName("lattice-cluster");
    Path data = Path.of("target", "it-data", "cluster-" + RUN).toAbsolutePath();
    portA = TestInstances.freePort();
    portB = TestInstances.freePort();
    // Short insight windows, so that a brand's cells are evaluated within the test; no standby
    // copies, so that each instance holds only the partitions it hosts and every question about
    // the others' members crosses to them (StandbyFailoverIT has standby copies)
    String[] settings = {
      "--lattice.streams.insights.window=3s",
      "--lattice.streams.insights.grace=5s",
      "--lattice.streams.standby-replicas=0"
    };
    instances.add(
        TestInstances.start(
            kafka, applicationId, portA, data.resolve("a"), SECRETS, ADMIN_KEY, settings));
    instances.add(
        TestInstances.start(
            kafka, applicationId, portB, data.resolve("b"), SECRETS, ADMIN_KEY, settings));
    adminA = new GatewayHttp(portA).withApiKey(ADMIN_KEY);
    adminB = new GatewayHttp(portB).withApiKey(ADMIN_KEY);
    // Both run and share the member partitions between them.
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                instances.stream()
                    .allMatch(
                        c -> {
                          try {
                            return c.getBean(LatticeStreams.class).instances().size() == 2;
                          } catch (RuntimeException e) {
                            return false;
                          }
                        }));
    createOfferNetwork(NETWORK, "Peaks");
    assertThat(adminB.post("/api/v1/brands", Map.of("id", BRAND, "name", "Summit")).status())
        .isEqualTo(201);
  }

  @AfterAll
  void stop() {
    instances.reversed().forEach(ConfigurableApplicationContext::close);
  }

  @Test
  void aBrandItsKeyAndASubscriptionCreatedOnOneInstanceWorkOnTheOtherAtOnce() {
    String brand = BRAND + "-b";
    assertThat(adminA.post("/api/v1/brands", Map.of("id", brand, "name", "Summit")).status())
        .isEqualTo(201);
    Response key = adminA.post("/api/v1/admin/api-keys", Map.of("role", "BRAND", "scope", brand));
    assertThat(key.status()).as(key.body()).isEqualTo(201);
    GatewayHttp brandOnA = new GatewayHttp(portA).withApiKey(key.json().get("key").asString());
    GatewayHttp brandOnB = new GatewayHttp(portB).withApiKey(key.json().get("key").asString());

    Response subscribed =
        brandOnA.post(
            "/api/v1/brands/" + brand + "/subscriptions",
            Map.of("networks", List.of(NETWORK), "categories", List.of("outdoor")));
    Response seenOnB = brandOnB.get("/api/v1/brands/" + brand);

    assertThat(subscribed.status()).as(subscribed.body()).isEqualTo(201);
    assertThat(seenOnB.status()).as(seenOnB.body()).isEqualTo(200);
    assertThat(seenOnB.json().get("subscriptions").get(0).get("id").asString())
        .isEqualTo(subscribed.json().get("subscriptions").get(0).get("id").asString());
    assertThat(brandOnB.get("/api/v1/brands/" + BRAND + "-other").status()).isEqualTo(403);
    assertThat(adminB.get("/api/v1/brands").json().valueStream())
        .anyMatch(b -> b.get("id").asString().equals(brand));
  }

  @Test
  void aKeyRevokedOnOneInstanceIsRefusedOnTheOther() {
    Response key = adminB.post("/api/v1/admin/api-keys", Map.of("role", "COMPLIANCE"));
    GatewayHttp onA = new GatewayHttp(portA).withApiKey(key.json().get("key").asString());
    assertThat(onA.get("/api/v1/policies").status()).isEqualTo(200);

    assertThat(
            adminB
                .delete("/api/v1/admin/api-keys/" + key.json().get("apiKey").get("id").asString())
                .status())
        .isEqualTo(200);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(onA.get("/api/v1/policies").status()).isEqualTo(401));
  }

  @Test
  void aDraftUploadedOnOneInstanceIsListedAndSimulatedOnTheOther() throws IOException {
    String revision = "cluster-" + RUN;
    Response uploaded =
        adminA.postBytes("/api/v1/policies", PolicyIT.bundle(revision, null), "application/gzip");
    assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(201);

    Response history = adminB.get("/api/v1/policies");
    Response simulated =
        adminB.post("/api/v1/policies/" + revision + "/simulate", Map.of("input", exampleInput()));

    assertThat(history.json().get("history").valueStream())
        .anyMatch(h -> h.get("revision").asString().equals(revision));
    assertThat(simulated.status()).as(simulated.body()).isEqualTo(200);
  }

  @Test
  void bothInstancesAnswerEveryDecisionActivityConsentAndExportQueryAlike() {
    Response serviceKey =
        adminB.post("/api/v1/admin/api-keys", Map.of("role", "SERVICE", "scope", NETWORK));
    Response brandKey =
        adminA.post("/api/v1/admin/api-keys", Map.of("role", "BRAND", "scope", BRAND));
    Response complianceKey = adminA.post("/api/v1/admin/api-keys", Map.of("role", "COMPLIANCE"));
    GatewayHttp service =
        new GatewayHttp(portA).withApiKey(serviceKey.json().get("key").asString());
    String compliance = complianceKey.json().get("key").asString();

    // Members on both instances' partitions: data and consent through A, an offer through B
    List<String> members = onBothInstances("m-" + RUN + "-");
    for (String member : members) {
      assertThat(
              service
                  .post("/api/v1/events/member-data", memberData("md-" + member, member))
                  .status())
          .isEqualTo(202);
      Response granted =
          service.put(
              "/api/v1/members/" + member + "/consents/offers",
              Map.of("recipients", List.of(BRAND)));
      assertThat(granted.status()).as(granted.body()).isEqualTo(200);
    }
    GatewayHttp brandOnB = new GatewayHttp(portB).withApiKey(brandKey.json().get("key").asString());
    String offerId = "offer-" + RUN;
    Response offered = brandOnB.post("/api/v1/events/offers", offer(offerId));
    assertThat(offered.status()).as(offered.body()).isEqualTo(202);

    GatewayHttp onA = new GatewayHttp(portA).withApiKey(compliance);
    GatewayHttp onB = new GatewayHttp(portB).withApiKey(compliance);
    await()
        .atMost(Duration.ofSeconds(90))
        .ignoreExceptions()
        // every member of the network (other tests of this class may add members to it)
        .until(() -> onA.get("/api/v1/decisions?eventId=" + offerId).json().size() >= MEMBERS);

    assertThat(hostsOf(members))
        .as("members hosted by each instance")
        .containsOnlyKeys(portA, portB);
    // Decisions for members other tests added may still be landing between the two calls: the
    // instances must agree once the offer's decisions are all made.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertAlike(onA, onB, "/api/v1/decisions?eventId=" + offerId));
    for (String member : members) {
      assertAlike(onA, onB, "/api/v1/decisions?memberId=" + member);
      assertAlike(onA, onB, "/api/v1/members/" + member + "/activity");
      assertAlike(onA, onB, "/api/v1/members/" + member + "/consents");
      assertAlike(onA, onB, "/api/v1/members/" + member + "/export");
      assertThat(onB.get("/api/v1/members/" + member + "/activity").json().get("decisions").size())
          .as("the offer's decision about %s", member)
          .isPositive();
    }
  }

  @Test
  void aServiceKeyActsForNewMembersThroughEitherInstanceWhicheverHostsThem() {
    // A membership check reads no other instance's state: a first consent for a member, sent to
    // the instance that does not host them, is recorded there (it was a 503 "hosted by ...").
    Response key =
        adminA.post("/api/v1/admin/api-keys", Map.of("role", "SERVICE", "scope", NETWORK));
    List<GatewayHttp> both =
        List.of(
            new GatewayHttp(portA).withApiKey(key.json().get("key").asString()),
            new GatewayHttp(portB).withApiKey(key.json().get("key").asString()));
    List<String> members = onBothInstances("m-new-" + RUN + "-");

    for (int m = 0; m < members.size(); m++) {
      for (GatewayHttp service : both) {
        Response granted =
            service.put("/api/v1/members/" + members.get(m) + "/consents/analytics", Map.of());
        assertThat(granted.status()).as(granted.body()).isEqualTo(200);
        Response read = service.get("/api/v1/members/" + members.get(m) + "/consents");
        assertThat(read.status()).as(read.body()).isEqualTo(200);
      }
    }
  }

  @Test
  void aMemberKnownOnlyFromEventsWrittenToTheIngestTopicBelongsToItsNetworkOnEveryInstance()
      throws Exception {
    String other = "valleys-" + RUN;
    assertThat(adminA.post("/api/v1/networks", Map.of("id", other, "name", "Valleys")).status())
        .isEqualTo(201);
    String ownKey = keyOf(adminA, "SERVICE", NETWORK);
    String otherKey = keyOf(adminB, "SERVICE", other);
    List<String> members = new ArrayList<>();
    Map<String, Object> producer = kafka.producerProperties();
    try (var out =
        new org.apache.kafka.clients.producer.KafkaProducer<>(
            producer,
            new org.apache.kafka.common.serialization.StringSerializer(),
            new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      var codec = dev.lattice.schemas.AvroCodec.of(MemberDataEvent.class);
      for (String member : onBothInstances("m-topic-" + RUN + "-")) {
        members.add(member);
        MemberDataEvent event =
            MemberDataEvent.newBuilder()
                .setHeader(
                    EventHeader.newBuilder()
                        .setEventId("direct-" + member)
                        .setEventType("member_data")
                        .setSourceNetwork(NETWORK)
                        .setSubjectMember(member)
                        .setOccurredAt(java.time.Instant.parse("2026-11-23T10:00:00Z"))
                        .build())
                .setPurpose("analytics")
                .setKind("profile")
                .build();
        out.send(
                new org.apache.kafka.clients.producer.ProducerRecord<>(
                    dev.lattice.schemas.TopicCatalogue.INGEST_MEMBER_DATA.name(),
                    member,
                    codec.encode(event)))
            .get();
      }
    }

    // The topology's record of each member's first event reaches every instance's view, also the
    // one that does not host the member (and so cannot read its activity)
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              for (ConfigurableApplicationContext instance : instances) {
                MemberNetworks view = instance.getBean(MemberNetworks.class);
                for (String member : members) {
                  assertThat(view.networksOf(member)).as(member).containsExactly(NETWORK);
                }
              }
            });
    for (int port : List.of(portA, portB)) {
      GatewayHttp own = new GatewayHttp(port).withApiKey(ownKey);
      GatewayHttp stranger = new GatewayHttp(port).withApiKey(otherKey);
      for (String member : members) {
        // another network cannot claim them with a consent, on either instance
        Response claimed =
            stranger.put("/api/v1/members/" + member + "/consents/analytics", Map.of());
        assertThat(claimed.status()).as("port %d: %s", port, claimed.body()).isEqualTo(404);
        Response granted = own.put("/api/v1/members/" + member + "/consents/analytics", Map.of());
        assertThat(granted.status()).as("port %d: %s", port, granted.body()).isEqualTo(200);
      }
    }
  }

  @Test
  void bothInstancesShowABrandsInsightBudgetsAlike() {
    // The budgets live in the brand's insight partition, hosted by one of the two instances: the
    // other asks it (it showed none)
    String network = "insights-" + RUN;
    String brand = "lens-" + RUN;
    assertThat(adminA.post("/api/v1/brands", Map.of("id", brand, "name", "Lens")).status())
        .isEqualTo(201);
    Response created =
        adminA.post(
            "/api/v1/networks",
            Map.of(
                "id",
                network,
                "name",
                "Insight peaks",
                "rules",
                Map.of(
                    "offers",
                    Map.of(
                        "accept",
                        true,
                        "frequency_cap",
                        Map.of("per_member_24h", 10, "per_member_brand_24h", 10)),
                    "insights",
                    Map.of("enabled", true, "k_anonymity", 2, "brands", List.of(brand)))));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    GatewayHttp service = new GatewayHttp(portB).withApiKey(keyOf(adminB, "SERVICE", network));
    String brandKey = keyOf(adminA, "BRAND", brand);
    List<String> members = new ArrayList<>();
    for (int m = 0; m < MEMBERS; m++) {
      String member = "m-ins-" + RUN + "-" + m;
      members.add(member);
      Response sent =
          service.post(
              "/api/v1/events/member-data",
              """
              {"header": {"event_id": "md-%s", "event_type": "member_data", "source_network": "%s",
                          "subject_member": "%s", "occurred_at": "2026-11-23T10:00:00Z"},
               "purpose": "analytics", "kind": "profile", "personal": {"interests": ["skiing"]}}
              """
                  .formatted(member, network, member));
      assertThat(sent.status()).as(sent.body()).isEqualTo(202);
      for (String purpose : List.of("offers", "analytics")) {
        Response granted =
            service.put("/api/v1/members/" + member + "/consents/" + purpose, Map.of());
        assertThat(granted.status()).as(granted.body()).isIn(200, 202);
      }
    }
    awaitMembersOf(service, members, network);
    Response offered =
        new GatewayHttp(portA)
            .withApiKey(brandKey)
            .post(
                "/api/v1/events/offers",
                """
                {"header": {"event_id": "offer-ins-%s", "event_type": "offer",
                            "source_network": "%s", "occurred_at": "2026-11-23T10:00:00Z"},
                 "offer_id": "o-ins-%s", "brand": "%s", "sku": "LENS-1", "category": "outdoor",
                 "creative": {"headline": "New lenses"}, "target_networks": ["%s"],
                 "valid_from": "2026-01-01T00:00:00Z", "valid_until": "2030-01-01T00:00:00Z"}
                """
                    .formatted(RUN, network, RUN, brand, network));
    assertThat(offered.status()).as(offered.body()).isEqualTo(202);

    GatewayHttp onA = new GatewayHttp(portA).withApiKey(brandKey);
    GatewayHttp onB = new GatewayHttp(portB).withApiKey(brandKey);
    String path = "/api/v1/brands/" + brand + "/insights";
    await()
        .atMost(Duration.ofSeconds(180))
        .untilAsserted(
            () ->
                assertThat(onA.get(path).json().path("budgets").isEmpty())
                    .as("budgets on A")
                    .isFalse());
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              JsonNode a = onA.get(path).json();
              JsonNode b = onB.get(path).json();
              assertThat(b.get("budgets")).as("budgets on B").isEqualTo(a.get("budgets"));
              assertThat(b.get("budgets").size()).isPositive();
            });
  }

  @Test
  void aReplayOnEitherInstanceDecidesAnOffersMembersOfBothInstancesWithTheirConsent() {
    // An offer's audit records name each member by a reference kept with the member's partition:
    // the replaying instance asks the other for the members it hosts (they were replayed without
    // consent, so a draft closing the network changed only this instance's half).
    String network = "replay-" + RUN;
    createOfferNetwork(network, "Replay peaks");
    GatewayHttp service = new GatewayHttp(portB).withApiKey(keyOf(adminB, "SERVICE", network));
    List<String> members = onBothInstances("m-rp-" + RUN + "-");
    for (String member : members) {
      Response sent =
          service.post(
              "/api/v1/events/member-data",
              memberData("md-rp-" + member, member).replace(NETWORK, network));
      assertThat(sent.status()).as(sent.body()).isEqualTo(202);
      Response granted = service.put("/api/v1/members/" + member + "/consents/offers", Map.of());
      assertThat(granted.status()).as(granted.body()).isIn(200, 202);
    }
    awaitMembersOf(service, members, network);
    String offerId = "offer-rp-" + RUN;
    Response offered =
        new GatewayHttp(portA)
            .withApiKey(keyOf(adminA, "BRAND", BRAND))
            .post("/api/v1/events/offers", offer(offerId).replace(NETWORK, network));
    assertThat(offered.status()).as(offered.body()).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(90))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(adminA.get("/api/v1/decisions?eventId=" + offerId).json().valueStream())
                    .as("the offer's decisions")
                    .hasSize(MEMBERS)
                    .allMatch(d -> d.get("allow").asBoolean()));
    String revision = "replay-closes-" + RUN;
    Response uploaded =
        adminA.postBytes(
            "/api/v1/policies",
            PolicyIT.bundle(revision, PolicyIT.closes(network)),
            "application/gzip");
    assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(201);

    for (GatewayHttp admin : List.of(adminA, adminB)) {
      Response report =
          admin.post(
              "/api/v1/policies/" + revision + "/replay", Map.of("window", "PT1H", "limit", 10000));

      assertThat(report.status()).as(report.body()).isEqualTo(200);
      assertThat(report.json().path("byNetwork").path(network).path("newlyDenied").asInt())
          .as("offer decisions newly denied, members of both instances: %s", report.body())
          .isEqualTo(MEMBERS);
    }
  }

  @Test
  void theMembersOfReferencesAreAnsweredOnlyToAnotherInstance() {
    Response asked = adminA.get("/api/v1/policies/replay-members?references=mbr-whatever");

    assertThat(asked.status()).as(asked.body()).isEqualTo(404);
  }

  @Test
  void anEventRetriedThroughTheOtherInstanceIsProcessedOnce() {
    Response serviceKey =
        adminA.post("/api/v1/admin/api-keys", Map.of("role", "SERVICE", "scope", NETWORK));
    String key = serviceKey.json().get("key").asString();
    GatewayHttp onA = new GatewayHttp(portA).withApiKey(key);
    GatewayHttp onB = new GatewayHttp(portB).withApiKey(key);
    String member = "m-" + RUN + "-retried";
    String activity = "/api/v1/members/" + member + "/activity";
    assertThat(onA.post("/api/v1/events/member-data", memberData("x-" + member, member)).status())
        .isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(90))
        .ignoreExceptions()
        .until(() -> onA.get(activity).json().get("events").asLong() == 1);

    // The same event again through B (which has not seen it), then another one after it
    Response retried = onB.post("/api/v1/events/member-data", memberData("x-" + member, member));
    assertThat(retried.status()).isEqualTo(202);
    assertThat(onB.post("/api/v1/events/member-data", memberData("y-" + member, member)).status())
        .isEqualTo(202);

    // The topology counts the member's events: the retry is dropped, the next event is not.
    await()
        .atMost(Duration.ofSeconds(90))
        .ignoreExceptions()
        .until(() -> onB.get(activity).json().get("events").asLong() >= 2);
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .until(() -> onB.get(activity).json().get("events").asLong() == 2);
  }

  @Test
  void aForwardedQueryWithoutAValidClusterSignatureIsRefused() {
    Response forged =
        new GatewayHttp(portA)
            .withApiKey(ADMIN_KEY)
            .with(ClusterNode.HEADER, "1:00")
            .get("/api/v1/decisions?eventId=whatever");

    assertThat(forged.status()).isEqualTo(401);
  }

  /** Which instance hosts each member, counted by port. */
  /**
   * {@link #MEMBERS} member ids starting with {@code prefix}, half of them hosted by each instance
   * (chosen by where their partitions are, so that no run draws them all on one side).
   */
  private List<String> onBothInstances(String prefix) {
    Map<Integer, List<String>> byHost = new LinkedHashMap<>();
    for (int i = 0; i < 1000; i++) {
      String member = prefix + i;
      List<String> on =
          byHost.computeIfAbsent(
              hostsOf(List.of(member)).keySet().iterator().next(), k -> new ArrayList<>());
      if (on.size() < MEMBERS / 2) {
        on.add(member);
      }
      if (byHost.size() == 2 && byHost.values().stream().allMatch(l -> l.size() == MEMBERS / 2)) {
        break;
      }
    }
    assertThat(byHost).as("members hosted by each instance").containsOnlyKeys(portA, portB);
    List<String> members = new ArrayList<>();
    byHost.values().forEach(members::addAll);
    return members;
  }

  private Map<Integer, Integer> hostsOf(List<String> members) {
    Map<Integer, Integer> out = new LinkedHashMap<>();
    LatticeStreams streams = instances.get(0).getBean(LatticeStreams.class);
    for (String member : members) {
      int port =
          switch (streams.hostOf(member)) {
            case LatticeStreams.MemberHost.Here here -> portA;
            case LatticeStreams.MemberHost.Elsewhere elsewhere -> elsewhere.port();
          };
      out.merge(port, 1, Integer::sum);
    }
    return out;
  }

  private static void assertAlike(GatewayHttp a, GatewayHttp b, String path) {
    Response onA = a.get(path);
    Response onB = b.get(path);
    assertThat(onA.status()).as("%s on A: %s", path, onA.body()).isEqualTo(200);
    assertThat(onB.status()).as("%s on B: %s", path, onB.body()).isEqualTo(200);
    assertThat(withoutClock(onB.json())).as(path).isEqualTo(withoutClock(onA.json()));
  }

  /** The export's own timestamp is the moment it was made; everything else must match. */
  private static JsonNode withoutClock(JsonNode json) {
    if (json instanceof ObjectNode object) {
      object.remove("exportedAt");
      if (object.get("activity") instanceof ObjectNode activity) {
        activity.remove("exportedAt");
      }
    }
    return json;
  }

  private static String memberData(String eventId, String member) {
    return """
        {"header": {"event_id": "%s", "event_type": "member_data", "source_network": "%s",
                    "subject_member": "%s", "occurred_at": "2026-11-23T10:00:00Z"},
         "purpose": "analytics", "kind": "profile",
         "personal": {"email": "%s@cluster.example", "interests": ["skiing"]}}
        """
        .formatted(eventId, NETWORK, member, member);
  }

  private static String offer(String offerId) {
    return """
        {"header": {"event_id": "%s", "event_type": "offer", "source_network": "%s",
                    "occurred_at": "2026-11-23T10:00:00Z"},
         "offer_id": "%s", "brand": "%s", "sku": "SKI-001", "category": "outdoor",
         "creative": {"headline": "New skis"}, "target_networks": ["%s"],
         "valid_from": "2026-01-01T00:00:00Z", "valid_until": "2030-01-01T00:00:00Z"}
        """
        .formatted(offerId, NETWORK, offerId, BRAND, NETWORK);
  }

  private static JsonNode exampleInput() throws IOException {
    try (var in =
        TwoInstancesIT.class
            .getClassLoader()
            .getResourceAsStream("lattice/examples/offer-input.json")) {
      return GatewayHttp.JSON.readTree(in);
    }
  }

  /** Creates (through A) a network that accepts offers of {@link #BRAND}, up to 10 a day. */
  private void createOfferNetwork(String id, String name) {
    Response created =
        adminA.post(
            "/api/v1/networks",
            Map.of(
                "id",
                id,
                "name",
                name,
                "rules",
                Map.of(
                    "offers",
                    Map.of(
                        "accept",
                        true,
                        "brands_allow",
                        List.of(BRAND),
                        "frequency_cap",
                        Map.of("per_member_24h", 10, "per_member_brand_24h", 10)))));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
  }

  /** The key an ADMIN creates for {@code role} acting for {@code scope}. */
  private static String keyOf(GatewayHttp admin, String role, String scope) {
    return admin
        .post("/api/v1/admin/api-keys", Map.of("role", role, "scope", scope))
        .json()
        .get("key")
        .asString();
  }

  /** Waits until every one of {@code members} is known as a member of {@code network}. */
  private static void awaitMembersOf(GatewayHttp service, List<String> members, String network) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                members.stream()
                    .allMatch(
                        m ->
                            service
                                .get("/api/v1/members/" + m + "/activity")
                                .json()
                                .path("networks")
                                .has(network)));
  }
}
