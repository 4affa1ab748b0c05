package dev.lattice.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.gateway.api.brands.DeliveryStreams;
import dev.lattice.gateway.security.Role;
import dev.lattice.gateway.support.GatewayHttp;
import dev.lattice.gateway.support.GatewayHttp.Response;
import dev.lattice.gateway.support.GatewayIntegrationTest;
import dev.lattice.gateway.support.SseClient;
import dev.lattice.policy.bundle.BundleBuilder;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Limits on every endpoint, with the test context's settings: bodies over 16 KiB (ingest 64 KiB),
 * JSON deeper than 16 levels or arrays over 500 elements, subscriptions over 100 entries or naming
 * unknown networks, more than 3 delivery streams per brand, bundles over 200 entries or 4 MiB
 * unpacked.
 */
class LimitsIT extends GatewayIntegrationTest {

  @Autowired DeliveryStreams deliveryStreams;

  private static final String BIG = "x".repeat(20_000);

  @Test
  void aBodyOverTheLimitGets413OnEveryKindOfEndpoint() {
    GatewayHttp admin = asAdmin();
    Map<String, Object> big = Map.of("name", BIG);
    List<String[]> calls =
        List.of(
            new String[] {"POST", "/api/v1/admin/api-keys"},
            new String[] {"POST", "/api/v1/networks"},
            new String[] {"PUT", "/api/v1/networks/lim-any"},
            new String[] {"POST", "/api/v1/brands"},
            new String[] {"POST", "/api/v1/brands/lim-any/subscriptions"},
            new String[] {"PUT", "/api/v1/members/m-lim/consents/marketing"},
            new String[] {"POST", "/api/v1/policies/any/simulate"},
            new String[] {"POST", "/v1/data/lattice/decision"});

    for (String[] call : calls) {
      Response response = admin.send(call[0], call[1], big);
      assertThat(response.status()).as(call[0] + " " + call[1]).isEqualTo(413);
      assertThat(response.contentType()).startsWith("application/problem+json");
      assertThat(response.json().get("detail").asString())
          .contains("lattice.limits.max-request-bytes");
    }
  }

  @Test
  void aChunkedBodyWithoutContentLengthIsCountedToo() throws Exception {
    byte[] body = ("{\"name\":\"" + BIG + "\"}").getBytes(StandardCharsets.UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(http().uri("/api/v1/brands"))
            .header("X-Api-Key", ADMIN_KEY)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
            .build();

    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(413);
  }

  @Test
  void jsonNestedDeeperThanTheLimitGets400NamingThePath() {
    String deep = "[".repeat(20) + "]".repeat(20);

    Response response =
        asAdmin().post("/api/v1/brands/lim-any/subscriptions", "{\"networks\":" + deep + "}");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("errors").get(0).get("path").asString())
        .startsWith("$.networks[0][0]");
    assertThat(response.json().get("errors").get(0).get("message").asString())
        .contains("lattice.limits.max-json-depth");
  }

  @Test
  void aMemberNamedTwiceInOneJsonObjectGets400NamingItsPath() {
    Response response =
        asAdmin()
            .post(
                "/api/v1/brands/lim-any/subscriptions",
                "{\"networks\": [\"lim-net\"], \"networks\": []}");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("errors").get(0).get("path").asString()).isEqualTo("$.networks");
  }

  @Test
  void anOverviewWindowOutOfRangeGets400NamingTheParameter() {
    Response response = asAdmin().get("/api/v1/overview?minutes=-1");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("errors").get(0).get("path").asString()).isEqualTo("minutes");
  }

  @Test
  void aMemberIdOver256BytesIsA400NamingTheFieldWhereverItEnters() {
    String tooLong = "é".repeat(129); // 258 bytes of UTF-8, 129 characters
    String event =
        """
        {"header": {"event_id": "lim-evt-long-member", "event_type": "member_data",
                    "source_network": "lim-net", "subject_member": "%s",
                    "occurred_at": "2026-11-23T10:00:00Z"},
         "purpose": "marketing", "kind": "profile", "personal": {"interests": ["x"]}}
        """
            .formatted(tooLong);
    GatewayHttp admin = asAdmin();
    String member = "/api/v1/members/" + tooLong;
    Map<String, Response> answers = new LinkedHashMap<>();
    answers.put("grant", admin.put(member + "/consents/offers", Map.of()));
    answers.put("withdraw", admin.delete(member + "/consents/offers"));
    answers.put("consent", admin.get(member + "/consents"));
    answers.put("activity", admin.get(member + "/activity"));
    answers.put("export", admin.get(member + "/export"));
    answers.put("erasure", admin.post(member + "/erasure", null));
    answers.put("decisions", admin.get("/api/v1/decisions?memberId=" + tooLong));

    answers.forEach(
        (what, response) -> {
          assertThat(response.status()).as(what).isEqualTo(400);
          assertThat(response.json().get("errors").get(0).get("path").asString())
              .as(what)
              .isEqualTo("memberId");
          assertThat(response.json().get("errors").get(0).get("message").asString())
              .as(what)
              .contains("256");
        });
    Response ingest = admin.post("/api/v1/events/member-data", event);
    assertThat(ingest.status()).isEqualTo(400);
    assertThat(ingest.json().get("errors").get(0).get("path").asString())
        .isEqualTo("$.header.subject_member");
  }

  @Test
  void aMemberIdOf256BytesIsAccepted() {
    Response response = asAdmin().get("/api/v1/members/" + "m".repeat(256) + "/consents");

    assertThat(response.status()).isEqualTo(200);
  }

  @Test
  void anEventIdOver256BytesIsA400NamingTheField() {
    String tooLong = "e".repeat(257);
    String event =
        """
        {"header": {"event_id": "%s", "event_type": "member_data", "source_network": "lim-net",
                    "subject_member": "m-lim", "occurred_at": "2026-11-23T10:00:00Z"},
         "purpose": "marketing", "kind": "profile", "personal": {"interests": ["x"]}}
        """
            .formatted(tooLong);

    Response ingest = asAdmin().post("/api/v1/events/member-data", event);
    Response decisions = asAdmin().get("/api/v1/decisions?eventId=" + tooLong);

    assertThat(ingest.status()).isEqualTo(400);
    assertThat(ingest.json().get("errors").valueStream().map(e -> e.get("path").asString()))
        .contains("$.header.event_id");
    assertThat(decisions.status()).isEqualTo(400);
    assertThat(decisions.json().get("errors").get(0).get("path").asString()).isEqualTo("eventId");
  }

  @Test
  void aJsonArrayLongerThanTheLimitGets400EvenForABatch() {
    asAdmin().post("/api/v1/networks", Map.of("id", "lim-net", "name", "Lim", "rules", Map.of()));
    String batch = "[" + String.join(",", Collections.nCopies(501, "{}")) + "]";

    Response response =
        as(keyFor(Role.SERVICE, "lim-net")).post("/api/v1/events/member-data/batch", batch);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("errors").get(0).get("path").asString()).isEqualTo("$");
    assertThat(response.json().get("errors").get(0).get("message").asString())
        .contains("500", "lattice.limits.max-json-array-length");
  }

  @Test
  void aSubscriptionNamingUnknownNetworksGets400ListingEach() {
    asAdmin().post("/api/v1/brands", Map.of("id", "lim-subs", "name", "Subs"));
    asAdmin()
        .post("/api/v1/networks", Map.of("id", "lim-known", "name", "Known", "rules", Map.of()));
    GatewayHttp brand = as(keyFor(Role.BRAND, "lim-subs"));

    Response response =
        brand.post(
            "/api/v1/brands/lim-subs/subscriptions",
            Map.of("networks", List.of("lim-known", "lim-nowhere", "lim-never")));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("errors").valueStream().map(e -> e.get("path").asString()))
        .containsExactly("$.networks[1]", "$.networks[2]");
    assertThat(brand.get("/api/v1/brands/lim-subs").json().get("subscriptions").isEmpty()).isTrue();
  }

  @Test
  void aSubscriptionWithAMisspeltListIsRefusedInsteadOfSubscribingToEverything() {
    asAdmin().post("/api/v1/brands", Map.of("id", "lim-typo", "name", "Typo"));
    asAdmin()
        .post("/api/v1/networks", Map.of("id", "lim-known", "name", "Known", "rules", Map.of()));
    GatewayHttp brand = as(keyFor(Role.BRAND, "lim-typo"));

    Response response =
        brand.post(
            "/api/v1/brands/lim-typo/subscriptions", Map.of("network", List.of("lim-known")));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("errors").get(0).get("path").asString()).isEqualTo("$.network");
    assertThat(brand.get("/api/v1/brands/lim-typo").json().get("subscriptions").isEmpty()).isTrue();
  }

  @Test
  void unknownFieldsOfANetworkOrAKeyRequestAre400NamingEach() {
    Response network =
        asAdmin()
            .post(
                "/api/v1/networks",
                Map.of("id", "lim-unknown-field", "name", "N", "rules", Map.of(), "rulez", 1));
    Response key =
        asAdmin().post("/api/v1/admin/api-keys", Map.of("role", "COMPLIANCE", "expires", "P1D"));

    assertThat(network.status()).isEqualTo(400);
    assertThat(network.json().get("errors").get(0).get("path").asString()).isEqualTo("$.rulez");
    assertThat(key.status()).isEqualTo(400);
    assertThat(key.json().get("errors").get(0).get("path").asString()).isEqualTo("$.expires");
  }

  @Test
  void aNetworkOrBrandNameOver200CharactersOrWithControlCharactersIs400AtName() {
    Response network =
        asAdmin()
            .post(
                "/api/v1/networks",
                Map.of("id", "lim-long-name", "name", "n".repeat(201), "rules", Map.of()));
    Response brand = asAdmin().post("/api/v1/brands", Map.of("id", "lim-ctl", "name", "a\u0007b"));

    assertThat(network.status()).isEqualTo(400);
    assertThat(network.json().get("errors").valueStream().map(e -> e.get("path").asString()))
        .containsExactly("$.name");
    assertThat(brand.status()).isEqualTo(400);
    assertThat(brand.json().get("errors").get(0).get("path").asString()).isEqualTo("$.name");
  }

  @Test
  void aTransferPeriodThatIsNotADurationIs400SayingWhatIsExpected() {
    asAdmin().post("/api/v1/networks", Map.of("id", "lim-tr", "name", "Tr", "rules", Map.of()));

    Response response =
        asAdmin()
            .post(
                "/api/v1/networks/lim-tr/transfer",
                Map.of(
                    "to",
                    Map.of("organisation", "o", "privacy_contact", "a@example.org"),
                    "expiresIn",
                    "soon"));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("errors").get(0).get("path").asString())
        .isEqualTo("$.expiresIn");
    assertThat(response.json().get("errors").get(0).get("message").asString())
        .contains("ISO-8601 duration");
  }

  @Test
  void anUnknownQueryParameterIs400NamingItAndTheOnesTheEndpointTakes() {
    Response response = asAdmin().get("/api/v1/decisions?memberId=m-lim&limt=5");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("errors").get(0).get("path").asString()).isEqualTo("limt");
    assertThat(response.json().get("errors").get(0).get("message").asString())
        .contains("eventId, limit, memberId");
  }

  @Test
  void aLimitOutOfRangeIs400InsteadOfBeingClampedSilently() {
    Response decisions = asAdmin().get("/api/v1/decisions?memberId=m-lim&limit=5000");
    Response activity = asAdmin().get("/api/v1/members/m-lim/activity?limit=0");

    assertThat(decisions.status()).isEqualTo(400);
    assertThat(decisions.json().get("errors").get(0).get("path").asString()).isEqualTo("limit");
    assertThat(activity.status()).isEqualTo(400);
    assertThat(activity.json().get("errors").get(0).get("path").asString()).isEqualTo("limit");
  }

  @Test
  void aSubscriptionWithMoreThan100EntriesGets400() {
    asAdmin().post("/api/v1/brands", Map.of("id", "lim-subs-2", "name", "Subs"));
    List<String> categories = IntStream.range(0, 101).mapToObj(i -> "c" + i).toList();

    Response response =
        as(keyFor(Role.BRAND, "lim-subs-2"))
            .post("/api/v1/brands/lim-subs-2/subscriptions", Map.of("categories", categories));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("errors").get(0).get("path").asString())
        .isEqualTo("$.categories");
  }

  @Test
  void aBrandBeyondItsOpenStreamLimitGets429() {
    asAdmin().post("/api/v1/brands", Map.of("id", "lim-streams", "name", "Streams"));
    String key = keyFor(Role.BRAND, "lim-streams");
    List<SseClient> open = new ArrayList<>();
    try {
      // Three streams held open, by the server's count too. A stream the environment ended
      // meanwhile (it happened once in CI, cause unknown) is reported and the three are opened once
      // more: the limit is what is tested here.
      for (int attempt = 1; ; attempt++) {
        for (int i = 0; i < 3; i++) {
          SseClient stream =
              new SseClient(http().uri("/api/v1/brands/lim-streams/deliveries"), key);
          open.add(stream);
          await().atMost(Duration.ofSeconds(20)).until(() -> !stream.events("ready").isEmpty());
        }
        List<SseClient> ended = open.stream().filter(SseClient::ended).toList();
        int counted = deliveryStreams.openStreams("lim-streams");
        if (ended.isEmpty() && counted == 3) {
          break;
        }
        String what = "server counts " + counted + " open; ended: " + describe(ended);
        assertThat(attempt).as("streams ended before the fourth was asked for: %s", what).isOne();
        System.out.println("LimitsIT: streams ended early, opening them again: " + what);
        open.forEach(SseClient::close);
        open.clear();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> deliveryStreams.openStreams("lim-streams") == 0);
      }

      Response fourth = as(key).get("/api/v1/brands/lim-streams/deliveries");

      assertThat(fourth.status()).isEqualTo(429);
      assertThat(fourth.json().get("detail").asString())
          .contains("lattice.limits.max-streams-per-brand");
    } finally {
      open.forEach(SseClient::close);
    }
  }

  private static String describe(List<SseClient> streams) {
    return streams.stream()
        .map(s -> "status " + s.status() + ", events " + s.events())
        .toList()
        .toString();
  }

  @Test
  void aStreamEndsWithin5SecondsOfItsKeysRevocation() {
    asAdmin().post("/api/v1/brands", Map.of("id", "lim-revoke", "name", "Revoke"));
    Response created =
        asAdmin().post("/api/v1/admin/api-keys", Map.of("role", "BRAND", "scope", "lim-revoke"));
    String key = created.json().get("key").asString();
    String id = created.json().get("apiKey").get("id").asString();
    try (SseClient stream =
        new SseClient(http().uri("/api/v1/brands/lim-revoke/deliveries"), key)) {
      await().atMost(Duration.ofSeconds(20)).until(() -> !stream.events("ready").isEmpty());

      assertThat(asAdmin().delete("/api/v1/admin/api-keys/" + id).status()).isEqualTo(200);

      await().atMost(Duration.ofSeconds(5)).until(stream::ended);
    }
  }

  @Test
  void aBundleWithTooManyEntriesGets413() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(".manifest", "{\"revision\":\"lim-many\"}".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < 201; i++) {
      files.put("lattice/f" + i + ".json", "{}".getBytes(StandardCharsets.UTF_8));
    }

    Response response =
        asAdmin().postBytes("/api/v1/policies", BundleBuilder.tarGz(files), "application/gzip");

    assertThat(response.status()).isEqualTo(413);
    assertThat(response.json().get("detail").asString())
        .contains("lattice.limits.max-bundle-entries");
  }

  @Test
  void aBundleWithTooManyEntriesGets413FromTheTestRunnerToo() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(".manifest", "{\"revision\":\"lim-many-tests\"}".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < 201; i++) {
      files.put("lattice/f" + i + ".json", "{}".getBytes(StandardCharsets.UTF_8));
    }

    Response response =
        asAdmin()
            .postBytes("/api/v1/policies/tests", BundleBuilder.tarGz(files), "application/gzip");

    assertThat(response.status()).isEqualTo(413);
    assertThat(response.json().get("detail").asString())
        .contains("lattice.limits.max-bundle-entries");
  }

  @Test
  void aBundleThatUnpacksBeyondTheLimitGets413() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(".manifest", "{\"revision\":\"lim-bomb\"}".getBytes(StandardCharsets.UTF_8));
    files.put("lattice/padding.json", new byte[5 * 1024 * 1024]);
    byte[] tarGz = BundleBuilder.tarGz(files);
    assertThat(tarGz.length).isLessThan(100_000); // small on the wire

    Response response = asAdmin().postBytes("/api/v1/policies", tarGz, "application/gzip");

    assertThat(response.status()).isEqualTo(413);
    assertThat(response.json().get("detail").asString())
        .contains("lattice.limits.max-bundle-uncompressed-bytes");
  }
}
