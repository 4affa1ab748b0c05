package dev.lattice.gateway.limits;

import dev.lattice.gateway.problem.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Enforces {@link RequestLimits} on every request with a body, for every endpoint, before any
 * controller reads it: the body is read once, bounded by the endpoint's limit (a larger body, or a
 * {@code Content-Length} announcing one, is a 413 problem), JSON bodies are checked for nesting
 * depth and array length (400 naming the path), then the request continues with the buffered body.
 * Runs after authentication, so unauthenticated callers get their 401 first.
 *
 * <p>Limits per endpoint: ingest ({@code /api/v1/events/**}) uses {@code
 * lattice.ingest.max-request-bytes}, bundle uploads ({@code POST /api/v1/policies} and {@code
 * /api/v1/policies/tests}) {@code lattice.limits.max-bundle-bytes}, everything else {@code
 * lattice.limits.max-request-bytes}.
 */
public final class RequestLimitsFilter extends OncePerRequestFilter {

  private final RequestLimits limits;
  private final long maxIngestBytes;
  private final JsonShapeCheck shape;
  private final JsonMapper json;

  public RequestLimitsFilter(RequestLimits limits, long maxIngestBytes, JsonMapper json) {
    this.limits = limits;
    this.maxIngestBytes = maxIngestBytes;
    this.shape = new JsonShapeCheck(limits.maxJsonDepth(), limits.maxJsonArrayLength());
    this.json = json;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (!hasBody(request)) {
      chain.doFilter(request, response);
      return;
    }
    String path = request.getRequestURI().substring(request.getContextPath().length());
    long limit;
    String setting;
    if (path.startsWith("/api/v1/events/")) {
      limit = maxIngestBytes;
      setting = "lattice.ingest.max-request-bytes";
    } else if (path.equals("/api/v1/policies")
        || path.equals("/api/v1/policies/")
        || path.equals("/api/v1/policies/tests")) {
      limit = limits.maxBundleBytes();
      setting = "lattice.limits.max-bundle-bytes";
    } else {
      limit = limits.maxRequestBytes();
      setting = "lattice.limits.max-request-bytes";
    }
    if (request.getContentLengthLong() > limit) {
      tooLarge(request, response, limit, setting);
      return;
    }
    byte[] body;
    try (InputStream in = request.getInputStream()) {
      body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
    }
    if (body.length > limit) {
      tooLarge(request, response, limit, setting);
      return;
    }
    if (isJson(request)) {
      Optional<JsonShapeCheck.Violation> violation = shape.check(body);
      if (violation.isPresent()) {
        ProblemDetail detail =
            Problems.invalid(violation.get().title(), List.of(violation.get().problem()));
        write(request, response, detail);
        return;
      }
    }
    chain.doFilter(new BufferedBody(request, body), response);
  }

  private static boolean hasBody(HttpServletRequest request) {
    String method = request.getMethod();
    boolean bodyMethod =
        method.equals("POST")
            || method.equals("PUT")
            || method.equals("PATCH")
            || method.equals("DELETE");
    return bodyMethod
        && (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null);
  }

  private static boolean isJson(HttpServletRequest request) {
    String type = request.getContentType();
    return type != null && type.toLowerCase(java.util.Locale.ROOT).contains("json");
  }

  private void tooLarge(
      HttpServletRequest request, HttpServletResponse response, long limit, String setting)
      throws IOException {
    ProblemDetail problem =
        Problems.of(
            HttpStatus.CONTENT_TOO_LARGE,
            "payload-too-large",
            "Payload too large",
            "The request body exceeds " + limit + " bytes; send less or raise " + setting);
    problem.setProperties(Map.of("limitBytes", limit));
    write(request, response, problem);
  }

  private void write(HttpServletRequest request, HttpServletResponse response, ProblemDetail p)
      throws IOException {
    p.setInstance(URI.create(request.getRequestURI()));
    response.setStatus(p.getStatus());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    // The unread rest of an oversized body is not drained: ask the client not to reuse the
    // connection.
    response.setHeader("Connection", "close");
    json.writeValue(response.getOutputStream(), p);
  }

  /** The request with its body already read into memory. */
  private static final class BufferedBody extends HttpServletRequestWrapper {
    private final byte[] body;

    BufferedBody(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
      ByteArrayInputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new UnsupportedOperationException("the body is already buffered");
        }

        @Override
        public int read() {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
          return in.read(b, off, len);
        }
      };
    }

    @Override
    public BufferedReader getReader() {
      String encoding = getCharacterEncoding();
      Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
      return new BufferedReader(new InputStreamReader(getInputStream(), charset));
    }

    @Override
    public int getContentLength() {
      return body.length;
    }

    @Override
    public long getContentLengthLong() {
      return body.length;
    }
  }
}
