package dev.lattice.gateway.cluster;

import dev.lattice.gateway.problem.ApiProblemException;
import dev.lattice.streams.LatticeStreams;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Runs after security (the caller is authenticated and allowed here) and before a {@link
 * ClusterQuery} method: verifies a forwarded request's signature, and forwards a member's query to
 * the instance that hosts the member.
 */
final class ClusterQueryRouting implements HandlerInterceptor {

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
      return true;
    }
    String memberId = member(request, query.member());
    if (memberId == null) {
      return true;
    }
    if (queries.streams().hostOf(memberId) instanceof LatticeStreams.MemberHost.Elsewhere host) {
      queries.forward(queries.node().urlOf(host.host(), host.port()), request, response);
      return false;
    }
    return true;
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
