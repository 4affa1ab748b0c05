package dev.lattice.gateway.api.opa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.lattice.gateway.problem.ForbiddenException;
import dev.lattice.gateway.security.LatticePrincipal;
import dev.lattice.gateway.security.Role;
import dev.lattice.policy.bundle.DefaultBundle;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import tools.jackson.databind.json.JsonMapper;

class OpaDocumentAccessTest {

  private static final LatticePrincipal SERVICE =
      new LatticePrincipal(
          "key:s", Set.of(Role.SERVICE), "ski-club", null, LatticePrincipal.Method.API_KEY);
  private static final LatticePrincipal COMPLIANCE =
      new LatticePrincipal(
          "key:c", Set.of(Role.COMPLIANCE), null, null, LatticePrincipal.Method.API_KEY);

  private final OpaDocumentAccess access =
      new OpaDocumentAccess(() -> "default", DefaultBundle::load);

  @Test
  void theDecisionDocumentsAreTheBundlesRulesUnderItsRootsWithoutTests() {
    Set<String> documents = access.decisionDocuments();

    assertThat(documents).contains("lattice/decision");
    assertThat(documents).noneMatch(d -> d.contains("_test") || d.contains("/test_"));
    assertThat(documents).noneMatch(d -> d.startsWith("lattice/fixtures"));
    assertThat(documents).allMatch(d -> d.startsWith("lattice/"));
  }

  @Test
  void helperRulesBelowTheRootPackageAreNotDecisionDocumentsSinceTheyHandOutBaseData() {
    // lattice.flow.src is data.networks[input.source_network]: any network's rules
    assertThat(access.decisionDocuments())
        .contains("lattice/decision", "lattice/allow")
        .noneMatch(d -> d.chars().filter(c -> c == '/').count() > 1);
    for (String path :
        new String[] {"lattice/flow/src", "lattice/flow/dst", "lattice/sharing/dst_import"}) {
      assertThatThrownBy(() -> access.requireReadable(SERVICE, path))
          .as(path)
          .isInstanceOf(ForbiddenException.class);
    }
  }

  @Test
  void aServiceKeyMayQueryADecisionAndItsParts() {
    access.requireReadable(SERVICE, "lattice/decision");
    access.requireReadable(SERVICE, "lattice/decision/allow");
  }

  @Test
  void aServiceKeyMayNotQueryBaseDataTheRootOrTestRules() {
    for (String path :
        new String[] {
          "",
          "networks",
          "networks/ski-club",
          "lattice",
          "lattice/fixtures/networks",
          "lattice/decision_test",
          "lattice/decision_test/test_an_empty_input_is_denied_with_reasons"
        }) {
      assertThatThrownBy(() -> access.requireReadable(SERVICE, path))
          .as(path)
          .isInstanceOf(ForbiddenException.class)
          .hasMessageContaining("/v1/data/lattice/decision");
    }
  }

  @Test
  void complianceMayQueryEverything() {
    access.requireReadable(COMPLIANCE, "");
    access.requireReadable(COMPLIANCE, "networks");
    access.requireReadable(COMPLIANCE, "lattice/decision_test");
  }

  @Test
  void inRemoteModeARefusedPathIsNeverForwarded() throws Exception {
    AtomicInteger forwarded = new AtomicInteger();
    HttpServer opa = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    opa.createContext(
        "/v1/data/",
        exchange -> {
          forwarded.incrementAndGet();
          byte[] body = "{\"result\":{}}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    opa.start();
    try {
      OpaDataController controller =
          new OpaDataController(
              JsonMapper.builder().build(),
              "remote",
              "http://127.0.0.1:" + opa.getAddress().getPort(),
              Duration.ofSeconds(2),
              access);

      assertThatThrownBy(
              () ->
                  controller.data(
                      new MockHttpServletRequest("POST", "/v1/data/networks"), null, SERVICE))
          .isInstanceOf(ForbiddenException.class);
      assertThat(forwarded).hasValue(0);
      assertThat(
              controller
                  .data(
                      new MockHttpServletRequest("POST", "/v1/data/lattice/decision"),
                      null,
                      SERVICE)
                  .getStatusCode()
                  .value())
          .isEqualTo(200);
      assertThat(forwarded).hasValue(1);
    } finally {
      opa.stop(0);
    }
  }
}
