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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.json.JsonMapper;

/**
 * Decisions per second of {@link DecisionService#decide} on the default Lattice bundle with the
 * demo network rules and realistic inputs (an allowed offer, an allowed member-data transit with
 * obligations, a denied member-data transit with three reasons).
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

  private DecisionService service;
  private Map<String, Object> offer;
  private Map<String, Object> memberData;
  private Map<String, Object> memberDataDenied;

  @Setup
  public void setUp() {
    service = DecisionService.create(DecisionServiceConfig.defaults());
    Map<String, Object> demo = resource("lattice/examples/demo-networks/data.json");
    service.putData("networks", demo.get("networks"));
    offer = resource("lattice/examples/offer-input.json");
    memberData = resource("lattice/examples/member-data-input.json");
    memberDataDenied = resource("lattice/examples/member-data-denied-input.json");
    requireAllowed(service.decide(offer), true);
    requireAllowed(service.decide(memberData), true);
    requireAllowed(service.decide(memberDataDenied), false);
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

  @Benchmark
  public Decision memberDataAllowedWithObligations() {
    return service.decide(memberData);
  }

  @Benchmark
  public Decision memberDataDenied() {
    return service.decide(memberDataDenied);
  }
}
