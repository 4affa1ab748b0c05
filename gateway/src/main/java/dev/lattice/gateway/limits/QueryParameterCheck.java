package dev.lattice.gateway.limits;

import dev.lattice.gateway.problem.FieldProblem;
import dev.lattice.gateway.problem.InvalidRequestException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Refuses query parameters an endpoint does not take, naming each (400): a misspelt {@code ?limt=5}
 * or {@code ?memberID=} would otherwise be ignored and answer something other than what was asked.
 * A parameter given twice is refused too (Spring would read {@code ?memberId=a&memberId=b} as
 * {@code "a,b"}). The parameters an endpoint takes are its {@code @RequestParam}s. Applies to
 * Lattice's own API ({@code dev.lattice.gateway.api}, API keys); the OPA-compatible data API keeps
 * OPA's tolerance of its optional parameters ({@code pretty}, {@code explain}, {@code metrics},
 * ...).
 *
 * <p>Stateless and thread-safe.
 */
final class QueryParameterCheck implements HandlerInterceptor {

  @Override
  public boolean preHandle(
      HttpServletRequest request, HttpServletResponse response, Object handler) {
    if (!(handler instanceof HandlerMethod method) || !checked(method.getBeanType())) {
      return true;
    }
    Set<String> given = names(request.getQueryString());
    if (given.isEmpty()) {
      return true;
    }
    Set<String> known = new TreeSet<>();
    for (var parameter : method.getMethodParameters()) {
      RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
      if (param != null) {
        String name = !param.name().isEmpty() ? param.name() : parameter.getParameterName();
        if (name != null) {
          known.add(name);
        }
      }
    }
    List<FieldProblem> errors = new ArrayList<>();
    for (String name : repeated(request.getQueryString())) {
      if (known.contains(name)) {
        // Spring would join the values with commas (?memberId=a&memberId=b reads as "a,b") or
        // take one of them: neither is what the caller asked
        errors.add(new FieldProblem(name, "is given more than once; give it once"));
      }
    }
    for (String name : given) {
      if (!known.contains(name)) {
        errors.add(
            new FieldProblem(
                name,
                known.isEmpty()
                    ? "is not a parameter of this endpoint (it takes none)"
                    : "is not a parameter of this endpoint; it takes " + String.join(", ", known)));
      }
    }
    if (!errors.isEmpty()) {
      throw new InvalidRequestException(
          "The request has " + errors.size() + " unknown or repeated query parameter(s)", errors);
    }
    return true;
  }

  private static boolean checked(Class<?> controller) {
    String name = controller.getName();
    return (name.startsWith("dev.lattice.gateway.api.")
            && !name.startsWith("dev.lattice.gateway.api.opa."))
        || name.startsWith("dev.lattice.gateway.security.");
  }

  /** The parameter names in a raw query string, decoded, in order. */
  static Set<String> names(String query) {
    Set<String> names = new LinkedHashSet<>();
    if (query == null || query.isEmpty()) {
      return names;
    }
    Arrays.stream(query.split("&"))
        .map(pair -> pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair)
        .filter(name -> !name.isEmpty())
        .forEach(name -> names.add(decode(name)));
    return names;
  }

  /** The parameter names given more than once in a raw query string, decoded, in order. */
  static Set<String> repeated(String query) {
    Set<String> seen = new java.util.HashSet<>();
    Set<String> repeated = new LinkedHashSet<>();
    if (query == null || query.isEmpty()) {
      return repeated;
    }
    Arrays.stream(query.split("&"))
        .map(pair -> pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair)
        .filter(name -> !name.isEmpty())
        .map(QueryParameterCheck::decode)
        .filter(name -> !seen.add(name))
        .forEach(repeated::add);
    return repeated;
  }

  private static String decode(String raw) {
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return raw;
    }
  }
}
