package dev.lattice.gateway.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.resource.ResourceHttpRequestHandler;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * The last rule of the access matrix: what the matrix does not list. An authenticated caller asking
 * for a path no endpoint serves is let through, so that Spring MVC answers {@code 404} (and {@code
 * 405} for a known path with a method it does not take) as a problem, instead of a {@code 403} that
 * would suggest the path exists. Anything an endpoint does serve but the matrix does not list (an
 * endpoint added without its rule, an actuator endpoint) stays denied: security by default.
 * Anonymous callers are always denied (their {@code 401} says nothing about the API's shape).
 *
 * <p>Static files (the console, web jars) are public anyway, so the static resource handler counts
 * as "no endpoint". Thread-safe; the handler mappings are looked up on first use, after the MVC
 * context is ready.
 */
final class UnmappedRequests implements AuthorizationManager<RequestAuthorizationContext> {

  private final Supplier<List<HandlerMapping>> lookup;
  private volatile List<HandlerMapping> mappings;

  /**
   * @param lookup the MVC handler mappings in the dispatcher's order; asked once, on the first
   *     request that needs them (they do not exist yet when the security chain is built)
   */
  UnmappedRequests(Supplier<List<HandlerMapping>> lookup) {
    this.lookup = lookup;
  }

  private List<HandlerMapping> mappings() {
    List<HandlerMapping> known = mappings;
    if (known == null) {
      known = List.copyOf(lookup.get());
      mappings = known;
    }
    return known;
  }

  @Override
  public AuthorizationResult authorize(
      Supplier<? extends Authentication> authentication, RequestAuthorizationContext context) {
    Authentication auth = authentication.get();
    boolean authenticated =
        auth != null && auth.isAuthenticated() && auth.getPrincipal() instanceof LatticePrincipal;
    return new AuthorizationDecision(authenticated && !servedByAnEndpoint(context.getRequest()));
  }

  /**
   * Whether an endpoint takes this request as it is (path and method). A known path with another
   * method is not served: MVC answers 405 with the methods it takes.
   */
  boolean servedByAnEndpoint(HttpServletRequest request) {
    // Handler lookup writes request attributes (lookup path, matched pattern, ...): keep them off
    // the real request, which MVC handles afterwards.
    HttpServletRequest probe = new PrivateAttributes(request);
    ServletRequestPathUtils.parseAndCache(probe);
    for (HandlerMapping mapping : mappings()) {
      try {
        HandlerExecutionChain chain = mapping.getHandler(probe);
        if (chain != null) {
          return !(chain.getHandler() instanceof ResourceHttpRequestHandler);
        }
      } catch (HttpRequestMethodNotSupportedException e) {
        return false;
      } catch (Exception e) {
        // Another near miss (media type, required parameter) on a path and method an endpoint
        // serves: the endpoint exists, and the matrix did not grant it.
        return true;
      }
    }
    return false;
  }

  /** The request with attributes of its own, falling back to the real request's for reading. */
  private static final class PrivateAttributes extends HttpServletRequestWrapper {
    private final Map<String, Object> set = new HashMap<>();
    private final Set<String> removed = new HashSet<>();

    PrivateAttributes(HttpServletRequest request) {
      super(request);
    }

    @Override
    public Object getAttribute(String name) {
      if (set.containsKey(name)) {
        return set.get(name);
      }
      return removed.contains(name) ? null : super.getAttribute(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
      set.put(name, value);
      removed.remove(name);
    }

    @Override
    public void removeAttribute(String name) {
      set.remove(name);
      removed.add(name);
    }

    @Override
    public Enumeration<String> getAttributeNames() {
      Set<String> names = new HashSet<>(Collections.list(super.getAttributeNames()));
      names.removeAll(removed);
      names.addAll(set.keySet());
      return Collections.enumeration(names);
    }
  }
}
