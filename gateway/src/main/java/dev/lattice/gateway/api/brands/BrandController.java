package dev.lattice.gateway.api.brands;

import dev.lattice.gateway.kafka.TopicProvisioner;
import dev.lattice.gateway.problem.ConflictException;
import dev.lattice.gateway.problem.FieldProblem;
import dev.lattice.gateway.problem.InvalidRequestException;
import dev.lattice.gateway.problem.ResourceNotFoundException;
import dev.lattice.gateway.security.LatticePrincipal;
import dev.lattice.schemas.AvroJson;
import dev.lattice.schemas.TopicCatalogue;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
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

  public BrandController(
      BrandRegistry brands,
      DeliveryStreams streams,
      TopicProvisioner provisioner,
      dev.lattice.gateway.api.networks.NetworkService networks,
      SubscriptionValidator subscriptions,
      dev.lattice.gateway.security.CredentialValidity credentials) {
    this.networks = networks;
    this.subscriptions = subscriptions;
    this.credentials = credentials;
    this.brands = brands;
    this.streams = streams;
    this.provisioner = provisioner;
  }

  /** A new brand. */
  public record CreateBrand(String id, String name) {}

  /** A new subscription: networks and offer categories (empty = any). */
  public record CreateSubscription(List<String> networks, List<String> categories) {}

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(summary = "Register a brand (ADMIN); provisions its output topic")
  public Brand create(
      @RequestBody CreateBrand body, @AuthenticationPrincipal LatticePrincipal caller) {
    List<FieldProblem> errors = new ArrayList<>();
    if (body.id() == null || !ID.matcher(body.id()).matches()) {
      errors.add(new FieldProblem("$.id", "must be 1-100 of letters, digits, '_' and '-'"));
    }
    if (body.name() == null || body.name().isBlank()) {
      errors.add(new FieldProblem("$.name", "must not be blank"));
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
              + " delivery (JSON of the OfferDelivery schema), filtered by the brand's"
              + " subscriptions.")
  public SseEmitter deliveries(
      @PathVariable String brandId,
      @Parameter(description = "latest (default) or earliest")
          @RequestParam(defaultValue = "latest")
          String from,
      @AuthenticationPrincipal LatticePrincipal caller) {
    if (!from.equals("latest") && !from.equals("earliest")) {
      throw new InvalidRequestException(
          "Unknown stream start", List.of(new FieldProblem("from", "must be latest or earliest")));
    }
    Brand brand = brand(brandId);
    java.util.Set<String> networks = new java.util.TreeSet<>();
    brand.subscriptions().forEach(sub -> networks.addAll(sub.networks()));
    if (networks.isEmpty()) {
      this.networks.list().forEach(n -> networks.add(n.getNetworkId()));
    }
    return streams.open(
        brandId,
        List.copyOf(networks),
        from.equals("earliest"),
        () ->
            brands
                .cached(brandId)
                .orElseThrow(() -> new ResourceNotFoundException("brand", brandId)),
        credentials.of(caller));
  }

  @GetMapping("/{brandId}/insights")
  @Operation(
      summary = "The brand's privacy-preserving insights",
      description = "Differentially private, k-anonymous aggregates about the brand's offers.")
  public List<JsonNode> insights(
      @PathVariable String brandId, @RequestParam(defaultValue = "500") int limit) {
    brand(brandId);
    return streams.insights(brandId, Math.max(1, Math.min(limit, 5000))).stream()
        .map(AvroJson::toJsonNode)
        .toList();
  }

  private Brand brand(String id) {
    return brands.find(id).orElseThrow(() -> new ResourceNotFoundException("brand", id));
  }
}
