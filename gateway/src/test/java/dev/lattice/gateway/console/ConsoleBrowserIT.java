package dev.lattice.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.gateway.security.Role;
import dev.lattice.gateway.support.GatewayHttp;
import dev.lattice.gateway.support.GatewayHttp.Response;
import dev.lattice.gateway.support.GatewayIntegrationTest;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real browser (Debian's chromium through chromedriver) against the real
 * gateway, broker and topology: each role's journey through the views, with a screenshot of every
 * view under {@code target/console-screenshots/}. Fails, never skips, when chromium or chromedriver
 * is missing ({@code .ci/run} installs them).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserIT extends GatewayIntegrationTest {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
  static final Duration WAIT = Duration.ofSeconds(90);

  static final String NETWORK = "cx-ski";
  static final String PARTNER = "cx-books";
  static final String BRAND = "cx-gear";
  static final String OTHER_BRAND = "cx-rival";

  private ChromeDriverService service;
  private ChromeDriver browser;
  private WebDriverWait wait;
  private GatewayHttp service0;
  private String complianceKey;
  private String serviceKey;
  private String brandKey;

  @BeforeAll
  void startTheBrowserAndSeedAWorld() throws IOException {
    assertThat(CHROMIUM)
        .as("the console's browser tests need Debian's chromium: apt-get install chromium")
        .isExecutable();
    assertThat(CHROMEDRIVER)
        .as("the console's browser tests need chromedriver: apt-get install chromium-driver")
        .isExecutable();
    Files.createDirectories(SCREENSHOTS);
    Path profile =
        Files.createDirectories(
            Path.of("target", "chromium-profile-" + UUID.randomUUID()).toAbsolutePath());
    service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toString());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
        "--user-data-dir=" + profile);
    browser = new ChromeDriver(service, options);
    wait = new WebDriverWait(browser, WAIT);

    complianceKey = keyFor(Role.COMPLIANCE, null);
    serviceKey = keyFor(Role.SERVICE, NETWORK);
    brandKey = keyFor(Role.BRAND, BRAND);
    service0 = as(serviceKey);
    GatewayHttp admin = asAdmin();
    Map<String, Object> offers =
        Map.of(
            "accept",
            true,
            "brands_allow",
            List.of(BRAND),
            "frequency_cap",
            Map.of("per_member_24h", 50, "per_member_brand_24h", 50));
    createOnce(
        admin,
        "/api/v1/networks",
        Map.of("id", NETWORK, "name", "CX Ski", "rules", Map.of("offers", offers)));
    createOnce(
        admin, "/api/v1/networks", Map.of("id", PARTNER, "name", "CX Books", "rules", Map.of()));
    createOnce(admin, "/api/v1/brands", Map.of("id", BRAND, "name", "CX Gear"));
    createOnce(admin, "/api/v1/brands", Map.of("id", OTHER_BRAND, "name", "CX Rival"));
    // a one-sided agreement: cx-ski lists cx-books, cx-books does not list cx-ski
    Response agreement =
        admin.post(
            "/api/v1/networks/" + NETWORK + "/agreements",
            Map.of("network", PARTNER, "purposes", List.of("analytics")));
    assertThat(agreement.status()).as(agreement.body()).isEqualTo(200);
  }

  private static void createOnce(GatewayHttp admin, String path, Map<String, Object> body) {
    Response created = admin.post(path, body);
    assertThat(created.status()).as(created.body()).isIn(201, 409);
  }

  @AfterEach
  void signOut() {
    // (about:blank has no session storage: nothing to clear there)
    browser.executeScript("try { sessionStorage.clear(); } catch (e) {}");
  }

  @AfterAll
  void stopTheBrowser() {
    if (browser != null) {
      browser.quit();
    }
    if (service != null) {
      service.stop();
    }
  }

  @Test
  void complianceFixesACompileErrorRunsTheTestsSimulatesAndActivatesABundle() {
    String revision = "cx-" + UUID.randomUUID().toString().substring(0, 8);
    signIn(complianceKey);
    waitFor("[data-stat=allowed] .stat-value");
    screenshot("overview");

    // Given the live bundle in the editor, with a new module that does not compile
    open("#/policies");
    waitFor(".cm-content");
    type(field("new-module"), "lattice/console_extra.rego");
    button("Add module").click();
    WebElement editor = waitFor(".cm-content");
    editor.sendKeys("package lattice.console_extra\n\nbroken := input.x ==\n");
    WebElement revisionField = field("revision");
    revisionField.clear();
    revisionField.sendKeys(revision);

    // When it is uploaded, the compile error is shown at its line and marked in the editor
    button("Upload as draft").click();
    WebElement location = waitFor("#policy-problems a.location");
    // the parser stops at the dangling '==' (line 3) or at the end of the file after it (line 4)
    assertThat(location.getText()).matches("lattice/console_extra\\.rego:[34]:\\d+");
    waitFor(".cm-lint-marker-error");
    assertThat(browser.findElements(By.cssSelector(".cm-lintRange-error"))).isNotEmpty();
    screenshot("policies-compile-error");

    // When the module is fixed, its tests (and the bundle's) pass
    editor = waitFor(".cm-content");
    editor.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
    editor.sendKeys(
        "package lattice.console_extra\n\nfixed := 1\n\ntest_fixed if {\nfixed == 1\n}\n");
    button("Run tests").click();
    WebElement summary = waitFor("#test-summary");
    assertThat(summary.getText()).matches("\\d+ passed, 0 failed");
    assertThat(browser.findElement(By.id("policy-tests")).getText())
        .contains("data.lattice.console_extra.test_fixed");
    assertThat(
            browser.findElements(By.cssSelector("#policy-tests tr.fail, #policy-tests tr.error")))
        .isEmpty();
    assertThat(browser.findElements(By.cssSelector(".cm-lintRange-error"))).isEmpty();

    // and the bundle is stored as a draft
    button("Upload as draft").click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("policy-problems"), "Draft " + revision + " stored"));

    // When an input is simulated under the draft, the decision comes with reasons and fired rules
    new Select(field("sim-revision")).selectByValue(revision);
    browser.findElement(By.id("simulate")).click();
    WebElement simulation = waitFor("#sim-result .sim-decision");
    assertThat(simulation.getText()).contains("Under " + revision).contains("Rules that fired");
    screenshot("policies-simulate");

    // When the draft is activated after confirmation, it is live
    browser.findElement(By.cssSelector("tr[data-revision='" + revision + "'] button")).click();
    waitFor("dialog.confirm button.primary").click();
    wait.until(ExpectedConditions.textToBe(By.id("active-revision"), revision));
    screenshot("policies-activated");

    Response rolledBack = as(complianceKey).post("/api/v1/policies/rollback", Map.of());
    assertThat(rolledBack.status()).as(rolledBack.body()).isEqualTo(200);
  }

  @Test
  void complianceFindsADecisionAndAServiceWithdrawalDeniesTheNextOffer() {
    String member = "m-cx-" + UUID.randomUUID().toString().substring(0, 6);
    memberConsentsToOffers(member);
    String allowedOffer = "cx-offer-" + UUID.randomUUID();
    ingestOffer(allowedOffer);
    awaitDecision(allowedOffer, member);

    // Compliance finds the offer's decision for the member and reads why
    signIn(complianceKey);
    open("#/decisions");
    new Select(field("kind")).selectByValue("eventId");
    type(field("q"), allowedOffer);
    button("Find decisions").click();
    WebElement decision = waitFor("li.decision.allowed");
    assertThat(decision.findElement(By.cssSelector(".explanation")).getText())
        .startsWith("Allowed offer event " + allowedOffer)
        .contains("decided by policy bundle");
    screenshot("decisions");
    signOut();

    // The service of the member's network withdraws the consent in the members view
    signIn(serviceKey);
    open("#/members/" + member);
    waitFor("tr[data-purpose=offers] button.danger").click();
    waitFor("dialog.confirm button.danger").click();
    wait.until(
        ExpectedConditions.numberOfElementsToBe(
            By.cssSelector("tr[data-purpose=offers] button.danger"), 0));

    // The next offer is denied, and the member's timeline says why
    String deniedOffer = "cx-offer-" + UUID.randomUUID();
    ingestOffer(deniedOffer);
    awaitDecision(deniedOffer, member);
    open("#/members/" + member + "?after=" + deniedOffer);
    WebElement denied = waitFor(".timeline li.denied[data-event-id='" + deniedOffer + "']");
    assertThat(denied.getText()).contains("Denied").contains("consent.purpose_not_granted");
    screenshot("members");
  }

  @Test
  void aBrandSeesADeliveryArriveLiveAndIsRefusedAnotherBrandsView() {
    String member = "m-cx-" + UUID.randomUUID().toString().substring(0, 6);
    memberConsentsToOffers(member);

    signIn(brandKey);
    wait.until(ExpectedConditions.urlContains("#/brands/" + BRAND));
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("stream-status"), "Connected"));

    String offer = "cx-offer-" + UUID.randomUUID();
    String offerId = "o-" + UUID.randomUUID().toString().substring(0, 8);
    ingestOffer(offer, offerId);
    waitFor("tr[data-offer-id='" + offerId + "']");
    screenshot("brands");

    open("#/brands/" + OTHER_BRAND);
    WebElement refusal = waitFor(".refusal");
    assertThat(refusal.getText()).contains("403").contains("brand " + BRAND);
    assertThat(browser.findElements(By.cssSelector("table.deliveries"))).isEmpty();
    screenshot("brands-refused");
  }

  @Test
  void theNetworksViewDrawsAgreementsAndTheConsoleFitsAPhoneScreen() {
    signIn(ADMIN_KEY);
    open("#/networks/" + NETWORK);
    WebElement drawing = waitFor("svg.network-map");
    assertThat(drawing.getAttribute("aria-label"))
        .contains(NETWORK + " and " + PARTNER + ": only " + NETWORK + " lists the agreement");
    assertThat(waitFor("table.agreements").getText()).contains("one-sided");
    screenshot("networks");

    browser.manage().window().setSize(new Dimension(390, 844));
    try {
      open("#/overview");
      waitFor("[data-stat=allowed] .stat-value");
      Object overflow =
          ((JavascriptExecutor) browser)
              .executeScript(
                  "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
      assertThat(((Number) overflow).intValue())
          .as("horizontal overflow at 390 px")
          .isLessThanOrEqualTo(0);
      screenshot("overview-390px");
    } finally {
      browser.manage().window().setSize(new Dimension(1280, 1000));
    }
  }

  @Test
  void aRefusedKeyIsToldSoAndNothingIsStored() {
    browser.get(http().uri("/console/").toString());
    type(waitFor("input[name=credential]"), "not-a-key-0000000000");
    browser.findElement(By.cssSelector("form.sign-in button")).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.cssSelector("form.sign-in .problem"), "401"));
    assertThat(browser.executeScript("return sessionStorage.length")).isEqualTo(0L);
    assertThat(browser.manage().getCookies()).isEmpty();
  }

  // --- world -----------------------------------------------------------------------------------

  private void memberConsentsToOffers(String member) {
    String hello =
        """
        {"header": {"event_id": "%s", "event_type": "member_data", "source_network": "%s",
                    "subject_member": "%s", "occurred_at": "2026-11-23T10:00:00Z"},
         "purpose": "analytics", "kind": "profile", "personal": {"interests": ["skiing"]}}
        """
            .formatted("cx-md-" + UUID.randomUUID(), NETWORK, member);
    assertThat(service0.post("/api/v1/events/member-data", hello).status()).isEqualTo(202);
    await()
        .atMost(WAIT)
        .until(
            () ->
                service0
                    .get("/api/v1/members/" + member + "/activity")
                    .json()
                    .get("networks")
                    .has(NETWORK));
    Response granted =
        service0.put(
            "/api/v1/members/" + member + "/consents/offers", Map.of("recipients", List.of(BRAND)));
    assertThat(granted.status()).as(granted.body()).isEqualTo(200);
  }

  private void ingestOffer(String eventId) {
    ingestOffer(eventId, "o-" + eventId);
  }

  private void ingestOffer(String eventId, String offerId) {
    String offer =
        """
        {"header": {"event_id": "%s", "event_type": "offer", "source_network": "%s",
                    "occurred_at": "2026-11-23T10:00:00Z"},
         "offer_id": "%s", "brand": "%s", "sku": "SKI-9", "category": "outdoor",
         "creative": {"headline": "Fresh wax"}, "target_networks": ["%s"],
         "valid_from": "2026-01-01T00:00:00Z", "valid_until": "2030-01-01T00:00:00Z"}
        """
            .formatted(eventId, NETWORK, offerId, BRAND, NETWORK);
    // offers come from the brand that makes them
    Response sent = as(brandKey).post("/api/v1/events/offers", offer);
    assertThat(sent.status()).as(sent.body()).isEqualTo(202);
  }

  private void awaitDecision(String eventId, String member) {
    GatewayHttp compliance = as(complianceKey);
    await()
        .atMost(WAIT)
        .until(
            () ->
                compliance
                    .get("/api/v1/decisions?eventId=" + eventId)
                    .json()
                    .valueStream()
                    .anyMatch(d -> member.equals(d.get("memberId").asString())));
  }

  // --- browser ---------------------------------------------------------------------------------

  private void signIn(String key) {
    browser.get(http().uri("/console/").toString());
    type(waitFor("input[name=credential]"), key);
    browser.findElement(By.cssSelector("form.sign-in button")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("nav")));
  }

  private void open(String hash) {
    browser.get(http().uri("/console/" + hash).toString());
  }

  private WebElement waitFor(String css) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
  }

  private WebElement field(String name) {
    return waitFor("[name='" + name + "']");
  }

  private WebElement button(String text) {
    return wait.until(
        ExpectedConditions.elementToBeClickable(
            By.xpath("//button[normalize-space(.)='" + text + "']")));
  }

  private static void type(WebElement input, String text) {
    input.clear();
    input.sendKeys(text);
  }

  private void screenshot(String name) {
    try {
      Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
