package dev.lattice.gateway.api.policies;

import dev.lattice.gateway.problem.FieldProblem;
import dev.lattice.gateway.problem.InvalidRequestException;
import dev.lattice.gateway.problem.PayloadTooLargeException;
import dev.lattice.gateway.security.LatticePrincipal;
import dev.lattice.policy.Decision;
import dev.lattice.policy.DecisionService;
import dev.lattice.schemas.avro.PolicyBundleRecord;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Policy bundles for compliance teams: upload (compiled and tested, stored as a draft), simulate
 * with an explanation, replay recent traffic, activate, roll back, and the history of who did what
 * when.
 */
@RestController
@RequestMapping("/api/v1/policies")
@Tag(name = "Policies", description = "Rego bundles: draft, simulate, replay, activate, roll back")
public class PolicyController {

  private final PolicyRegistry registry;
  private final DecisionService live;
  private final PolicyReplay replay;
  private final JsonMapper json;
  private final long maxBundleBytes;
  private final BundleUploadLimits uploadLimits;
  private final dev.lattice.gateway.cluster.ClusterQueries cluster;

  public PolicyController(
      PolicyRegistry registry,
      DecisionService live,
      PolicyReplay replay,
      JsonMapper json,
      dev.lattice.gateway.limits.RequestLimits limits,
      dev.lattice.gateway.cluster.ClusterQueries cluster) {
    this.cluster = cluster;
    this.registry = registry;
    this.live = live;
    this.replay = replay;
    this.json = json;
    this.maxBundleBytes = limits.maxBundleBytes();
    this.uploadLimits =
        new BundleUploadLimits(limits.maxBundleUncompressedBytes(), limits.maxBundleEntries());
  }

  /** One entry of the history: a bundle recorded as draft or activated, by whom and when. */
  public record PolicyView(
      String revision, String status, String sha256, Instant at, String by, String message) {
    static PolicyView of(PolicyBundleRecord r) {
      return new PolicyView(
          r.getRevision(),
          r.getStatus(),
          r.getSha256(),
          r.getPublishedAt(),
          r.getPublishedBy(),
          r.getMessage());
    }
  }

  /** The active revision and the history, oldest first. */
  public record PolicyHistory(
      String activeRevision, String shippedRevision, List<PolicyView> history) {}

  /** The answer to a simulation. */
  public record Simulation(
      String revision,
      Map<String, Object> decision,
      Map<String, Object> liveDecision,
      boolean differsFromLive) {}

  /** A request to roll back; without a revision, to the one active before the current one. */
  public record Rollback(
      String revision,
      @io.swagger.v3.oas.annotations.Hidden @com.fasterxml.jackson.annotation.JsonAnySetter
          java.util.Map<String, Object> unknown) {}

  /** The answer to an activation or rollback. */
  public record Activation(
      String revision, String previousRevision, String by, Instant at, boolean effective) {}

  @PostMapping(consumes = {"application/gzip", "application/x-gzip", "application/octet-stream"})
  @Operation(
      summary =
          "Upload an OPA bundle (.tar.gz); it is compiled and its tests run, then stored as a draft",
      description = "422 with the compile/test errors (file:line:col) when the bundle is refused.")
  public ResponseEntity<PolicyView> upload(
      HttpServletRequest request, @AuthenticationPrincipal LatticePrincipal caller) {
    byte[] bytes;
    try (InputStream in = request.getInputStream()) {
      bytes = in.readNBytes((int) maxBundleBytes + 1);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the uploaded bundle", e);
    }
    if (bytes.length > maxBundleBytes) {
      throw new PayloadTooLargeException(maxBundleBytes, "lattice.limits.max-bundle-bytes");
    }
    if (bytes.length == 0) {
      throw new InvalidRequestException(
          "No bundle uploaded",
          List.of(new FieldProblem("bundle", "send the .tar.gz as the body")));
    }
    uploadLimits.check(bytes);
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(PolicyView.of(registry.upload(bytes, caller.name())));
  }

  @GetMapping
  @Operation(summary = "The active revision and the history: who uploaded and activated what, when")
  public PolicyHistory history() {
    return new PolicyHistory(
        registry.activeRevision(),
        registry.shippedRevision(),
        registry.history().stream().map(PolicyView::of).toList());
  }

  @PostMapping("/{revision}/simulate")
  @Operation(
      summary =
          "Decide one input under a revision, with the rules that fired, next to the live decision",
      description = "Body: {\"input\": {...}} as in docs/decision-contract.md.")
  public Simulation simulate(@PathVariable String revision, @RequestBody JsonNode body) {
    if (body != null && body.isObject()) {
      // {"input": ...} only: a misspelt {"inptu": ...} next to it would otherwise pass unseen
      List<FieldProblem> unknown =
          body.propertyNames().stream()
              .filter(name -> !name.equals("input"))
              .sorted()
              .map(name -> new FieldProblem("$." + name, "is not a field of a simulation"))
              .toList();
      if (!unknown.isEmpty()) {
        throw new InvalidRequestException(
            "The simulation has " + unknown.size() + " unknown field(s)", unknown);
      }
    }
    JsonNode input = body == null ? null : body.get("input");
    if (input == null || !input.isObject()) {
      throw new InvalidRequestException(
          "A simulation needs an input document",
          List.of(
              new FieldProblem("$.input", "must be an object (see docs/decision-contract.md)")));
    }
    Map<String, Object> document =
        json.convertValue(input, new TypeReference<Map<String, Object>>() {});
    Decision draft = registry.draft(revision).decide(document, true);
    Decision current = live.decide(document, true);
    return new Simulation(
        revision,
        draft.toMap(),
        current.toMap(),
        draft.allow() != current.allow() || !draft.reasonCodes().equals(current.reasonCodes()));
  }

  @PostMapping("/{revision}/replay")
  @Operation(
      summary =
          "Re-decide recent real traffic under a revision and compare with the live decisions",
      description =
          "Reads a window of recent audit decisions and their events from the ingest topics"
              + " (read-only) and reports what the revision would newly allow or deny, per"
              + " network, brand and reason. Body: {\"window\": \"PT1H\", \"limit\": 1000}.")
  public PolicyReplay.Report replay(
      @PathVariable String revision,
      @RequestBody(required = false) JsonNode body,
      HttpServletRequest request) {
    replayShape(body);
    Duration window = replayWindow(body);
    int limit = replayLimit(body);
    return replay.replay(
        revision,
        registry.draft(revision),
        window,
        limit,
        references -> membersElsewhere(references, request));
  }

  /** References asked of another instance in one request (its URL stays well under 8 KB). */
  static final int REFERENCES_PER_REQUEST = 80;

  /**
   * Instance to instance only (a request another instance of the cluster signed, with the replaying
   * caller's credentials): the members that audit references name among the members hosted here.
   * Any other caller gets 404, as for a path no endpoint serves: the link from a reference to a
   * member never leaves the cluster.
   */
  @GetMapping("/replay-members")
  @dev.lattice.gateway.cluster.ClusterQuery(member = "")
  @io.swagger.v3.oas.annotations.Hidden
  public Map<String, String> replayMembers(
      HttpServletRequest request,
      @org.springframework.web.bind.annotation.RequestParam(required = false) String references) {
    if (!dev.lattice.gateway.cluster.ClusterQueries.forwarded(request)) {
      throw new dev.lattice.gateway.problem.ApiProblemException(
          HttpStatus.NOT_FOUND, "not-found", "Not found", "No endpoint serves this path");
    }
    if (references == null || references.isBlank()) {
      return Map.of();
    }
    List<String> asked = List.of(references.split(","));
    if (asked.size() > REFERENCES_PER_REQUEST) {
      throw new InvalidRequestException(
          "Too many references",
          List.of(
              new FieldProblem(
                  "references", "at most " + REFERENCES_PER_REQUEST + " per request")));
    }
    return replay.membersHere(asked);
  }

  /** How long a replay keeps asking instances that are rebalancing for the members they host. */
  static final Duration MEMBERS_ELSEWHERE_PATIENCE = Duration.ofSeconds(15);

  private Map<String, String> membersElsewhere(
      java.util.Set<String> references, HttpServletRequest request) {
    Map<String, String> out = new java.util.HashMap<>();
    List<String> all = List.copyOf(references);
    for (int from = 0; from < all.size(); from += REFERENCES_PER_REQUEST) {
      // one parameter, comma-separated: a repeated query parameter is refused (400)
      String query =
          "references="
              + all.subList(from, Math.min(all.size(), from + REFERENCES_PER_REQUEST)).stream()
                  .map(r -> java.net.URLEncoder.encode(r, StandardCharsets.UTF_8))
                  .collect(java.util.stream.Collectors.joining(","));
      String target = request.getContextPath() + "/api/v1/policies/replay-members?" + query;
      // An instance that is rebalancing answers 503 (or the cluster cannot be located): asked
      // again for a while; after that its members are replayed without consent (the report's
      // approximations say so) rather than the replay failing.
      dev.lattice.gateway.cluster.ClusterQueries.patiently(
              () ->
                  cluster.askEveryOtherHost(
                      request, target, new TypeReference<Map<String, String>>() {}),
              MEMBERS_ELSEWHERE_PATIENCE)
          .forEach(out::putAll);
    }
    return out;
  }

  /**
   * The replay body is absent, {@code null} or an object with {@code window} and {@code limit}
   * only: a misspelt {@code windw} would otherwise replay the default hour without a word.
   */
  static void replayShape(JsonNode body) {
    if (body == null || body.isNull() || body.isMissingNode()) {
      return;
    }
    if (!body.isObject()) {
      throw new InvalidRequestException(
          "The replay request is not an object",
          List.of(
              new FieldProblem("$", "must be an object {\"window\": \"PT1H\", \"limit\": 1000}")));
    }
    List<FieldProblem> unknown =
        body.propertyNames().stream()
            .filter(name -> !name.equals("window") && !name.equals("limit"))
            .sorted()
            .map(name -> new FieldProblem("$." + name, "is not a field of a replay request"))
            .toList();
    if (!unknown.isEmpty()) {
      throw new InvalidRequestException(
          "The replay request has " + unknown.size() + " unknown field(s)", unknown);
    }
  }

  static final Duration MAX_REPLAY_WINDOW = Duration.ofDays(366);

  /**
   * The replay body's {@code window}: a positive ISO-8601 duration of at most {@link
   * #MAX_REPLAY_WINDOW}, one hour when absent.
   */
  static Duration replayWindow(JsonNode body) {
    if (body == null || !body.hasNonNull("window")) {
      return Duration.ofHours(1);
    }
    JsonNode node = body.get("window");
    Duration window = null;
    if (node.isString()) {
      try {
        window = Duration.parse(node.asString());
      } catch (RuntimeException e) {
        window = null;
      }
    }
    // Longer than a year is no replay anyone waits for, and far longer overflows the clock (it
    // answered 500): a 400 at the field instead.
    if (window == null
        || window.isNegative()
        || window.isZero()
        || window.compareTo(MAX_REPLAY_WINDOW) > 0) {
      throw new InvalidRequestException(
          "Bad window",
          List.of(
              new FieldProblem(
                  "$.window", "must be a positive ISO-8601 duration such as PT1H, at most P366D")));
    }
    return window;
  }

  /**
   * The replay body's {@code limit}: a whole number of at least 1 (above 10,000 it is 10,000),
   * 1,000 when absent. Anything else is a 400 at {@code $.limit}, never a 500 or a silent default.
   */
  static int replayLimit(JsonNode body) {
    if (body == null || !body.hasNonNull("limit")) {
      return 1000;
    }
    JsonNode node = body.get("limit");
    if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < 1) {
      throw new InvalidRequestException(
          "Bad limit",
          List.of(new FieldProblem("$.limit", "must be a whole number from 1 to 10000")));
    }
    return (int) Math.min(node.asLong(), 10_000);
  }

  @PostMapping("/{revision}/activate")
  @Operation(summary = "Make a revision the live policy on every instance")
  public Activation activate(
      @PathVariable String revision, @AuthenticationPrincipal LatticePrincipal caller) {
    String previous = registry.activeRevision();
    registry.draft(revision); // 404 for an unknown revision, before anything is recorded
    PolicyBundleRecord record =
        registry.activate(revision, caller.name(), "activated (previous " + previous + ")");
    return new Activation(
        revision, previous, caller.name(), record.getPublishedAt(), awaitLive(revision));
  }

  @PostMapping("/rollback")
  @Operation(
      summary = "Roll back to an earlier revision (default: the one active before the current one)")
  public Activation rollback(
      @RequestBody(required = false) Rollback body,
      @AuthenticationPrincipal LatticePrincipal caller) {
    dev.lattice.gateway.problem.UnknownFields.refuse(
        body == null ? null : body.unknown(), "rollback");
    String previous = registry.activeRevision();
    String target =
        body != null && body.revision() != null
            ? body.revision()
            : registry
                .previousActive()
                .orElseThrow(
                    () ->
                        new InvalidRequestException(
                            "Nothing to roll back to",
                            List.of(
                                new FieldProblem(
                                    "$.revision", "no earlier active revision; name one"))));
    try {
      registry.draft(target);
    } catch (dev.lattice.gateway.problem.ResourceNotFoundException e) {
      // A revision the body named: say where, as for every other field of a body.
      throw new dev.lattice.gateway.problem.ResourceNotFoundException(
          e.getMessage(),
          List.of(new FieldProblem("$.revision", "no policy revision '" + target + "' exists")));
    }
    PolicyBundleRecord record =
        registry.activate(target, caller.name(), PolicyRegistry.ROLLBACK_MESSAGE + previous);
    return new Activation(
        target, previous, caller.name(), record.getPublishedAt(), awaitLive(target));
  }

  /** Waits briefly until this instance's topology activated the revision. */
  private boolean awaitLive(String revision) {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      if (revision.equals(registry.activeRevision())) {
        return true;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  static Map<String, Object> withoutTiming(Map<String, Object> decision) {
    Map<String, Object> copy = new LinkedHashMap<>(decision);
    copy.remove("eval_nanos");
    return copy;
  }
}
