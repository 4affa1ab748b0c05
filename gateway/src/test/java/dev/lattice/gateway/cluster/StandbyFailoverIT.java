package dev.lattice.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.gateway.support.GatewayHttp;
import dev.lattice.gateway.support.GatewayHttp.Response;
import dev.lattice.streams.LatticeStreams;
import dev.lattice.testsupport.TestKafka;
import dev.lattice.testsupport.WithKafka;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.streams.CloseOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Fail-over of member queries: two Lattice instances (gateway application contexts on their own
 * ports, one Kafka Streams application id, one standby replica) on one broker; one of them stops
 * abruptly (its HTTP server gone, its topology closed without leaving the group, as after a crash),
 * and the other answers for the members the stopped one hosted, from its standby copy while the
 * group still counts the stopped instance as their host, then as their new host: every answer the
 * member's decisions, or 503 with Retry-After, never "not found" nor "no decisions". A query by
 * event id (an offer, decided in every partition) is answered the same way, partition by partition:
 * complete, or 503, never partial.
 */
@WithKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StandbyFailoverIT {

  private static final String ADMIN_KEY = "failover-it-bootstrap-admin-key-0001";
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String NETWORK = "ridge-" + RUN;
  private static final String BRAND = "crest-" + RUN;
  private static final int MEMBERS = 12;

  private final List<String> members = new ArrayList<>();
  private ConfigurableApplicationContext instanceA;
  private ConfigurableApplicationContext instanceB;
  private int portA;
  private int portB;

  @BeforeAll
  void startTwoInstancesWithDecisionsAboutEveryMember(TestKafka kafka) throws IOException {
    String applicationId = kafka.uniqueName("lattice-failover");
    Path data = Path.of("target", "it-data", "failover-" + RUN).toAbsolutePath();
    portA = TestInstances.freePort();
    portB = TestInstances.freePort();
    instanceA =
        TestInstances.start(
            kafka,
            applicationId,
            portA,
            data.resolve("a"),
            "failover-it",
            ADMIN_KEY,
            "--lattice.streams.standby-replicas=1",
            // The group notices the stopped instance after 10 s (Kafka's default is 45 s).
            "--lattice.streams.session-timeout=10s");
    instanceB =
        TestInstances.start(
            kafka,
            applicationId,
            portB,
            data.resolve("b"),
            "failover-it",
            ADMIN_KEY,
            "--lattice.streams.standby-replicas=1",
            // The group notices the stopped instance after 10 s (Kafka's default is 45 s).
            "--lattice.streams.session-timeout=10s");
    await()
        .atMost(Duration.ofSeconds(120))
        .ignoreExceptions()
        .until(
            () ->
                instanceA.getBean(LatticeStreams.class).instances().size() == 2
                    && instanceB.getBean(LatticeStreams.class).instances().size() == 2);
    GatewayHttp admin = new GatewayHttp(portA).withApiKey(ADMIN_KEY);
    admin.post(
        "/api/v1/networks",
        Map.of(
            "id",
            NETWORK,
            "name",
            "Ridge",
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
    admin.post("/api/v1/brands", Map.of("id", BRAND, "name", "Crest"));
    GatewayHttp service =
        new GatewayHttp(portA)
            .withApiKey(
                admin
                    .post("/api/v1/admin/api-keys", Map.of("role", "SERVICE", "scope", NETWORK))
                    .json()
                    .get("key")
                    .asString());
    GatewayHttp brand =
        new GatewayHttp(portB)
            .withApiKey(
                admin
                    .post("/api/v1/admin/api-keys", Map.of("role", "BRAND", "scope", BRAND))
                    .json()
                    .get("key")
                    .asString());
    for (int m = 0; m < MEMBERS; m++) {
      String member = "m-" + RUN + "-" + m;
      members.add(member);
      service.post("/api/v1/events/member-data", memberData("md-" + member, member));
      service.put(
          "/api/v1/members/" + member + "/consents/offers", Map.of("recipients", List.of(BRAND)));
    }
    brand.post("/api/v1/events/offers", offer("offer-" + RUN));
    GatewayHttp onA = new GatewayHttp(portA).withApiKey(ADMIN_KEY);
    await()
        .atMost(Duration.ofSeconds(90))
        .ignoreExceptions()
        .until(
            () ->
                members.stream()
                    .allMatch(m -> onA.get("/api/v1/decisions?memberId=" + m).json().size() >= 1));
  }

  @AfterAll
  void stop() {
    for (ConfigurableApplicationContext context : List.of(instanceB, instanceA)) {
      if (context != null) {
        context.close();
      }
    }
  }

  @Test
  void theMembersOfAnInstanceThatStoppedAbruptlyAreAnsweredFromTheOthersStandbyNeverNotFound() {
    // Given the members A hosts, whose decisions B's standby copy holds
    LatticeStreams streamsB = instanceB.getBean(LatticeStreams.class);
    List<String> onA =
        members.stream()
            .filter(
                m ->
                    streamsB.hostOf(m) instanceof LatticeStreams.MemberHost.Elsewhere e
                        && e.port() == portA)
            .toList();
    assertThat(onA).as("members hosted by instance A").isNotEmpty();
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(
            () ->
                onA.stream()
                    .allMatch(
                        m -> {
                          try (LatticeStreams.StandbyRead read =
                              streamsB.readFromStandby(m, 1000)) {
                            return !streamsB.decisionsForMember(m, 10).isEmpty();
                          }
                        }));

    // and the offer's decisions, gathered from both instances' active copies
    GatewayHttp onB = new GatewayHttp(portB).withApiKey(ADMIN_KEY);
    String offerQuery = "/api/v1/decisions?eventId=offer-" + RUN;
    java.util.concurrent.atomic.AtomicInteger seen =
        new java.util.concurrent.atomic.AtomicInteger();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(
            () -> {
              int n = onB.get(offerQuery).json().size();
              return n >= MEMBERS && n == seen.getAndSet(n); // one per member, and no more coming
            });
    int offerDecisions = seen.get();

    // When A stops abruptly: no HTTP, its topology gone without leaving the group
    ((WebServerApplicationContext) instanceA).getWebServer().stop();
    instanceA
        .getBean(LatticeStreams.class)
        .kafkaStreams()
        .close(
            CloseOptions.groupMembershipOperation(
                    CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP)
                .withTimeout(Duration.ZERO));

    // Then B answers for A's members until the group has made B their host
    List<Answer> answers = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              boolean allFromActive = true;
              for (String member : onA) {
                for (String path :
                    List.of(
                        "/api/v1/decisions?memberId=" + member,
                        "/api/v1/members/" + member + "/activity")) {
                  Answer answer = Answer.of(path, onB.get(path));
                  answers.add(answer);
                  allFromActive &= answer.status() == 200 && answer.replica() == null;
                }
              }
              // and for the offer, decided in every partition: A's partitions from B's standby
              Answer offer = Answer.of(offerQuery, onB.get(offerQuery));
              answers.add(offer);
              allFromActive &= offer.status() == 200 && offer.replica() == null;
              return allFromActive;
            });

    System.out.printf(
        "fail-over answers: %d from B's standby (lags %s), %d 503, %d from B as the new host%n",
        answers.stream().filter(a -> "standby".equals(a.replica())).count(),
        answers.stream()
            .map(Answer::lag)
            .filter(java.util.Objects::nonNull)
            .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new)),
        answers.stream().filter(a -> a.status() == 503).count(),
        answers.stream().filter(a -> a.status() == 200 && a.replica() == null).count());
    assertThat(answers)
        .allSatisfy(
            a -> {
              assertThat(a.status()).as("%s: %s", a.path(), a.body()).isIn(200, 503);
              if (a.status() == 503) {
                assertThat(a.retryAfter()).as("Retry-After of %s", a.path()).isNotNull();
              } else {
                assertThat(a.decisions()).as("decisions in %s", a.path()).isPositive();
              }
            });
    assertThat(answers)
        .filteredOn(a -> a.path().equals(offerQuery) && a.status() == 200)
        .as("every answer to the offer's query is complete")
        .allSatisfy(a -> assertThat(a.decisions()).isEqualTo(offerDecisions));
    assertThat(answers)
        .as("the offer's decisions in A's partitions read from B's standby copy")
        .anySatisfy(
            a -> {
              assertThat(a.path()).isEqualTo(offerQuery);
              assertThat(a.status()).isEqualTo(200);
              assertThat(a.replica()).isEqualTo("standby");
            });
    assertThat(answers)
        .as("answers from B's standby copy while the group still counted A as the host")
        .anySatisfy(
            a -> {
              assertThat(a.status()).isEqualTo(200);
              assertThat(a.replica()).isEqualTo("standby");
              assertThat(a.lag()).isNotNull();
            });
  }

  /** One answer of B during the fail-over. */
  private record Answer(
      String path,
      int status,
      String body,
      String retryAfter,
      String replica,
      String lag,
      int decisions) {

    static Answer of(String path, Response response) {
      int decisions = 0;
      if (response.status() == 200) {
        decisions =
            path.contains("/activity")
                ? response.json().get("decisions").size()
                : response.json().size();
      }
      var headers = response.raw().headers();
      return new Answer(
          path,
          response.status(),
          response.body(),
          headers.firstValue("Retry-After").orElse(null),
          headers.firstValue(ClusterQueries.REPLICA_HEADER).orElse(null),
          headers.firstValue(ClusterQueries.REPLICA_LAG_HEADER).orElse(null),
          decisions);
    }
  }

  private static String memberData(String eventId, String member) {
    return """
        {"header": {"event_id": "%s", "event_type": "member_data", "source_network": "%s",
                    "subject_member": "%s", "occurred_at": "2026-11-23T10:00:00Z"},
         "purpose": "analytics", "kind": "profile",
         "personal": {"email": "%s@failover.example", "interests": ["climbing"]}}
        """
        .formatted(eventId, NETWORK, member, member);
  }

  private static String offer(String offerId) {
    return """
        {"header": {"event_id": "%s", "event_type": "offer", "source_network": "%s",
                    "occurred_at": "2026-11-23T10:00:00Z"},
         "offer_id": "%s", "brand": "%s", "sku": "ROPE-001", "category": "outdoor",
         "creative": {"headline": "New ropes"}, "target_networks": ["%s"],
         "valid_from": "2026-01-01T00:00:00Z", "valid_until": "2030-01-01T00:00:00Z"}
        """
        .formatted(offerId, NETWORK, offerId, BRAND, NETWORK);
  }
}
