package dev.lattice.gateway.api.opa;

import dev.lattice.gateway.api.networks.NetworkService;
import dev.lattice.gateway.api.policies.PolicyRegistry;
import dev.lattice.gateway.problem.FieldProblem;
import dev.lattice.gateway.problem.InvalidRequestException;
import dev.lattice.gateway.problem.JsonSyntaxProblem;
import dev.lattice.gateway.security.LatticePrincipal;
import dev.lattice.policy.CompiledPolicy;
import dev.lattice.policy.Decision;
import dev.lattice.policy.DecisionService;
import dev.lattice.policy.QueryResult;
import dev.lattice.policy.Rego;
import dev.lattice.policy.RegoException;
import dev.lattice.policy.bundle.Bundle;
import dev.lattice.policy.bundle.BundleLoader;
import dev.lattice.policy.bundle.DefaultBundle;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Open Policy Agent's data API: {@code POST /v1/data/{path}} with {@code {"input": …}} (or {@code
 * GET /v1/data/{path}?input=<URL-encoded JSON>}, OPA's GET form) answers {@code {"result": …,
 * "decision_id": …}} (no {@code result} when the document is undefined), as OPA does. {@code
 * data.lattice.decision} goes through the live decision service (the same one the topology uses,
 * with the network rules); other paths are evaluated on the active bundle plus the network rules.
 * With {@code lattice.policy.engine=remote} the request is forwarded to the remote OPA server. A
 * SERVICE key may query decision documents only ({@link OpaDocumentAccess}), checked before
 * evaluating and before forwarding.
 */
@RestController
@Tag(name = "OPA data API", description = "OPA-compatible policy queries")
public class OpaDataController {
  private static final String RESULT_VAR = "lattice_opa_result";

  private final DecisionService live;
  private final PolicyRegistry registry;
  private final NetworkService networks;
  private final JsonMapper json;
  private final String engine;
  private final String remoteUrl;
  private final Duration remoteTimeout;
  private volatile Compiled compiled;
  private final OpaDocumentAccess access;

  private record Compiled(String key, CompiledPolicy policy) {}

  @org.springframework.beans.factory.annotation.Autowired
  public OpaDataController(
      DecisionService live,
      PolicyRegistry registry,
      NetworkService networks,
      JsonMapper json,
      @Value("${lattice.policy.engine:embedded}") String engine,
      @Value("${lattice.policy.remote.url:}") String remoteUrl,
      @Value("${lattice.policy.remote.timeout:2s}") Duration remoteTimeout) {
    this.live = live;
    this.registry = registry;
    this.networks = networks;
    this.json = json;
    this.engine = engine;
    this.remoteUrl = remoteUrl;
    this.remoteTimeout = remoteTimeout;
    this.access =
        new OpaDocumentAccess(
            () -> registry.activeRevision(), () -> activeBundle(registry.activeRevision()));
  }

  /** For tests: a controller with its own document access rule. */
  OpaDataController(
      JsonMapper json,
      String engine,
      String remoteUrl,
      Duration remoteTimeout,
      OpaDocumentAccess access) {
    this.live = null;
    this.registry = null;
    this.networks = null;
    this.json = json;
    this.engine = engine;
    this.remoteUrl = remoteUrl;
    this.remoteTimeout = remoteTimeout;
    this.access = access;
  }

  @GetMapping(path = "/v1/data/**", produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary =
          "Evaluate data.<path>, with the input given as JSON in the input query parameter (OPA"
              + " REST API, GET form)")
  public ResponseEntity<Map<String, Object>> dataByGet(
      HttpServletRequest request,
      @RequestParam(name = "input", required = false) String input,
      @AuthenticationPrincipal LatticePrincipal caller) {
    JsonNode body = null;
    if (input != null) {
      JsonNode parsed;
      try {
        parsed = json.readTree(input);
      } catch (JacksonException e) {
        throw new InvalidRequestException(
            "The input query parameter is not JSON",
            List.of(
                new FieldProblem(
                    "input",
                    "must be a JSON value (URL-encoded): " + JsonSyntaxProblem.of(e).message())));
      }
      body = json.createObjectNode().set("input", parsed);
    }
    return data(request, body, caller);
  }

  @PostMapping(path = "/v1/data/**", produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Evaluate data.<path> with the given input (OPA REST API)")
  public ResponseEntity<Map<String, Object>> data(
      HttpServletRequest request,
      @RequestBody(required = false) JsonNode body,
      @AuthenticationPrincipal LatticePrincipal caller) {
    String path =
        request.getRequestURI().substring(request.getContextPath().length() + "/v1/data".length());
    path = path.startsWith("/") ? path.substring(1) : path;
    if (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    Object input =
        body == null || !body.has("input")
            ? null
            : json.convertValue(body.get("input"), Object.class);
    access.requireReadable(caller, path);
    String decisionId = UUID.randomUUID().toString();
    if ("remote".equals(engine)) {
      return forward(path, body, decisionId);
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    if (path.equals("lattice/decision") && input instanceof Map<?, ?> inputObject) {
      // The live decision service (the topology's own). Without an input object, as OPA does, the
      // document is evaluated over whatever input there is (none: input is undefined), below.
      @SuppressWarnings("unchecked")
      Decision decision = live.decide((Map<String, Object>) inputObject, false);
      Map<String, Object> result = new LinkedHashMap<>(decision.toMap());
      result.remove("eval_nanos");
      result.remove("bundle_revision");
      answer.put("result", result);
    } else {
      QueryResult result;
      try {
        // An assignment, not the bare ref: a document whose value is false (a rule at its
        // default, `default allow := false`) is then answered {"result": false} as OPA does,
        // where the bare term would be a failed test and read as undefined.
        result = policy().prepare(RESULT_VAR + " := " + query(path)).evaluate(input);
      } catch (RegoException e) {
        throw new InvalidRequestException(
            "The query could not be evaluated", List.of(new FieldProblem("path", e.getMessage())));
      }
      if (result.defined()) {
        answer.put("result", result.bindings().getFirst().get(RESULT_VAR));
      }
    }
    answer.put("decision_id", decisionId);
    return ResponseEntity.ok(answer);
  }

  private Bundle activeBundle(String revision) {
    return registry
        .find(revision)
        .map(r -> BundleLoader.fromTarGz(revision, bytes(r.getBundle())))
        .orElseGet(DefaultBundle::load);
  }

  private static String query(String path) {
    StringBuilder q = new StringBuilder("data");
    if (!path.isEmpty()) {
      for (String segment : path.split("/")) {
        if (!segment.matches("[A-Za-z0-9_.-]+")) {
          throw new InvalidRequestException(
              "Bad path segment",
              List.of(new FieldProblem("path", "segment '" + segment + "' is not allowed")));
        }
        q.append("[\"").append(segment).append("\"]");
      }
    }
    return q.toString();
  }

  private CompiledPolicy policy() {
    String revision = registry.activeRevision();
    List<?> docs = networks.list();
    String key = revision + "#" + docs.hashCode();
    Compiled current = compiled;
    if (current != null && current.key().equals(key)) {
      return current.policy();
    }
    Bundle bundle = activeBundle(revision);
    Map<String, Object> data = new LinkedHashMap<>(bundle.data());
    Map<String, Object> networkData = new LinkedHashMap<>();
    networks
        .list()
        .forEach(
            n ->
                networkData.put(
                    n.getNetworkId(),
                    json.readValue(n.getRulesJson(), new TypeReference<Map<String, Object>>() {})));
    data.put("networks", networkData);
    CompiledPolicy policy = Rego.compile(bundle.modules(), data);
    compiled = new Compiled(key, policy);
    return policy;
  }

  private static byte[] bytes(java.nio.ByteBuffer buffer) {
    java.nio.ByteBuffer copy = buffer.duplicate();
    byte[] out = new byte[copy.remaining()];
    copy.get(out);
    return out;
  }

  private ResponseEntity<Map<String, Object>> forward(
      String path, JsonNode body, String decisionId) {
    try (HttpClient client = HttpClient.newBuilder().connectTimeout(remoteTimeout).build()) {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(remoteUrl.replaceAll("/$", "") + "/v1/data/" + path))
              .timeout(remoteTimeout)
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      body == null ? "{}" : json.writeValueAsString(body)))
              .build();
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      Map<String, Object> answer =
          json.readValue(response.body(), new TypeReference<Map<String, Object>>() {});
      answer.putIfAbsent("decision_id", decisionId);
      return ResponseEntity.status(response.statusCode()).body(answer);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(e);
    } catch (java.io.IOException | RuntimeException e) {
      throw unavailable(e);
    }
  }

  private static dev.lattice.gateway.problem.ApiProblemException unavailable(Exception e) {
    return new dev.lattice.gateway.problem.ApiProblemException(
        HttpStatus.BAD_GATEWAY,
        "opa-unavailable",
        "Remote OPA unavailable",
        "The remote OPA server did not answer in time (" + e.getClass().getSimpleName() + ")");
  }
}
