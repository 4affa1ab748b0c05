package dev.lattice.benchmarks.policy;

import dev.lattice.policy.CompiledPolicy;
import dev.lattice.policy.DecisionInput.Destination;
import dev.lattice.policy.EvalOptions;
import dev.lattice.policy.PreparedQuery;
import dev.lattice.policy.QueryResult;
import dev.lattice.policy.Rego;
import dev.lattice.policy.RegoModule;
import dev.lattice.schemas.avro.Address;
import dev.lattice.schemas.avro.ConsentState;
import dev.lattice.schemas.avro.ContentEvent;
import dev.lattice.schemas.avro.ContentPersonal;
import dev.lattice.schemas.avro.Creative;
import dev.lattice.schemas.avro.EventHeader;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.MemberPersonal;
import dev.lattice.schemas.avro.OfferEvent;
import dev.lattice.schemas.avro.PurposeGrant;
import dev.lattice.streams.DecisionInputs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecordBase;
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
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The Rego engine against a hand-written Java method with the same logic, on the same inputs, in
 * the same run. {@code java -jar benchmarks/target/benchmarks.jar ConsentPolicyBenchmark} prints
 * evals/s for both; {@code java -cp benchmarks/target/benchmarks.jar
 * dev.lattice.benchmarks.policy.ConsentPolicyBenchmark} also prints the ratio.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xss4m")
public class ConsentPolicyBenchmark {

  static final Map<String, Object> DATA =
      Map.of(
          "always_allowed_categories", List.of("public"),
          "generalization", Map.of("location", "region", "birthdate", "year"),
          "networks",
              Map.of(
                  "book-circle",
                      Map.of(
                          "blocked_categories", List.of("gambling"),
                          "daily_offer_cap", 3,
                          "redact_categories", List.of("contact")),
                  "acme",
                      Map.of(
                          "blocked_categories", List.of("tobacco"),
                          "daily_offer_cap", 2,
                          "redact_categories", List.of("contact", "health"))));

  static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

  /** Inputs built by the topology's own builder ({@link DecisionInputs}) from real events. */
  static final List<Map<String, Object>> INPUTS =
      List.of(
          input(
              offer("outdoor"),
              "offers",
              Destination.brand("acme"),
              1,
              List.of("acme"),
              List.of("profile", "interests", "contact", "location")),
          input(
              offer("gambling"),
              "offers",
              Destination.network("book-circle"),
              5,
              List.of(),
              List.of("profile")),
          input(
              memberData("analytics"),
              "analytics",
              Destination.network("book-circle"),
              0,
              List.of("ski-club"),
              List.of("profile", "location")),
          input(
              content("research"),
              "marketing",
              Destination.brand("acme"),
              0,
              List.of(),
              List.of("profile", "interests", "contact", "location")));

  private PreparedQuery query;
  private int next;

  static Map<String, Object> input(
      SpecificRecordBase event,
      String grantedPurpose,
      Destination destination,
      int offers,
      List<String> recipients,
      List<String> grantedCategories) {
    ConsentState consent =
        ConsentState.newBuilder()
            .setMemberId("m-42")
            .setVersion(7)
            .setPurposes(
                Map.of(
                    grantedPurpose,
                    PurposeGrant.newBuilder()
                        .setGranted(true)
                        .setCategories(grantedCategories)
                        .setRecipients(recipients)
                        .setNetworks(List.of())
                        .setLegalBasis("consent")
                        .setGrantedAt(NOW.minusSeconds(3600))
                        .setSource("api")
                        .setReceiptId("rcpt-1")
                        .build()))
            .setGpc(false)
            .setReceiptId("rcpt-1")
            .setUpdatedAt(NOW.minusSeconds(3600))
            .setHistory(List.of())
            .build();
    SpecificRecordBase personal =
        event.getSchema().getField("personal") == null
            ? null
            : (SpecificRecordBase) event.get("personal");
    return DecisionInputs.forEvent(
            event,
            personal,
            "m-42",
            consent,
            DecisionInputs.sourceNetwork(event, destination),
            destination,
            new DecisionInputs.Context(NOW, offers, 0, List.of()))
        .toMap();
  }

  static EventHeader header(String type, String member) {
    return EventHeader.newBuilder()
        .setEventId("evt-1")
        .setEventType(type)
        .setSourceNetwork("ski-club")
        .setSubjectMember(member)
        .setOccurredAt(NOW)
        .build();
  }

  static OfferEvent offer(String category) {
    return OfferEvent.newBuilder()
        .setHeader(header("offer", null))
        .setOfferId("o-1")
        .setBrand("acme")
        .setSku("SKI-1")
        .setCategory(category)
        .setCreative(Creative.newBuilder().setHeadline("Skis -20%").build())
        .setTargetNetworks(List.of("book-circle"))
        .setValidFrom(NOW)
        .setValidUntil(NOW.plusSeconds(86_400))
        .build();
  }

  static MemberDataEvent memberData(String purpose) {
    return MemberDataEvent.newBuilder()
        .setHeader(header("member_data", "m-42"))
        .setPurpose(purpose)
        .setKind("profile")
        .setPersonal(
            MemberPersonal.newBuilder()
                .setDisplayName("Ann")
                .setEmail("ann@example.org")
                .setHome(
                    Address.newBuilder()
                        .setCity("Zermatt")
                        .setRegion("Valais")
                        .setCountry("CH")
                        .build())
                .setInterests(List.of("skiing"))
                .build())
        .build();
  }

  static ContentEvent content(String purpose) {
    return ContentEvent.newBuilder()
        .setHeader(header("content", "m-42"))
        .setPurpose(purpose)
        .setContentId("c-1")
        .setVisibility("cross_network")
        .setTargetNetworks(List.of("book-circle"))
        .setPersonal(
            ContentPersonal.newBuilder()
                .setTitle("Powder day")
                .setBody("Fresh snow")
                .setPlace("Zermatt")
                .build())
        .build();
  }

  static String policySource() {
    try (InputStream in =
        ConsentPolicyBenchmark.class.getResourceAsStream(
            "/dev/lattice/benchmarks/policy/consent.rego")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Setup
  public void setUp() {
    CompiledPolicy policy =
        Rego.compile(List.of(new RegoModule("consent.rego", policySource())), DATA);
    query = policy.prepare("data.bench.consent.decision");
    // both sides must agree before their speeds mean anything
    for (Map<String, Object> in : INPUTS) {
      Object engine = normalise(engineDecision(in));
      Object java = normalise(ConsentDecisionInJava.decide(in, DATA));
      if (!engine.equals(java)) {
        throw new IllegalStateException(
            "engine and Java disagree:\n engine " + engine + "\n java   " + java);
      }
    }
  }

  Object engineDecision(Map<String, Object> in) {
    QueryResult r = query.evaluate(in, EvalOptions.defaults());
    return r.bindings().get(0).get("x");
  }

  /** Numbers as longs, so the engine's Long and Java's Integer compare equal. */
  static Object normalise(Object o) {
    if (o instanceof Map<?, ?> m) {
      java.util.TreeMap<String, Object> out = new java.util.TreeMap<>();
      m.forEach((k, v) -> out.put((String) k, normalise(v)));
      return out;
    }
    if (o instanceof Collection<?> c)
      return c.stream().map(ConsentPolicyBenchmark::normalise).toList();
    if (o instanceof Number n) return n.longValue();
    return o;
  }

  @Benchmark
  public void regoEngine(Blackhole bh) {
    bh.consume(engineDecision(INPUTS.get(next++ & 3)));
  }

  @Benchmark
  public void handWrittenJava(Blackhole bh) {
    bh.consume(ConsentDecisionInJava.decide(INPUTS.get(next++ & 3), DATA));
  }

  /** Runs both benchmarks and prints evals/s and the ratio. */
  public static void main(String[] args) throws RunnerException {
    Options opts =
        new OptionsBuilder().include(ConsentPolicyBenchmark.class.getSimpleName()).build();
    Collection<RunResult> results = new Runner(opts).run();
    double engine = 0, java = 0;
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      double score = r.getPrimaryResult().getScore();
      if (name.endsWith("regoEngine")) engine = score;
      if (name.endsWith("handWrittenJava")) java = score;
    }
    System.out.printf("rego engine:       %,.0f evals/s%n", engine);
    System.out.printf("hand-written Java: %,.0f evals/s%n", java);
    System.out.printf("ratio (java/engine): %.1fx%n", java / engine);
  }
}
