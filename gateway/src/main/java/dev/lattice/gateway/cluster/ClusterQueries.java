package dev.lattice.gateway.cluster;

import dev.lattice.gateway.problem.ApiProblemException;
import dev.lattice.streams.LatticeStreams;
import dev.lattice.streams.StateNotQueryableException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers queries on the topology's state from whichever instance is asked: forwards a member's
 * query to the instance hosting the member ({@link #forward}), and gathers a query by event id from
 * every partition ({@link #gatherByPartition}). Forwarded requests carry the caller's own
 * credentials (checked again where the data lives) and this instance's signature ({@link
 * ClusterNode#HEADER}).
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

  /**
   * Request header of a forwarded query gathered by partition ({@link #gatherByPartition}): the
   * partitions of the member state the other instance answers for, comma-separated.
   */
  static final String PARTITIONS_HEADER = "X-Lattice-Cluster-Partitions";

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

  /** Reads a query's results from some partitions of this instance's copy of the member state. */
  @FunctionalInterface
  public interface PartitionReader<T> {
    /**
     * @param partitions the partitions to read
     * @param stale read standby (or still restoring) copies, not only active ones
     */
    List<T> read(Set<Integer> partitions, boolean stale);
  }

  /**
   * The results of a query over every partition of the member state (such as decisions by event id:
   * an offer is decided in every partition), each partition read once: from its active copy — here,
   * or on the instance hosting it — and, when that instance does not answer (stopped, not yet
   * noticed by the group) or the partition has no active host (rebalancing), from a standby copy:
   * this instance's own, else another instance's. An answer that used a standby copy carries
   * {@value #REPLICA_HEADER} and the largest lag in {@value #REPLICA_LAG_HEADER}.
   *
   * @param all the query over every partition this instance hosts, for when it runs alone or an
   *     instance without partition routing forwarded the request
   * @throws ClusterUnavailableException when some partition cannot be read anywhere now (rather
   *     than a partial answer)
   */
  public <T> List<T> gatherByPartition(
      HttpServletRequest request,
      HttpServletResponse response,
      TypeReference<List<T>> type,
      PartitionReader<T> partitions,
      Supplier<List<T>> all) {
    if (forwarded(request)) {
      String asked = request.getHeader(PARTITIONS_HEADER);
      if (asked == null) {
        return all.get();
      }
      Set<Integer> wanted = parsePartitions(asked);
      if (!"standby".equals(request.getHeader(READ_HEADER))) {
        return partitions.read(wanted, false);
      }
      long lag = streams.standbyLag(wanted, standbyMaxLag);
      response.setHeader(REPLICA_HEADER, "standby");
      response.setHeader(REPLICA_LAG_HEADER, Long.toString(lag));
      return partitions.read(wanted, true);
    }
    List<LatticeStreams.PartitionHosts> hosts;
    try {
      hosts = streams.partitionHosts();
    } catch (StateNotQueryableException e) {
      throw new ClusterUnavailableException(e.getMessage() + "; retry");
    }
    if (hosts.isEmpty()) {
      return all.get(); // running alone: every partition is here
    }
    Map<LatticeStreams.Instance, Set<Integer>> remote = new LinkedHashMap<>();
    Set<Integer> here = new TreeSet<>();
    Set<Integer> orphans = new TreeSet<>();
    for (LatticeStreams.PartitionHosts host : hosts) {
      if (host.active().isEmpty()) {
        orphans.add(host.partition());
      } else if (host.active().get().local()) {
        here.add(host.partition());
      } else {
        remote.computeIfAbsent(host.active().get(), i -> new TreeSet<>()).add(host.partition());
      }
    }
    if (!remote.isEmpty() || !orphans.isEmpty()) {
      requireSecret();
    }
    Map<LatticeStreams.Instance, CompletableFuture<HttpResponse<byte[]>>> calls =
        new LinkedHashMap<>();
    remote.forEach(
        (instance, owned) ->
            calls.put(
                instance,
                http.sendAsync(
                    request(node.urlOf(instance.host(), instance.port()), request, false, owned),
                    HttpResponse.BodyHandlers.ofByteArray())));
    List<T> out = new ArrayList<>();
    if (!here.isEmpty()) {
      try {
        out.addAll(partitions.read(here, false));
      } catch (StateNotQueryableException e) {
        orphans.addAll(here); // still restoring here: a standby copy may answer
      }
    }
    for (Map.Entry<LatticeStreams.Instance, CompletableFuture<HttpResponse<byte[]>>> call :
        calls.entrySet()) {
      Optional<HttpResponse<byte[]>> answer = answerOf(call.getValue(), call.getKey());
      if (answer.isPresent() && answer.get().statusCode() == 200) {
        out.addAll(readList(answer.get(), type));
      } else if (answer.isPresent() && answer.get().statusCode() != 503) {
        throw new ClusterUnavailableException(
            "Instance "
                + call.getKey().host()
                + ":"
                + call.getKey().port()
                + " answered "
                + answer.get().statusCode()
                + "; retry");
      } else {
        orphans.addAll(remote.get(call.getKey()));
      }
    }
    if (orphans.isEmpty()) {
      return out;
    }
    if (!standbyReads) {
      throw new ClusterUnavailableException(
          "Partitions "
              + orphans
              + " of the member state have no active copy that answers now; retry");
    }
    long lag = 0;
    for (int partition : orphans) {
      lag = Math.max(lag, fromStandby(partition, hosts, request, type, partitions, out));
    }
    response.setHeader(REPLICA_HEADER, "standby");
    response.setHeader(REPLICA_LAG_HEADER, Long.toString(lag));
    return out;
  }

  /** Reads one partition from a standby copy into {@code out}; returns the copy's lag. */
  private <T> long fromStandby(
      int partition,
      List<LatticeStreams.PartitionHosts> hosts,
      HttpServletRequest request,
      TypeReference<List<T>> type,
      PartitionReader<T> partitions,
      List<T> out) {
    String why;
    try {
      long lag = streams.standbyLag(Set.of(partition), standbyMaxLag);
      out.addAll(partitions.read(Set.of(partition), true));
      return lag;
    } catch (StateNotQueryableException e) {
      why = e.getMessage();
    }
    for (LatticeStreams.PartitionHosts host : hosts) {
      if (host.partition() != partition) {
        continue;
      }
      for (LatticeStreams.Instance standby : host.standbys()) {
        if (standby.local()) {
          continue;
        }
        URI base = node.urlOf(standby.host(), standby.port());
        Optional<HttpResponse<byte[]>> answer =
            answerOf(
                http.sendAsync(
                    request(base, request, true, Set.of(partition)),
                    HttpResponse.BodyHandlers.ofByteArray()),
                standby);
        if (answer.isPresent() && answer.get().statusCode() == 200) {
          out.addAll(readList(answer.get(), type));
          return answer
              .get()
              .headers()
              .firstValue(REPLICA_LAG_HEADER)
              .map(Long::parseLong)
              .orElse(0L);
        }
      }
    }
    throw new ClusterUnavailableException(
        "Partition "
            + partition
            + " of the member state is moving between instances and no copy of it can answer now ("
            + why
            + "); retry");
  }

  private Optional<HttpResponse<byte[]>> answerOf(
      CompletableFuture<HttpResponse<byte[]>> call, LatticeStreams.Instance target) {
    try {
      return Optional.of(call.get());
    } catch (ExecutionException e) {
      LOGGER.warn(
          "Instance did not answer target={}:{}: {}",
          target.host(),
          target.port(),
          e.getCause().toString());
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterUnavailableException("Interrupted while asking another instance");
    }
  }

  private <T> List<T> readList(HttpResponse<byte[]> answer, TypeReference<List<T>> type) {
    return json.readValue(answer.body(), type);
  }

  private static Set<Integer> parsePartitions(String header) {
    Set<Integer> out = new TreeSet<>();
    for (String part : header.split(",")) {
      try {
        out.add(Integer.parseInt(part.strip()));
      } catch (NumberFormatException e) {
        throw new ApiProblemException(
            HttpStatus.BAD_REQUEST,
            "invalid-request",
            "Invalid request",
            PARTITIONS_HEADER + " is not a list of partition numbers: " + header);
      }
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

  /**
   * Asks every other instance that hosts part of the member state now for {@code target} (a GET of
   * this API, path and encoded query, that such an instance answers from its own partitions only),
   * signed and with the credentials of {@code request}'s caller, which are checked there again. The
   * answers of the instances that answered 200; one that did not answer, or not with 200, is left
   * out, counted and logged: the caller decides what a missing part means.
   *
   * @throws ClusterUnavailableException when the member state cannot be located now
   */
  public <T> HostAnswers<T> askEveryOtherHost(
      HttpServletRequest request, String target, TypeReference<T> type) {
    List<LatticeStreams.PartitionHosts> hosts;
    try {
      hosts = streams.partitionHosts();
    } catch (StateNotQueryableException e) {
      throw new ClusterUnavailableException(e.getMessage() + "; retry");
    }
    Set<LatticeStreams.Instance> others = new java.util.LinkedHashSet<>();
    for (LatticeStreams.PartitionHosts host : hosts) {
      host.active().filter(i -> !i.local()).ifPresent(others::add);
    }
    if (others.isEmpty()) {
      return new HostAnswers<>(List.of(), 0);
    }
    requireSecret();
    Map<LatticeStreams.Instance, CompletableFuture<HttpResponse<byte[]>>> calls =
        new LinkedHashMap<>();
    for (LatticeStreams.Instance other : others) {
      calls.put(
          other,
          http.sendAsync(
              request(node.urlOf(other.host(), other.port()), "GET", target, request, false, null),
              HttpResponse.BodyHandlers.ofByteArray()));
    }
    List<T> out = new ArrayList<>();
    int[] unanswered = {0};
    calls.forEach(
        (instance, call) -> {
          Optional<HttpResponse<byte[]>> answer = answerOf(call, instance);
          if (answer.isPresent() && answer.get().statusCode() == 200) {
            out.add(json.readValue(answer.get().body(), type));
            return;
          }
          unanswered[0]++;
          if (answer.isPresent()) {
            // the path only: the query may be long (and is the caller's business)
            LOGGER.warn(
                "Instance answered {} target={}:{}{}",
                answer.get().statusCode(),
                instance.host(),
                instance.port(),
                target.replaceFirst("\\?.*$", ""));
          }
        });
    return new HostAnswers<>(out, unanswered[0]);
  }

  /**
   * Runs {@code ask} (an {@link #askEveryOtherHost} question) again, every quarter second, while an
   * instance gave no answer or the cluster could not be located, for at most {@code patience}: the
   * answers gathered over all attempts (an instance that answers every attempt is in it as often).
   */
  public static <T> List<T> patiently(
      java.util.function.Supplier<HostAnswers<T>> ask, Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    List<T> out = new ArrayList<>();
    while (true) {
      boolean complete;
      try {
        HostAnswers<T> answers = ask.get();
        out.addAll(answers.answers());
        complete = answers.unanswered() == 0;
      } catch (ClusterUnavailableException e) {
        complete = false;
      }
      if (complete || System.nanoTime() - deadline > 0) {
        return out;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return out;
      }
    }
  }

  /**
   * What {@link #askEveryOtherHost} gathered: the 200 answers, and how many of the instances asked
   * gave none (no answer in time, or another status, such as 503 while they rebalance).
   */
  public record HostAnswers<T>(List<T> answers, int unanswered) {
    public HostAnswers {
      answers = List.copyOf(answers);
    }
  }

  private HttpRequest request(URI base, HttpServletRequest request, boolean standby) {
    return request(base, request, standby, null);
  }

  private HttpRequest request(
      URI base, HttpServletRequest request, boolean standby, Set<Integer> partitions) {
    String target =
        request.getRequestURI()
            + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
    return request(base, request.getMethod(), target, request, standby, partitions);
  }

  /**
   * A signed request for {@code method} {@code target} on the instance at {@code base}, with the
   * credentials of the caller of {@code request}.
   */
  private HttpRequest request(
      URI base,
      String method,
      String target,
      HttpServletRequest request,
      boolean standby,
      Set<Integer> partitions) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base.toString() + target))
            .timeout(timeout)
            .method(method, HttpRequest.BodyPublishers.noBody())
            .header(ClusterNode.HEADER, node.sign(method, target));
    if (standby) {
      builder.header(READ_HEADER, "standby");
    }
    if (partitions != null) {
      builder.header(
          PARTITIONS_HEADER,
          partitions.stream().map(String::valueOf).collect(Collectors.joining(",")));
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
