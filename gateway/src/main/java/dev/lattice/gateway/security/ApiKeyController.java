package dev.lattice.gateway.security;

import dev.lattice.gateway.api.brands.BrandRegistry;
import dev.lattice.gateway.api.networks.NetworkService;
import dev.lattice.gateway.problem.FieldProblem;
import dev.lattice.gateway.problem.InvalidRequestException;
import dev.lattice.gateway.problem.ResourceNotFoundException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Creates, lists and revokes API keys. ADMIN only (see {@link SecurityConfiguration}). */
@RestController
@RequestMapping("/api/v1/admin/api-keys")
@Tag(name = "API keys", description = "Credentials for the X-Api-Key header (ADMIN)")
public class ApiKeyController {

  private final ApiKeyStore store;
  private final NetworkService networks;
  private final BrandRegistry brands;

  public ApiKeyController(ApiKeyStore store, NetworkService networks, BrandRegistry brands) {
    this.store = store;
    this.networks = networks;
    this.brands = brands;
  }

  /** What an admin asks for: a role, its scope for scoped roles, and a label. */
  public record CreateApiKey(
      @Size(max = 100) String name,
      @NotNull(message = "must be one of ADMIN, COMPLIANCE, NETWORK_ADMIN, BRAND, SERVICE")
          String role,
      @Size(max = 200) String scope,
      @io.swagger.v3.oas.annotations.Hidden @com.fasterxml.jackson.annotation.JsonAnySetter
          java.util.Map<String, Object> unknown) {}

  /** A key as listed: never the key itself. */
  public record ApiKeyView(
      String id,
      String name,
      Role role,
      String scope,
      Instant createdAt,
      String createdBy,
      Instant revokedAt,
      String revokedBy,
      boolean active) {
    static ApiKeyView of(ApiKey k) {
      return new ApiKeyView(
          k.id(),
          k.name(),
          k.role(),
          k.scope(),
          k.createdAt(),
          k.createdBy(),
          k.revokedAt(),
          k.revokedBy(),
          k.active());
    }
  }

  /** A new key: {@code key} is shown in this response only. */
  public record CreatedApiKey(String key, ApiKeyView apiKey) {}

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(
      summary = "Create an API key; the response is the only time the key is shown",
      description =
          "400 for an unknown role or a scope that does not fit the role; 404 naming $.scope when"
              + " the network or brand it names does not exist (create that first).")
  public CreatedApiKey create(
      @Valid @RequestBody CreateApiKey request, @AuthenticationPrincipal LatticePrincipal caller) {
    dev.lattice.gateway.problem.UnknownFields.refuse(request.unknown(), "key request");
    Role role =
        Role.parse(request.role())
            .orElseThrow(
                () ->
                    new InvalidRequestException(
                        "Unknown role",
                        List.of(
                            new FieldProblem(
                                "$.role",
                                "must be one of ADMIN, COMPLIANCE, NETWORK_ADMIN, BRAND, SERVICE"))));
    boolean scoped = role.scope() != Role.Scope.NONE;
    boolean hasScope = request.scope() != null && !request.scope().isBlank();
    if (scoped != hasScope) {
      throw new InvalidRequestException(
          "Scope does not fit the role",
          List.of(
              new FieldProblem(
                  "$.scope",
                  scoped
                      ? "role " + role + " needs the id of its " + role.scope().name().toLowerCase()
                      : "role " + role + " takes no scope")));
    }
    if (hasScope) {
      requireTenant(role.scope(), request.scope());
    }
    ApiKeyStore.IssuedApiKey issued =
        store.create(request.name(), role, hasScope ? request.scope() : null, caller.name());
    return new CreatedApiKey(issued.key(), ApiKeyView.of(issued.record()));
  }

  /**
   * A key scoped to a network or brand that does not exist could never be used for anything (and a
   * tenant created later under that id would inherit it): 404 naming {@code $.scope}, with how to
   * create the tenant first. ADMIN and COMPLIANCE keys take no scope, so an operator can always
   * create networks and brands before their keys.
   */
  private void requireTenant(Role.Scope scope, String id) {
    boolean network = scope == Role.Scope.NETWORK;
    boolean exists = network ? networks.find(id).isPresent() : brands.find(id).isPresent();
    if (!exists) {
      String how =
          network
              ? "create it first with POST /api/v1/networks {\"id\": \"" + id + "\", ...} (ADMIN)"
              : "create it first with POST /api/v1/brands {\"id\": \"" + id + "\", ...} (ADMIN)";
      String kind = network ? "network" : "brand";
      throw new ResourceNotFoundException(
          "No " + kind + " with id '" + id + "' exists; " + how + ", then create its key",
          List.of(new FieldProblem("$.scope", "unknown " + kind + " '" + id + "'; " + how)));
    }
  }

  @GetMapping
  @Operation(summary = "List API keys (without the keys themselves)")
  public List<ApiKeyView> list() {
    return store.list().stream().map(ApiKeyView::of).toList();
  }

  @DeleteMapping("/{id}")
  @Operation(summary = "Revoke an API key; requests with it get 401 from now on")
  public ApiKeyView revoke(
      @PathVariable String id, @AuthenticationPrincipal LatticePrincipal caller) {
    return store
        .revoke(id, caller.name())
        .map(ApiKeyView::of)
        .orElseThrow(() -> new ResourceNotFoundException("API key", id));
  }
}
