package dev.lattice.gateway.cluster;

import dev.lattice.gateway.problem.ApiProblemException;
import dev.lattice.streams.LatticeStreams;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers queries on the topology's state from whichever instance is asked: forwards a member's
 * query to the instance hosting the member ({@link #forward}), and gathers a query by event id from
 * every instance ({@link #gather}). Forwarded requests carry the caller's own credentials (checked
 * again where the data lives) and this instance's signature ({@link ClusterNode#HEADER}).
 *
 * <p>Thread-safe.
 */
public final class ClusterQueries {

  /** Request attribute set on a request another instance forwarded (verified). */
  static final String FORWARDED = ClusterQueries.class.getName() + ".forwarded";

  /**
   * Response header of an answer read from a standby copy of the member's state (value {@code
   * standby}) rather than from the active copy: the active host did not answer or the group was
   * rebalancing. Such an answer may miss the member's latest changes, by at most {@value
   * #REPLICA_LAG_HEADER} records.
   */
  public static final String REPLICA_HEADER = "X-Lattice-Replica";

  /**
   * Response header with a standby answer: how many changelog records the standby copy had not
   * applied yet when it was read (0: caught up with everything the active copy had committed).
   */
  public static final String REPLICA_LAG_HEADER = "X-Lattice-Replica-Lag";

  /**
   * Request header of a forwarded query (signed) asking the other instance to answer from its
   * standby copy of the member's state ({@code standby}).
   */
  static final String READ_HEADER = "X-Lattice-Cluster-Read";

  private static final Logger LOGGER = LoggerFactory.getLogger(ClusterQueries.class);
  private static final List<String> FORWARDED_HEADERS =
      List.of("X-Api-Key", HttpHeaders.AUTHORIZATION, HttpHeaders.ACCEPT);

  private final LatticeStreams streams;
  private final ClusterNode node;
  private final JsonMapper json;
  private final Duration timeout;
  private final HttpClient http;
  private final boolean standbyReads;
  private final long standbyMaxLag;

  /**
   * @param standbyReads whether member queries fall back to a standby copy of the member's state
   * @param standbyMaxLag the most records a standby copy may lag for a query to be answered from it
   */
  public ClusterQueries(
      LatticeStreams streams,
      ClusterNode node,
      JsonMapper json,
      Duration timeout,
      boolean standbyReads,
      long standbyMaxLag) {
    this.streams = streams;
    this.node = node;
    this.json = json;
    this.timeout = timeout;
    this.standbyReads = standbyReads;
    this.standbyMaxLag = standbyMaxLag;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  public boolean standbyReads() {
    return standbyReads;
  }

  public long standbyMaxLag() {
    return standbyMaxLag;
  }

  public LatticeStreams streams() {
    return streams;
  }

  public ClusterNode node() {
    return node;
  }

  /** True when another instance of the cluster forwarded this request (signature verified). */
  public static boolean forwarded(HttpServletRequest request) {
    return Boolean.TRUE.equals(request.getAttribute(FORWARDED));
  }

  /**
   * The results of a query from every instance: this one's ({@code local}) and, unless the request
   * was itself forwarded, every other instance's answer to the same request, merged.
   *
   * @throws ClusterUnavailableException when an instance does not answer (rather than a partial
   *     answer)
   */
  public <T> List<T> gather(
      HttpServletRequest request, TypeReference<List<T>> type, Supplier<List<T>> local) {
    if (forwarded(request)) {
      return local.get();
    }
    List<LatticeStreams.Instance> instances = streams.instances();
    List<CompletableFuture<HttpResponse<byte[]>>> calls = new ArrayList<>();
    List<URI> targets = new ArrayList<>();
    for (LatticeStreams.Instance instance : instances) {
      if (!instance.local()) {
        requireSecret();
        URI base = node.urlOf(instance.host(), instance.port());
        targets.add(base);
        calls.add(
            http.sendAsync(request(base, request, false), HttpResponse.BodyHandlers.ofByteArray()));
      }
    }
    List<T> out = new ArrayList<>(local.get());
    for (int i = 0; i < calls.size(); i++) {
      HttpResponse<byte[]> response = await(calls.get(i), targets.get(i));
      if (response.statusCode() != 200) {
        throw new ClusterUnavailableException(
            "Instance " + targets.get(i) + " answered " + response.statusCode() + "; retry");
      }
      out.addAll(json.readValue(response.body(), type));
    }
    return out;
  }

  /**
   * Forwards the request to the instance at {@code base} and copies its answer to {@code response}.
   */
  public void forward(URI base, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    requireSecret();
    HttpResponse<byte[]> answer =
        await(
            http.sendAsync(request(base, request, false), HttpResponse.BodyHandlers.ofByteArray()),
            base);
    copy(answer, response);
  }

  /**
   * Forwards the request to the instance at {@code base}, asking for an answer from its standby
   * copy when {@code standby}; empty when that instance does not answer (down, unreachable, too
   * slow).
   */
  Optional<HttpResponse<byte[]>> tryForward(URI base, HttpServletRequest request, boolean standby) {
    requireSecret();
    try {
      return Optional.of(
          http.sendAsync(request(base, request, standby), HttpResponse.BodyHandlers.ofByteArray())
              .get());
    } catch (ExecutionException e) {
      LOGGER.warn("Instance did not answer target={}: {}", base, e.getCause().toString());
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterUnavailableException("Interrupted while asking " + base);
    }
  }

  /** Copies another instance's answer to {@code response}. */
  static void copy(HttpResponse<byte[]> answer, HttpServletResponse response) throws IOException {
    response.setStatus(answer.statusCode());
    for (String header :
        List.of(
            HttpHeaders.CONTENT_TYPE,
            HttpHeaders.RETRY_AFTER,
            HttpHeaders.WWW_AUTHENTICATE,
            REPLICA_HEADER,
            REPLICA_LAG_HEADER)) {
      answer.headers().firstValue(header).ifPresent(v -> response.setHeader(header, v));
    }
    response.getOutputStream().write(answer.body());
  }

  private void requireSecret() {
    if (!node.canForward()) {
      throw new ClusterUnavailableException(
          "Part of the state is hosted by another instance, but lattice.cluster.secret is not set"
              + " here: set the same secret on every instance");
    }
  }

  private HttpRequest request(URI base, HttpServletRequest request, boolean standby) {
    String target =
        request.getRequestURI()
            + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base.toString() + target))
            .timeout(timeout)
            .method(request.getMethod(), HttpRequest.BodyPublishers.noBody())
            .header(ClusterNode.HEADER, node.sign(request.getMethod(), target));
    if (standby) {
      builder.header(READ_HEADER, "standby");
    }
    for (String header : FORWARDED_HEADERS) {
      String value = request.getHeader(header);
      if (value != null) {
        builder.header(header, value);
      }
    }
    return builder.build();
  }

  private HttpResponse<byte[]> await(CompletableFuture<HttpResponse<byte[]>> call, URI target) {
    try {
      return call.get();
    } catch (ExecutionException e) {
      LOGGER.warn("Instance did not answer target={}: {}", target, e.getCause().toString());
      throw new ClusterUnavailableException(
          "Instance " + target + " hosting part of the state did not answer; retry");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterUnavailableException("Interrupted while asking " + target);
    }
  }

  /** A query could not be answered completely now (an instance is down or rebalancing). */
  public static final class ClusterUnavailableException extends ApiProblemException {
    public ClusterUnavailableException(String detail) {
      super(
          HttpStatus.SERVICE_UNAVAILABLE,
          "cluster-unavailable",
          "State temporarily unavailable",
          detail,
          Map.of(RETRY_AFTER, 1));
    }
  }
}
