package dev.lattice.policy.internal.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.policy.Decision;
import dev.lattice.policy.DecisionServiceConfig;
import dev.lattice.policy.PolicyActivationException;
import dev.lattice.policy.PolicyActivationException.Stage;
import dev.lattice.policy.bundle.Bundle;
import dev.lattice.policy.bundle.BundleBuilder;
import dev.lattice.policy.bundle.BundleLoader;
import dev.lattice.policy.bundle.SigningKey;
import dev.lattice.policy.bundle.VerificationKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class BundleDecisionServiceTest {

  private static final String SECRET = "a-shared-secret-of-at-least-32-bytes!";

  /** A tiny bundle whose decision denies with reason code {@code rev.<tag>} unless input.ok. */
  private static Map<String, byte[]> files(String revision, String tag, String extraRego) {
    Map<String, byte[]> f = new TreeMap<>();
    f.put(
        ".manifest",
        ("{\"revision\":\"" + revision + "\",\"roots\":[\"lattice\"]}")
            .getBytes(StandardCharsets.UTF_8));
    f.put(
        "lattice/decision.rego",
        ("""
        package lattice

        import rego.v1

        decision := {"allow": true, "reasons": [], "obligations": {"redact": ["payload.email"], "pseudonymize": ["member_id"], "generalize": {"payload.city": "region"}}} if {
        	input.ok == true
        } else := {"allow": false, "reasons": [{"code": "rev.%s", "message": data.networks[input.net].name}], "obligations": {}} if {
        	input.net
        } else := {"allow": false, "reasons": [{"code": "rev.%s", "message": "no"}], "obligations": {}}
        """
                .formatted(tag, tag))
            .getBytes(StandardCharsets.UTF_8));
    f.put(
        "lattice/decision_test.rego",
        """
        package lattice.decision_test

        import rego.v1

        test_ok_allows if data.lattice.decision.allow with input as {"ok": true}
        """
            .getBytes(StandardCharsets.UTF_8));
    if (extraRego != null) f.put("lattice/extra.rego", extraRego.getBytes(StandardCharsets.UTF_8));
    return f;
  }

  private static Bundle bundle(String revision, String tag) {
    return BundleLoader.fromFiles(revision, files(revision, tag, null));
  }

  private static byte[] tarGz(Map<String, byte[]> files, SigningKey key) {
    return BundleBuilder.build(BundleLoader.fromFiles("src", files), null, key);
  }

  private static BundleDecisionService service() {
    return new BundleDecisionService(DecisionServiceConfig.defaults(), bundle("r1", "a"));
  }

  @Test
  void anAllowCarriesTheObligationsAndTheRevision() {
    Decision d = service().decide(Map.of("ok", true));

    assertThat(d.allow()).isTrue();
    assertThat(d.bundleRevision()).isEqualTo("r1");
    assertThat(d.obligations().redact()).containsExactly("payload.email");
    assertThat(d.obligations().pseudonymize()).containsExactly("member_id");
    assertThat(d.obligations().generalize()).containsEntry("payload.city", "region");
    assertThat(d.evalNanos()).isPositive();
  }

  @Test
  void anExplanationListsTheRulesThatFired() {
    Decision d = service().decide(Map.of("ok", true), true);

    assertThat(d.explanation()).extracting(r -> r.rule()).anyMatch(r -> r.contains("decision"));
    assertThat(service().decide(Map.of("ok", true)).explanation()).isEmpty();
  }

  @Test
  void anUndefinedDecisionIsADenyWithPolicyUndefined() {
    var svc =
        new BundleDecisionService(
            new DecisionServiceConfig(List.of(), false),
            BundleLoader.fromFiles(
                "u",
                Map.of(
                    ".manifest",
                        "{\"revision\":\"u1\",\"roots\":[\"lattice\"]}"
                            .getBytes(StandardCharsets.UTF_8),
                    "lattice/d.rego",
                        "package lattice\n\nimport rego.v1\n\ndecision := {\"allow\": true} if input.ok\n"
                            .getBytes(StandardCharsets.UTF_8))));

    Decision d = svc.decide(Map.of());

    assertThat(d.allow()).isFalse();
    assertThat(d.reasonCodes()).containsExactly(Decision.POLICY_UNDEFINED);
  }

  @Test
  void anEvaluationErrorIsADenyWithPolicyError() {
    var svc =
        new BundleDecisionService(
            new DecisionServiceConfig(List.of(), false),
            BundleLoader.fromFiles(
                "e",
                Map.of(
                    ".manifest",
                        "{\"revision\":\"e1\",\"roots\":[\"lattice\"]}"
                            .getBytes(StandardCharsets.UTF_8),
                    "lattice/d.rego",
                        "package lattice\n\nimport rego.v1\n\ndecision := {\"allow\": true} if input.a\n\ndecision := {\"allow\": false} if input.b\n"
                            .getBytes(StandardCharsets.UTF_8))));

    Decision d = svc.decide(Map.of("a", true, "b", true));

    assertThat(d.allow()).isFalse();
    assertThat(d.reasonCodes()).containsExactly(Decision.POLICY_ERROR);
  }

  @Test
  void aDecisionWithoutBooleanAllowIsADeny() {
    var svc =
        new BundleDecisionService(
            new DecisionServiceConfig(List.of(), false),
            BundleLoader.fromFiles(
                "s",
                Map.of(
                    ".manifest",
                        "{\"revision\":\"s1\",\"roots\":[\"lattice\"]}"
                            .getBytes(StandardCharsets.UTF_8),
                    "lattice/d.rego",
                        "package lattice\n\ndecision := {\"allow\": \"yes\"}\n"
                            .getBytes(StandardCharsets.UTF_8))));

    assertThat(svc.decide(Map.of()).reasonCodes()).containsExactly(Decision.POLICY_UNDEFINED);
  }

  @Test
  void aNewBundleIsActivatedAndReportsThePreviousRevision() {
    var svc = service();

    var result = svc.activate(tarGz(files("r2", "b", null), null));

    assertThat(result.revision()).isEqualTo("r2");
    assertThat(result.previousRevision()).isEqualTo("r1");
    assertThat(result.testsPassed()).isEqualTo(1);
    assertThat(svc.activeRevision()).isEqualTo("r2");
    assertThat(svc.decide(Map.of()).reasonCodes()).containsExactly("rev.b");
  }

  @Test
  void aBundleWithASyntaxErrorIsRefusedAndTheOldOneKeepsDeciding() {
    var svc = service();

    assertThatThrownBy(
            () -> svc.activate(tarGz(files("r2", "b", "package lattice\n\nbroken := {\n"), null)))
        .isInstanceOfSatisfying(
            PolicyActivationException.class,
            e -> {
              assertThat(e.stage()).isEqualTo(Stage.COMPILE);
              assertThat(e.revision()).isEqualTo("r2");
              assertThat(e.getMessage()).contains("lattice/extra.rego:");
            });
    assertThat(svc.activeRevision()).isEqualTo("r1");
    assertThat(svc.decide(Map.of()).reasonCodes()).containsExactly("rev.a");
  }

  @Test
  void aBundleWithAFailingTestIsRefusedNamingTheTest() {
    var svc = service();
    String failing =
        "package lattice.extra_test\n\nimport rego.v1\n\ntest_denies_everything if data.lattice.decision.allow == false with input as {\"ok\": true}\n";

    assertThatThrownBy(() -> svc.activate(tarGz(files("r2", "b", failing), null)))
        .isInstanceOfSatisfying(
            PolicyActivationException.class,
            e -> {
              assertThat(e.stage()).isEqualTo(Stage.TEST);
              assertThat(e.getMessage())
                  .contains(
                      "FAIL: data.lattice.extra_test.test_denies_everything (lattice/extra.rego:5:1)");
              assertThat(e.getMessage()).contains("1 passed, 1 failed");
            });
    assertThat(svc.activeRevision()).isEqualTo("r1");
  }

  @Test
  void aBundleThatDoesNotLoadIsRefused() {
    var svc = service();

    assertThatThrownBy(() -> svc.activate("not a tarball".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            PolicyActivationException.class, e -> assertThat(e.stage()).isEqualTo(Stage.LOAD));
    assertThat(svc.activeRevision()).isEqualTo("r1");
  }

  @Test
  void aBundleWithoutDecisionRuleIsRefused() {
    var svc = service();
    Map<String, byte[]> f = new TreeMap<>();
    f.put(
        ".manifest",
        "{\"revision\":\"r9\",\"roots\":[\"lattice\"]}".getBytes(StandardCharsets.UTF_8));
    f.put("lattice/p.rego", "package lattice\n\nallow := true\n".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> svc.activate(tarGz(f, null)))
        .isInstanceOfSatisfying(
            PolicyActivationException.class,
            e -> assertThat(e.getMessage()).contains("defines no data.lattice.decision"));
  }

  @Test
  void withAKeyConfiguredABadSignatureIsRefusedAndTheOldBundleKeepsDeciding() {
    VerificationKey key = new VerificationKey("k1", "HS256", SECRET);
    var svc =
        new BundleDecisionService(
            new DecisionServiceConfig(List.of(key), true),
            BundleLoader.fromTarGz(
                "r1", tarGz(files("r1", "a", null), new SigningKey("k1", "HS256", SECRET))));
    byte[] wronglySigned =
        tarGz(
            files("r2", "b", null),
            new SigningKey("k1", "HS256", "another-secret-that-is-long-enough-32"));
    byte[] unsigned = tarGz(files("r3", "c", null), null);

    assertThatThrownBy(() -> svc.activate(wronglySigned))
        .isInstanceOfSatisfying(
            PolicyActivationException.class, e -> assertThat(e.stage()).isEqualTo(Stage.VERIFY));
    assertThatThrownBy(() -> svc.activate(unsigned))
        .isInstanceOfSatisfying(
            PolicyActivationException.class,
            e -> {
              assertThat(e.stage()).isEqualTo(Stage.VERIFY);
              assertThat(e.getMessage()).contains(".signatures.json: missing");
            });
    assertThat(svc.activeRevision()).isEqualTo("r1");
    assertThat(
            svc.activate(tarGz(files("r4", "d", null), new SigningKey("k1", "HS256", SECRET)))
                .revision())
        .isEqualTo("r4");
  }

  @Test
  void dataOutsideTheRootsReachesThePolicyAndCannotShadowTheBundle() {
    var svc = service();

    svc.putData("networks/ski-club", Map.of("name", "Ski Club"));
    Decision d = svc.decide(Map.of("net", "ski-club"));

    assertThat(d.reasons().get(0).message()).isEqualTo("Ski Club");
    assertThatThrownBy(() -> svc.putData("lattice/x", 1))
        .isInstanceOf(IllegalArgumentException.class);
    svc.activate(tarGz(files("r2", "b", null), null));
    assertThat(svc.decide(Map.of("net", "ski-club")).reasons().get(0).message())
        .isEqualTo("Ski Club");
    svc.removeData("networks/ski-club");
    assertThat(svc.decide(Map.of("net", "ski-club")).reasonCodes()).containsExactly("rev.b");
  }

  /**
   * An input document that, the first time the engine reads it (that is, after the service has
   * picked the bundle to evaluate on), announces it and waits until the test lets it go on.
   */
  private static final class GatedInput extends java.util.AbstractMap<String, Object> {
    final CountDownLatch reading = new CountDownLatch(1);
    final CountDownLatch proceed = new CountDownLatch(1);
    private final AtomicBoolean first = new AtomicBoolean(true);

    @Override
    public Set<Entry<String, Object>> entrySet() {
      if (first.getAndSet(false)) {
        reading.countDown();
        try {
          proceed.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return Set.of();
    }
  }

  @Test
  void aDecisionInFlightFinishesOnTheBundleItStartedWith() throws Exception {
    var svc = service();
    GatedInput input = new GatedInput();
    var result = new java.util.concurrent.atomic.AtomicReference<Decision>();
    Thread decider = new Thread(() -> result.set(svc.decide(input)));
    decider.start();
    assertThat(input.reading.await(30, java.util.concurrent.TimeUnit.SECONDS))
        .as("the engine read the input")
        .isTrue();

    svc.activate(tarGz(files("r2", "b", null), null));
    input.proceed.countDown();
    decider.join();

    assertThat(result.get().bundleRevision()).isEqualTo("r1");
    assertThat(result.get().reasonCodes()).containsExactly("rev.a");
    assertThat(svc.decide(Map.of()).reasonCodes()).containsExactly("rev.b");
  }

  @Test
  void concurrentDecisionsEachSeeOneWholeBundleWhileBundlesSwap() throws Exception {
    var svc = service();
    byte[] a = tarGz(files("r1", "a", null), null);
    byte[] b = tarGz(files("r2", "b", null), null);
    AtomicBoolean stop = new AtomicBoolean();
    ConcurrentLinkedQueue<String> inconsistencies = new ConcurrentLinkedQueue<>();
    CountDownLatch started = new CountDownLatch(3);
    List<Thread> deciders = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      Thread th =
          new Thread(
              () -> {
                started.countDown();
                while (!stop.get()) {
                  Decision d = svc.decide(Map.of());
                  String expected = d.bundleRevision().equals("r1") ? "rev.a" : "rev.b";
                  if (!d.reasonCodes().equals(List.of(expected)))
                    inconsistencies.add(d.bundleRevision() + " " + d.reasonCodes());
                }
              });
      th.start();
      deciders.add(th);
    }
    started.await();
    for (int i = 0; i < 20; i++) svc.activate(i % 2 == 0 ? b : a);
    stop.set(true);
    for (Thread th : deciders) th.join();

    assertThat(inconsistencies).isEmpty();
    assertThat(svc.activeRevision()).isEqualTo("r1");
  }
}
