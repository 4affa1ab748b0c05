package dev.lattice.gateway.cluster;

import dev.lattice.gateway.problem.ApiProblemException;
import dev.lattice.streams.LatticeStreams;
import dev.lattice.streams.StateNotQueryableException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Runs after security (the caller is authenticated and allowed here) and before a {@link
 * ClusterQuery} method: verifies a forwarded request's signature, and sends a member's query to
 * where the member's state can be read:
 *
 * <ol>
 *   <li>the active copy: answered here when this instance hosts it and can read it, else forwarded
 *       to the instance hosting it;
 *   <li>when that instance does not answer (down) or answers 503 (rebalancing), or the group has no
 *       active host for the member right now, or the active copy here is still restoring: a standby
 *       copy, this instance's own first, then another instance's (asked with {@value
 *       ClusterQueries#READ_HEADER}); what a standby copy may answer is {@link
 *       LatticeStreams.StandbyRead}'s rule, and its answer carries {@value
 *       ClusterQueries#REPLICA_HEADER} and {@value ClusterQueries#REPLICA_LAG_HEADER};
 *   <li>otherwise 503 with {@code Retry-After}.
 * </ol>
 */
final class ClusterQueryRouting implements HandlerInterceptor {

  private static final String STANDBY_READ = ClusterQueryRouting.class.getName() + ".standby";

  private final ClusterQueries queries;

  ClusterQueryRouting(ClusterQueries queries) {
    this.queries = queries;
  }

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
      throws Exception {
    if (!(handler instanceof HandlerMethod method)) {
      return true;
    }
    ClusterQuery query = method.getMethodAnnotation(ClusterQuery.class);
    if (query == null) {
      return true;
    }
    String signature = request.getHeader(ClusterNode.HEADER);
    if (signature != null) {
      String target =
          request.getRequestURI()
              + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
      if (!queries.node().verify(signature, request.getMethod(), target)) {
        throw new ApiProblemException(
            HttpStatus.UNAUTHORIZED,
            "unauthorized",
            "Unauthorized",
            "The " + ClusterNode.HEADER + " header is not a valid signature of this cluster");
      }
      request.setAttribute(ClusterQueries.FORWARDED, true);
      String memberId = member(request, query.member());
      if (memberId != null && "standby".equals(request.getHeader(ClusterQueries.READ_HEADER))) {
        // Another instance could not reach the active copy: answer from ours, or 503.
        openStandbyRead(memberId, request, response);
      }
      return true;
    }
    String memberId = member(request, query.member());
    if (memberId == null) {
      return true;
    }
    LatticeStreams streams = queries.streams();
    if (query.by() == ClusterQuery.Keyed.BRAND_INSIGHTS) {
      return brandInsights(memberId, request, response);
    }
    if (!queries.standbyReads()) {
      if (streams.hostOf(memberId) instanceof LatticeStreams.MemberHost.Elsewhere host) {
        queries.forward(queries.node().urlOf(host.host(), host.port()), request, response);
        return false;
      }
      return true;
    }
    LatticeStreams.MemberHost host;
    try {
      host = streams.hostOf(memberId);
    } catch (StateNotQueryableException e) {
      host = null; // not running, or no active host right now: rebalancing
    }
    if (host instanceof LatticeStreams.MemberHost.Elsewhere elsewhere) {
      if (answeredBy(elsewhere.host(), elsewhere.port(), false, request, response)) {
        return false;
      }
    } else if (host instanceof LatticeStreams.MemberHost.Here) {
      if (streams.queryableHere(memberId)) {
        return true;
      }
    } else {
      // This instance is rebalancing: the active copy may still answer elsewhere.
      Optional<LatticeStreams.Instance> active = streams.hostsOf(memberId).active();
      if (active.isPresent()
          && !active.get().local()
          && answeredBy(active.get().host(), active.get().port(), false, request, response)) {
        return false;
      }
    }
    return fromStandby(memberId, request, response);
  }

  /** A brand's insight query: answered where the brand's insight state is, if it answers. */
  private boolean brandInsights(
      String brandId, HttpServletRequest request, HttpServletResponse response) throws Exception {
    LatticeStreams.MemberHost host;
    try {
      host = queries.streams().insightsHostOf(brandId);
    } catch (StateNotQueryableException e) {
      return true; // moving: what this instance has
    }
    if (host instanceof LatticeStreams.MemberHost.Elsewhere elsewhere
        && answeredBy(elsewhere.host(), elsewhere.port(), false, request, response)) {
      return false;
    }
    return true;
  }

  /**
   * Asks the instance at {@code host:port} (its standby copy when {@code standby}) and copies its
   * answer to {@code response}; false when it did not answer or answered 503 (it cannot either).
   */
  private boolean answeredBy(
      String host,
      int port,
      boolean standby,
      HttpServletRequest request,
      HttpServletResponse response)
      throws IOException {
    Optional<HttpResponse<byte[]>> answer =
        queries.tryForward(queries.node().urlOf(host, port), request, standby);
    if (answer.isPresent() && answer.get().statusCode() != 503) {
      ClusterQueries.copy(answer.get(), response);
      return true;
    }
    return false;
  }

  /**
   * The active copy cannot be asked: answers from this instance's standby copy if it may, else has
   * another instance holding a standby copy answer, else 503.
   */
  private boolean fromStandby(
      String memberId, HttpServletRequest request, HttpServletResponse response) throws Exception {
    LatticeStreams streams = queries.streams();
    LatticeStreams.MemberHosts hosts = streams.hostsOf(memberId);
    StateNotQueryableException here;
    try {
      openStandbyRead(memberId, request, response);
      return true;
    } catch (StateNotQueryableException e) {
      here = e;
    }
    for (LatticeStreams.Instance standby : hosts.standbys()) {
      if (standby.local()) {
        continue;
      }
      if (answeredBy(standby.host(), standby.port(), true, request, response)) {
        return false;
      }
    }
    throw new ClusterQueries.ClusterUnavailableException(
        "The member's state is moving between instances and no copy of it can answer now ("
            + here.getMessage()
            + "); retry");
  }

  private void openStandbyRead(
      String memberId, HttpServletRequest request, HttpServletResponse response) {
    LatticeStreams.StandbyRead read =
        queries.streams().readFromStandby(memberId, queries.standbyMaxLag());
    request.setAttribute(STANDBY_READ, read);
    response.setHeader(ClusterQueries.REPLICA_HEADER, "standby");
    response.setHeader(ClusterQueries.REPLICA_LAG_HEADER, Long.toString(read.lag()));
  }

  @Override
  public void afterCompletion(
      HttpServletRequest request, HttpServletResponse response, Object handler, Exception ex) {
    if (request.getAttribute(STANDBY_READ) instanceof LatticeStreams.StandbyRead read) {
      read.close();
    }
  }

  @SuppressWarnings("unchecked")
  private static String member(HttpServletRequest request, String name) {
    Object variables = request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
    if (variables instanceof Map<?, ?> map && map.get(name) != null) {
      return ((Map<String, String>) map).get(name);
    }
    return request.getParameter(name);
  }
}
