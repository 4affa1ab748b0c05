package dev.lattice.gateway.api.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.gateway.security.Role;
import dev.lattice.gateway.support.GatewayHttp;
import dev.lattice.gateway.support.GatewayHttp.Response;
import dev.lattice.gateway.support.GatewayIntegrationTest;
import dev.lattice.gateway.support.TopicReader;
import dev.lattice.schemas.AvroCodec;
import dev.lattice.schemas.TopicCatalogue;
import dev.lattice.schemas.avro.ConsentAction;
import dev.lattice.schemas.avro.ConsentCommand;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

class ConsentIT extends GatewayIntegrationTest {

  private GatewayHttp service;
  @Autowired private dev.lattice.gateway.events.EventPublisher publisher;
  @Autowired private ConsentLedgerView ledger;

  @BeforeEach
  void serviceKey() {
    // what the grants name must be registered (a second POST is a 409, which is fine)
    asAdmin().post("/api/v1/networks", Map.of("id", "ski-club", "name", "Ski", "rules", Map.of()));
    asAdmin().post("/api/v1/brands", Map.of("id", "acme", "name", "Acme"));
    service = as(keyFor(Role.SERVICE, "ski-club"));
  }

  private ConsentCommand command(String commandId) {
    AvroCodec<ConsentCommand> codec = AvroCodec.of(ConsentCommand.class);
    return TopicReader.readAll(kafka.clientProperties(), TopicCatalogue.CONSENT_COMMANDS.name())
        .stream()
        .map(r -> codec.decode(r.value()))
        .filter(c -> c.getCommandId().equals(commandId))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aGrantIsSentToTheLedgerAndAnsweredWithADpvReceipt() {
    Response response =
        service.put(
            "/api/v1/members/m-consent-1/consents/marketing",
            Map.of(
                "categories", List.of("profile", "interests"),
                "recipients", List.of("acme"),
                "networks", List.of("ski-club")));

    assertThat(response.status()).isEqualTo(200);
    var receipt = response.json();
    assertThat(receipt.get("status").asString()).isEqualTo("recorded");
    assertThat(receipt.get("receiptId").asString()).isNotBlank();
    assertThat(receipt.get("@context").get("dpv").asString()).isEqualTo("https://w3id.org/dpv#");
    assertThat(receipt.get("consentStatus").asString()).isEqualTo("dpv:ConsentGiven");
    assertThat(receipt.get("processing").get(0).get("purpose").asString())
        .isEqualTo("dpv:Marketing");
    assertThat(receipt.get("processing").get(0).get("legalBasis").asString())
        .isEqualTo("dpv:Consent");
    ConsentCommand sent = command(receipt.get("commandId").asString());
    assertThat(sent.getAction()).isEqualTo(ConsentAction.GRANT);
    assertThat(sent.getCategories()).containsExactly("profile", "interests");
    assertThat(sent.getScopeNetworks()).containsExactly("ski-club");
  }

  @Test
  void anAppliedChangeSaysSoAndFromWhichAppendTimeItHolds() {
    service.put("/api/v1/members/m-consent-order-1/consents/marketing", Map.of());

    Response applied = service.delete("/api/v1/members/m-consent-order-1/consents/marketing");

    assertThat(applied.status()).isEqualTo(200);
    var ordering = applied.json().get("ordering");
    assertThat(ordering.get("guarantee").asString()).isEqualTo("applied");
    String commandId = applied.json().get("commandId").asString();
    var record =
        TopicReader.readAll(kafka.clientProperties(), TopicCatalogue.CONSENT_COMMANDS.name())
            .stream()
            .filter(
                r ->
                    AvroCodec.of(ConsentCommand.class)
                        .decode(r.value())
                        .getCommandId()
                        .equals(commandId))
            .findFirst()
            .orElseThrow();
    assertThat(record.timestampType())
        .isEqualTo(org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME);
    assertThat(java.time.Instant.parse(ordering.get("appendedAt").asString()))
        .isEqualTo(java.time.Instant.ofEpochMilli(record.timestamp()));
    assertThat(ordering.get("statement").asString()).contains("applied to the consent ledger");
  }

  @Test
  void aChangeNotYetAppliedIsOrderedByItsAppendAndSaysSo() {
    ConsentService impatient =
        new ConsentService(publisher, ledger, java.time.Duration.ZERO, java.time.Clock.systemUTC());

    ConsentService.Result result =
        impatient.withdraw("m-consent-order-2", "marketing", false, null, "test");

    assertThat(result.recorded()).isFalse();
    assertThat(result.receipt().status()).isEqualTo("pending");
    assertThat(result.receipt().ordering().guarantee()).isEqualTo("ordered_by_append");
    assertThat(result.receipt().ordering().appendedAt()).isNotNull();
    assertThat(result.receipt().ordering().statement())
        .contains("applied before any event of this member appended after");
  }

  @Test
  void aGlobalPrivacyControlSignalIsRecordedAsAnOptOutOfSharingWithBrands() {
    Response response =
        service
            .with("Sec-GPC", "1")
            .put("/api/v1/members/m-consent-2/consents/analytics", Map.of());

    assertThat(response.json().get("gpc").asBoolean()).isTrue();
    assertThat(response.json().get("gpcOptOut").get("effect").asString()).contains("brands");
    assertThat(command(response.json().get("commandId").asString()).getGpc()).isTrue();
  }

  @Test
  void aWithdrawalIsSentAsAWithdrawCommand() {
    service.put("/api/v1/members/m-consent-3/consents/marketing", Map.of());

    Response response = service.delete("/api/v1/members/m-consent-3/consents/marketing");

    assertThat(response.json().get("consentStatus").asString()).isEqualTo("dpv:ConsentWithdrawn");
    assertThat(command(response.json().get("commandId").asString()).getAction())
        .isEqualTo(ConsentAction.WITHDRAW);
  }

  @Test
  void anUnknownPurposeOrCategoryIs400WithEveryError() {
    Response response =
        service.put(
            "/api/v1/members/m-consent-4/consents/gossip",
            Map.of("categories", List.of("profile", "shoe-size")));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("errors").valueStream().map(e -> e.get("path").asString()))
        .containsExactly("purpose", "$.categories[1]");
  }

  @Test
  void anExpiryBeyondYear9999Is400AtTheFieldInsteadOfA500() {
    Response response =
        service.put(
            "/api/v1/members/m-consent-far/consents/marketing",
            Map.of("expiresAt", "+999999999-12-31T23:59:59Z"));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("errors").get(0).get("path").asString())
        .isEqualTo("$.expiresAt");
  }

  @Test
  void anOffersGrantIsLimitedToOfferCategoriesAsOffersNameThem() {
    Response granted =
        service.put(
            "/api/v1/members/m-consent-4b/consents/offers",
            Map.of("categories", List.of("outdoor", "books")));

    assertThat(granted.status()).as(granted.body()).isIn(200, 202);
    JsonNode processing = granted.json().get("processing").get(0);
    assertThat(processing.get("categories").valueStream().map(JsonNode::asString))
        .containsExactly("outdoor", "books");
    // offer categories are not personal data: no DPV personal-data terms for them
    assertThat(processing.has("personalDataCategories")).isFalse();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        service
                            .get("/api/v1/members/m-consent-4b/consents")
                            .json()
                            .get("purposes")
                            .get("offers")
                            .get("categories")
                            .valueStream()
                            .map(JsonNode::asString))
                    .containsExactly("books", "outdoor"));
  }

  @Test
  void anOfferCategoryWithSurroundingSpacesOrTooLongIs400AtItsIndex() {
    Response response =
        service.put(
            "/api/v1/members/m-consent-4c/consents/offers",
            Map.of("categories", List.of("outdoor", " books", "x".repeat(65))));

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.json().get("errors").valueStream().map(e -> e.get("path").asString()))
        .containsExactly("$.categories[1]", "$.categories[2]");
  }

  @Test
  void anUndecodableTcStringIs400() {
    Response response =
        service.post("/api/v1/members/m-consent-5/consents/tcf", Map.of("tcString", "not-tcf"));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("errors").get(0).get("path").asString()).isEqualTo("$.tcString");
    assertThat(response.json().get("errors").get(0).get("message").asString())
        .contains("only version 2 is accepted")
        .doesNotContain("unsupported yet");
  }

  @Test
  void theConsentStateShowsTheGrantWithItsReceipt() {
    Response grant =
        service.put(
            "/api/v1/members/m-consent-6/consents/research",
            Map.of("categories", List.of("activity")));

    Response state = service.get("/api/v1/members/m-consent-6/consents");

    assertThat(state.json().get("version").asLong())
        .isEqualTo(grant.json().get("ledgerVersion").asLong());
    assertThat(state.json().get("purposes").get("research").get("granted").asBoolean()).isTrue();
    assertThat(state.json().get("history").get(0).get("receiptId").asString())
        .isEqualTo(grant.json().get("receiptId").asString());
  }

  @Test
  void aMemberWithoutConsentHasVersionZero() {
    // (a SERVICE key gets 404 for a member who is not its network's: TenancyIT)
    Response response = asAdmin().get("/api/v1/members/m-never-seen/consents");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().get("version").asLong()).isZero();
  }

  @Test
  void aGrantNamingUnregisteredNetworksOrRecipientsIsRefusedAtEach() {
    Response response =
        service.put(
            "/api/v1/members/m-consent-refs/consents/marketing",
            Map.of(
                "networks", List.of("ski-club", "consent-ghost-net"),
                "recipients", List.of("acme", "ski-club", "consent-ghost-brand")));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("errors").valueStream().map(e -> e.get("path").asString()))
        .containsExactly("$.networks[1]", "$.recipients[2]");
    assertThat(response.json().get("errors").get(1).get("message").asString())
        .contains("consent-ghost-brand");
    assertThat(
            asAdmin().get("/api/v1/members/m-consent-refs/consents").json().get("version").asInt())
        .isZero();
  }

  @Test
  void anAdminNamingAnUnregisteredSourceNetworkIsRefusedAtTheField() {
    String member = "/api/v1/members/m-consent-ghost-source/consents";

    Response grant = asAdmin().put(member + "/marketing", Map.of("sourceNetwork", "ghost-src"));
    Response withdraw = asAdmin().delete(member + "/marketing?sourceNetwork=ghost-src");
    Response tcf =
        asAdmin()
            .post(
                member + "/tcf",
                Map.of(
                    "tcString",
                    "CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA",
                    "sourceNetwork",
                    "ghost-src"));

    assertThat(grant.status()).isEqualTo(400);
    assertThat(grant.json().get("errors").get(0).get("path").asString())
        .isEqualTo("$.sourceNetwork");
    assertThat(grant.json().get("errors").get(0).get("message").asString()).contains("ghost-src");
    assertThat(withdraw.status()).isEqualTo(400);
    assertThat(withdraw.json().get("errors").get(0).get("path").asString())
        .isEqualTo("sourceNetwork");
    assertThat(tcf.status()).isEqualTo(400);
    assertThat(tcf.json().get("errors").get(0).get("path").asString()).isEqualTo("$.sourceNetwork");
  }
}
