package dev.lattice.gateway.api.brands;

import dev.lattice.gateway.cluster.ClusterQuery;
import dev.lattice.gateway.kafka.TopicProvisioner;
import dev.lattice.gateway.problem.ConflictException;
import dev.lattice.gateway.problem.FieldProblem;
import dev.lattice.gateway.problem.InvalidRequestException;
import dev.lattice.gateway.problem.ResourceNotFoundException;
import dev.lattice.gateway.security.LatticePrincipal;
import dev.lattice.schemas.AvroJson;
import dev.lattice.schemas.TopicCatalogue;
import dev.lattice.streams.InsightSettings;
import dev.lattice.streams.LatticeStreams;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.JsonNode;

/**
 * Brands, their subscriptions, their consented delivery stream (SSE) and their insights. A BRAND
 * caller sees only its own brand (enforced in the security configuration).
 */
@RestController
@RequestMapping("/api/v1/brands")
@Tag(name = "Brands", description = "Brands, subscriptions, delivery streams and insights")
public class BrandController {

  private static final Pattern ID = Pattern.compile("[a-zA-Z0-9_-]{1,100}");

  private final BrandRegistry brands;
  private final DeliveryStreams streams;
  private final TopicProvisioner provisioner;
  private final Clock clock = Clock.systemUTC();
  private final dev.lattice.gateway.api.networks.NetworkService networks;
  private final SubscriptionValidator subscriptions;
  private final dev.lattice.gateway.security.CredentialValidity credentials;

  private final ObjectProvider<LatticeStreams> topologies;

  public BrandController(
      BrandRegistry brands,
      DeliveryStreams streams,
      TopicProvisioner provisioner,
      dev.lattice.gateway.api.networks.NetworkService networks,
      SubscriptionValidator subscriptions,
      dev.lattice.gateway.security.CredentialValidity credentials,
      ObjectProvider<LatticeStreams> topologies) {
    this.topologies = topologies;
    this.networks = networks;
    this.subscriptions = subscriptions;
    this.credentials = credentials;
    this.brands = brands;
    this.streams = streams;
    this.provisioner = provisioner;
  }

  /** A new brand. */
  public record CreateBrand(
      String id,
      String name,
      @io.swagger.v3.oas.annotations.Hidden @com.fasterxml.jackson.annotation.JsonAnySetter
          java.util.Map<String, Object> unknown) {}

  /** A new subscription: networks and offer categories (empty = any). */
  public record CreateSubscription(
      List<String> networks,
      List<String> categories,
      @io.swagger.v3.oas.annotations.Hidden @com.fasterxml.jackson.annotation.JsonAnySetter
          java.util.Map<String, Object> unknown) {}

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(summary = "Register a brand (ADMIN); provisions its output topic")
  public Brand create(
      @RequestBody CreateBrand body, @AuthenticationPrincipal LatticePrincipal caller) {
    dev.lattice.gateway.problem.UnknownFields.refuse(body.unknown(), "brand");
    List<FieldProblem> errors = new ArrayList<>();
    if (body.id() == null || !ID.matcher(body.id()).matches()) {
      errors.add(new FieldProblem("$.id", "must be 1-100 of letters, digits, '_' and '-'"));
    }
    FieldProblem name = dev.lattice.gateway.api.Identifiers.nameProblem(body.name(), "$.name");
    if (name != null) {
      errors.add(name);
    }
    if (!errors.isEmpty()) {
      throw new InvalidRequestException("The brand is invalid", errors);
    }
    provisioner.provision(List.of(TopicCatalogue.brandOutput(body.id())));
    Brand brand = new Brand(body.id(), body.name(), clock.instant(), caller.name(), List.of());
    if (!brands.add(brand)) {
      throw new ConflictException("Brand '" + body.id() + "' already exists");
    }
    return brand;
  }

  @GetMapping
  @Operation(summary = "List brands (ADMIN, COMPLIANCE)")
  public List<Brand> list() {
    return brands.list();
  }

  @GetMapping("/{brandId}")
  @Operation(summary = "One brand with its subscriptions")
  public Brand get(@PathVariable String brandId) {
    return brand(brandId);
  }

  @PostMapping("/{brandId}/subscriptions")
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(summary = "Subscribe the brand's delivery stream to networks and offer categories")
  public Brand subscribe(@PathVariable String brandId, @RequestBody CreateSubscription body) {
    brand(brandId);
    // An absent list means "any": a misspelt one must not subscribe to everything
    dev.lattice.gateway.problem.UnknownFields.refuse(body.unknown(), "subscription");
    subscriptions.validate(body.networks(), body.categories());
    Brand.Subscription subscription =
        new Brand.Subscription(
            "sub-" + UUID.randomUUID(), body.networks(), body.categories(), clock.instant());
    return brands
        .subscribe(brandId, subscription)
        .orElseThrow(() -> new ResourceNotFoundException("brand", brandId));
  }

  @DeleteMapping("/{brandId}/subscriptions/{subscriptionId}")
  @Operation(summary = "Remove a subscription")
  public Brand unsubscribe(@PathVariable String brandId, @PathVariable String subscriptionId) {
    brand(brandId);
    if (!brands.unsubscribe(brandId, subscriptionId)) {
      throw new ResourceNotFoundException("subscription", subscriptionId);
    }
    return brand(brandId);
  }

  @GetMapping(path = "/{brandId}/deliveries", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  @Operation(
      summary = "Server-Sent Events stream of the brand's consented deliveries",
      description =
          "Events: 'ready' once the stream is positioned, then one 'delivery' per consented offer"
              + " delivery (JSON of the OfferDelivery schema) from the brand's own topic, filtered"
              + " by its subscriptions. member_id is the brand's own pseudonym of the member, or"
              + " empty when the member did not grant identifiers to the brand.")
  public ResponseEntity<SseEmitter> deliveries(
      @PathVariable String brandId,
      @Parameter(description = "latest (default) or earliest")
          @RequestParam(defaultValue = "latest")
          String from,
      @AuthenticationPrincipal LatticePrincipal caller,
      HttpMethod method) {
    if (!from.equals("latest") && !from.equals("earliest")) {
      throw new InvalidRequestException(
          "Unknown stream start", List.of(new FieldProblem("from", "must be latest or earliest")));
    }
    brand(brandId);
    if (HttpMethod.HEAD.equals(method)) {
      // HEAD answers what GET would, without a body: opening a stream here would hold one of the
      // brand's streams (lattice.limits.max-streams-per-brand) for a response nobody reads.
      return ResponseEntity.ok().contentType(MediaType.TEXT_EVENT_STREAM).build();
    }
    // The brand's own topic: its copy of each delivery names the member only by its pseudonym.
    return ResponseEntity.ok()
        .contentType(MediaType.TEXT_EVENT_STREAM)
        .body(streamOf(brandId, from, caller));
  }

  private SseEmitter streamOf(String brandId, String from, LatticePrincipal caller) {
    return streams.open(
        brandId,
        from.equals("earliest"),
        () ->
            brands
                .cached(brandId)
                .orElseThrow(() -> new ResourceNotFoundException("brand", brandId)),
        credentials.of(caller));
  }

  @GetMapping("/{brandId}/insights")
  // the privacy budgets live with the brand's insight partition: asked there, so every instance
  // answers alike
  @ClusterQuery(member = "brandId", by = ClusterQuery.Keyed.BRAND_INSIGHTS)
  @Operation(
      summary = "The brand's differentially private insights",
      description =
          "Counts of distinct consenting members per network, category, metric and window, with"
              + " noise, released only above a noisy threshold and within daily and lifetime"
              + " privacy budgets: the parameters (privacy unit member-day, ε, L, δ, τ), the"
              + " budget left per network, and each release with the ε it cost.")
  public InsightsView insights(
      @PathVariable String brandId, @RequestParam(defaultValue = "500") int limit) {
    dev.lattice.gateway.api.Parameters.requireRange("limit", limit, 1, 5000);
    brand(brandId);
    LatticeStreams topology = topologies.getIfAvailable();
    InsightSettings settings =
        topology == null ? InsightSettings.defaults() : topology.insightSettings();
    List<JsonNode> releases =
        streams.insights(brandId, Math.max(1, Math.min(limit, 5000))).stream()
            .map(
                r -> {
                  JsonNode json = AvroJson.toJsonNode(r);
                  if (json instanceof tools.jackson.databind.node.ObjectNode o) {
                    o.put("privacy_unit", InsightSettings.PRIVACY_UNIT);
                  }
                  return json;
                })
            .toList();
    return new InsightsView(
        brandId,
        InsightsView.Privacy.of(settings),
        topology == null
            ? List.of()
            : topology.insightBudgets(brandId, clock.instant()).stream()
                .map(InsightsView.Budget::of)
                .toList(),
        releases);
  }

  private Brand brand(String id) {
    return brands.find(id).orElseThrow(() -> new ResourceNotFoundException("brand", id));
  }
}
