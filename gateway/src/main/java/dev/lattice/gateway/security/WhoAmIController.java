package dev.lattice.gateway.security;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Tells a caller who the gateway takes it for: the console uses it after sign-in to show the views
 * the credential's roles may use (the API still checks every call).
 */
@RestController
@Tag(name = "Identity", description = "Who am I (any authenticated caller)")
public class WhoAmIController {

  /** The caller as authenticated: name, roles and the network or brand its scoped roles act for. */
  public record Identity(
      String name, List<Role> roles, String network, String brand, String method) {}

  @GetMapping("/api/v1/me")
  @Operation(summary = "The authenticated caller: roles and scope")
  public Identity me(@AuthenticationPrincipal LatticePrincipal caller) {
    return new Identity(
        caller.name(),
        caller.roles().stream().sorted().toList(),
        caller.network(),
        caller.brand(),
        caller.method().name());
  }
}
