package dev.lattice.gateway.api.opa;

import dev.lattice.policy.ActivationResult;
import dev.lattice.policy.Decision;
import dev.lattice.policy.DecisionService;
import dev.lattice.policy.Obligations;
import dev.lattice.policy.PolicyActivationException;
import dev.lattice.policy.Reason;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@link DecisionService} that asks a remote Open Policy Agent server ({@code POST
 * /v1/data/lattice/decision}). Fail closed: a timeout, a transport error, a non-200 answer or an
 * undefined result is a deny ({@code policy.error} / {@code policy.undefined}). Network rules go to
 * the server's data API ({@code PUT /v1/data/networks/<id>}); bundles are managed on the OPA server
 * itself, so {@link #activate} is refused. Thread-safe.
 */
public final class RemoteOpaDecisionService implements DecisionService {

  private static final Logger LOGGER = LoggerFactory.getLogger(RemoteOpaDecisionService.class);

  private final URI base;
  private final Duration timeout;
  private final HttpClient client;
  private final JsonMapper json = JsonMapper.builder().build();

  public RemoteOpaDecisionService(URI base, Duration timeout) {
    String url = base.toString();
    this.base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    this.timeout = timeout;
    this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override
  public Decision decide(Map<String, Object> input, boolean explain) {
    long start = System.nanoTime();
    try {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("input", input);
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(base + "/v1/data/lattice/decision"))
              .timeout(timeout)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
              .build();
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      long nanos = System.nanoTime() - start;
      if (response.statusCode() != 200) {
        return Decision.deny(
            Decision.POLICY_ERROR,
            "remote OPA answered HTTP " + response.statusCode(),
            "remote",
            nanos);
      }
      JsonNode result = json.readTree(response.body()).get("result");
      if (result == null
          || !result.isObject()
          || !result.has("allow")
          || !result.get("allow").isBoolean()) {
        return Decision.deny(
            Decision.POLICY_UNDEFINED,
            "remote OPA gave no decision with a boolean allow",
            "remote",
            nanos);
      }
      return read(result, nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Decision.deny(
          Decision.POLICY_ERROR,
          "interrupted while asking remote OPA",
          "remote",
          System.nanoTime() - start);
    } catch (Exception e) {
      LOGGER.warn("Remote OPA decision failed, denying: {}", e.toString());
      return Decision.deny(
          Decision.POLICY_ERROR,
          "remote OPA unreachable or too slow (" + e.getClass().getSimpleName() + ")",
          "remote",
          System.nanoTime() - start);
    }
  }

  private static Decision read(JsonNode result, long nanos) {
    List<Reason> reasons = new ArrayList<>();
    JsonNode rs = result.get("reasons");
    if (rs != null && rs.isArray()) {
      rs.forEach(
          r ->
              reasons.add(
                  new Reason(
                      text(r.get("code"), "policy.reason"),
                      text(r.get("message"), ""),
                      detail(r.get("detail")))));
    }
    boolean allow = result.get("allow").asBoolean();
    Obligations obligations = Obligations.NONE;
    JsonNode o = result.get("obligations");
    if (allow && o != null && o.isObject()) {
      List<String> redact = new ArrayList<>();
      List<String> pseudonymize = new ArrayList<>();
      Map<String, String> generalize = new LinkedHashMap<>();
      if (o.has("redact")) o.get("redact").forEach(v -> redact.add(v.asString()));
      if (o.has("pseudonymize")) o.get("pseudonymize").forEach(v -> pseudonymize.add(v.asString()));
      if (o.has("generalize") && o.get("generalize").isObject()) {
        o.get("generalize")
            .properties()
            .forEach(e -> generalize.put(e.getKey(), e.getValue().asString()));
      }
      Map<String, String> coarsenTime = new LinkedHashMap<>();
      if (o.has("coarsen_time") && o.get("coarsen_time").isObject()) {
        o.get("coarsen_time")
            .properties()
            .forEach(e -> coarsenTime.put(e.getKey(), e.getValue().asString()));
      }
      obligations = new Obligations(redact, pseudonymize, generalize, coarsenTime);
    }
    return new Decision(allow, reasons, obligations, "remote", nanos, List.of());
  }

  private static Map<String, String> detail(JsonNode node) {
    Map<String, String> detail = new LinkedHashMap<>();
    if (node != null && node.isObject()) {
      node.properties()
          .forEach(
              e ->
                  detail.put(
                      e.getKey(),
                      e.getValue().isString() ? e.getValue().asString() : e.getValue().toString()));
    }
    return detail;
  }

  private static String text(JsonNode node, String fallback) {
    return node == null || node.isNull() ? fallback : node.asString();
  }

  @Override
  public String activeRevision() {
    return "remote";
  }

  @Override
  public ActivationResult activate(Path bundle) {
    throw refused();
  }

  @Override
  public ActivationResult activate(byte[] bundleTarGz) {
    throw refused();
  }

  private static PolicyActivationException refused() {
    return new PolicyActivationException(
        PolicyActivationException.Stage.LOAD,
        "",
        List.of(
            "lattice.policy.engine=remote: bundles are managed on the remote OPA server, not by"
                + " Lattice"));
  }

  @Override
  public void putData(String path, Object document) {
    send("PUT", path, document);
  }

  @Override
  public void removeData(String path) {
    send("DELETE", path, null);
  }

  private void send(String method, String path, Object document) {
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(base + "/v1/data/" + path)).timeout(timeout);
      if (document == null) {
        request.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        request
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(document)));
      }
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2
          && !(method.equals("DELETE") && response.statusCode() == 404)) {
        throw new IllegalStateException(
            "remote OPA refused "
                + method
                + " /v1/data/"
                + path
                + ": HTTP "
                + response.statusCode());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing data to remote OPA", e);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(
          "remote OPA unreachable for " + method + " /v1/data/" + path, e);
    }
  }
}
