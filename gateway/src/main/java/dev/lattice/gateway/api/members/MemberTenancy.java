package dev.lattice.gateway.api.members;

import dev.lattice.gateway.api.Identifiers;
import dev.lattice.gateway.problem.FieldProblem;
import dev.lattice.gateway.problem.ForbiddenException;
import dev.lattice.gateway.problem.ResourceNotFoundException;
import dev.lattice.gateway.security.LatticePrincipal;
import dev.lattice.gateway.security.Role;
import java.util.List;

/**
 * Which members a caller may act for. ADMIN and COMPLIANCE act for every member. A SERVICE key acts
 * for the members of its network only ({@link MemberNetworks}): for any other member the answer is
 * 404, the same as for a member nobody knows, so a key cannot learn who belongs to other networks.
 * A consent call may also come for a member no network knows yet: that call makes them a member of
 * the caller's network.
 *
 * <p>Thread-safe; stateless apart from the membership view.
 */
public final class MemberTenancy {

  private final MemberNetworks memberships;

  public MemberTenancy(MemberNetworks memberships) {
    this.memberships = memberships;
  }

  /**
   * The network whose share of the member's data the caller may see, or {@code null} for callers
   * that see everything.
   *
   * @throws ResourceNotFoundException when the caller is a SERVICE key and the member is not one of
   *     its network's
   * @throws dev.lattice.gateway.problem.InvalidRequestException (400 at {@code memberId}) when the
   *     id breaks {@link Identifiers}' rule
   */
  public String requireReadable(LatticePrincipal caller, String memberId) {
    Identifiers.require(memberId, "memberId", "member id");
    if (caller.crossTenant()) {
      return null;
    }
    String network = serviceNetwork(caller);
    if (!memberships.belongs(memberId, network)) {
      throw notFound(memberId);
    }
    return network;
  }

  /**
   * Checks that the caller may change the member's consent and returns the source network the
   * command is recorded with: a SERVICE key's own network (a body naming another network is a 403),
   * the body's value for ADMIN.
   *
   * @throws ResourceNotFoundException when the member belongs to other networks only
   * @throws ForbiddenException when {@code sourceNetwork} names another network
   */
  public String requireConsentChange(
      LatticePrincipal caller, String memberId, String sourceNetwork) {
    return requireConsentChange(caller, memberId, sourceNetwork, "$.sourceNetwork");
  }

  /**
   * As {@link #requireConsentChange(LatticePrincipal, String, String)}, naming where the request
   * carried {@code sourceNetwork} ({@code $.sourceNetwork} in a body, {@code sourceNetwork} as a
   * query parameter) in the 403's {@code errors}.
   */
  public String requireConsentChange(
      LatticePrincipal caller, String memberId, String sourceNetwork, String sourceNetworkPath) {
    Identifiers.require(memberId, "memberId", "member id");
    if (caller.has(Role.ADMIN)) {
      return sourceNetwork;
    }
    String network = serviceNetwork(caller);
    if (sourceNetwork != null && !sourceNetwork.isBlank() && !sourceNetwork.equals(network)) {
      throw new ForbiddenException(
          "This key acts for network '"
              + network
              + "' and cannot send consent in the name of network '"
              + sourceNetwork
              + "'",
          List.of(
              new FieldProblem(
                  sourceNetworkPath,
                  "names network '" + sourceNetwork + "'; this key acts for '" + network + "'")));
    }
    if (!memberships.belongs(memberId, network) && !memberships.networksOf(memberId).isEmpty()) {
      throw notFound(memberId);
    }
    return network;
  }

  /** Records the membership a consent or event established (no-op without a network). */
  public void joined(String memberId, String network) {
    memberships.join(memberId, network);
  }

  /** Erasure: the member no longer belongs anywhere. */
  public void erased(String memberId) {
    memberships.forget(memberId);
  }

  private static String serviceNetwork(LatticePrincipal caller) {
    if (!caller.has(Role.SERVICE) || caller.network() == null) {
      // The security matrix lets only ADMIN, COMPLIANCE and SERVICE reach members' endpoints.
      throw new ForbiddenException("Your credentials do not act for any network's members");
    }
    return caller.network();
  }

  private static ResourceNotFoundException notFound(String memberId) {
    return new ResourceNotFoundException("member of your network", memberId);
  }
}
