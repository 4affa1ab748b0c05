package dev.lattice.benchmarks.policy;

import dev.lattice.policy.Decision;
import dev.lattice.policy.DecisionService;
import dev.lattice.policy.DecisionServiceConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.json.JsonMapper;

/**
 * Decisions per second of {@link DecisionService#decide} on the default Lattice bundle with the
 * demo network rules and realistic inputs (an allowed offer, an allowed member-data transit with
 * obligations, a denied member-data transit with three reasons; an offer to 1,000 different members
 * of one network), with the shared-part memo on and off ({@code shared}).
 *
 * <p>Run: {@code ./mvnw -B -q package -pl benchmarks -am -DskipTests && java -jar
 * benchmarks/target/benchmarks.jar DecideBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecideBenchmark {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** Whether the member-independent part of decisions is memoised across decisions. */
  @Param({"true", "false"})
  public boolean shared;

  private DecisionService service;
  private Map<String, Object>[] offers;
  private int next;
  private Map<String, Object> offer;
  private Map<String, Object> memberData;
  private Map<String, Object> memberDataDenied;

  @Setup
  public void setUp() {
    DecisionServiceConfig config = DecisionServiceConfig.defaults();
    service = DecisionService.create(shared ? config : config.withoutSharedDecisions());
    Map<String, Object> demo = resource("lattice/examples/demo-networks/data.json");
    service.putData("networks", demo.get("networks"));
    offer = resource("lattice/examples/offer-input.json");
    memberData = resource("lattice/examples/member-data-input.json");
    memberDataDenied = resource("lattice/examples/member-data-denied-input.json");
    requireAllowed(service.decide(offer), true);
    offers = offersToMembers(offer, 1000);
    requireAllowed(service.decide(memberData), true);
    requireAllowed(service.decide(memberDataDenied), false);
  }

  /** The offer to {@code n} members: own member id, consent version and counters each. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object>[] offersToMembers(Map<String, Object> offer, int n) {
    Map<String, Object>[] out = new Map[n];
    for (int i = 0; i < n; i++) {
      Map<String, Object> input = new java.util.LinkedHashMap<>(offer);
      Map<String, Object> event =
          new java.util.LinkedHashMap<>((Map<String, Object>) offer.get("event"));
      event.put("member_id", "m-" + i);
      input.put("event", event);
      Map<String, Object> consent =
          new java.util.LinkedHashMap<>((Map<String, Object>) offer.get("consent"));
      consent.put("member_id", "m-" + i);
      consent.put("version", 1 + i % 7);
      input.put("consent", consent);
      Map<String, Object> context =
          new java.util.LinkedHashMap<>((Map<String, Object>) offer.get("context"));
      context.put("counters", Map.of("member_offers_24h", i % 3, "member_brand_offers_24h", 0));
      input.put("context", context);
      out[i] = input;
    }
    return out;
  }

  private static void requireAllowed(Decision d, boolean allow) {
    if (d.allow() != allow)
      throw new IllegalStateException("benchmark input decided unexpectedly: " + d);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> resource(String name) {
    try (InputStream in = DecideBenchmark.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("missing resource " + name);
      return JSON.readValue(in, Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Benchmark
  public Decision offerAllowed() {
    return service.decide(offer);
  }

  /** One offer decided for member after member of its network (as the topology does). */
  @Benchmark
  public Decision offerToManyMembers() {
    Map<String, Object> input = offers[next];
    next = next + 1 == offers.length ? 0 : next + 1;
    return service.decide(input);
  }

  @Benchmark
  public Decision memberDataAllowedWithObligations() {
    return service.decide(memberData);
  }

  @Benchmark
  public Decision memberDataDenied() {
    return service.decide(memberDataDenied);
  }
}
