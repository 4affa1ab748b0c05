package dev.lattice.benchmarks.policy;

import dev.lattice.policy.DecisionService;
import dev.lattice.policy.DecisionServiceConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * CPU time per decision (the deciding thread's CPU time, not wall-clock), with the shared-decision
 * memo on and off, interleaved in rounds: a measure that holds up better than JMH's throughput on a
 * machine other processes are loading. Inputs as in {@link DecideBenchmark}.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.lattice.benchmarks.policy.SharedDecisionCpuTime [decisions per case and round]}
 */
public final class SharedDecisionCpuTime {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private SharedDecisionCpuTime() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    Map<String, Object> networks = resource("lattice/examples/demo-networks/data.json");
    Map<String, Object> offer = resource("lattice/examples/offer-input.json");
    List<Map<String, Object>> inputs =
        List.of(
            offer,
            resource("lattice/examples/member-data-input.json"),
            resource("lattice/examples/member-data-denied-input.json"));
    List<Map<String, Object>> offers = offersToMembers(offer, 1000);
    String[] names = {
      "offerToManyMembers", "offerAllowed", "memberDataAllowed", "memberDataDenied"
    };
    DecisionServiceConfig config = new DecisionServiceConfig(List.of(), false);
    DecisionService shared = DecisionService.create(config);
    DecisionService full = DecisionService.create(config.withoutSharedDecisions());
    shared.putData("networks", networks.get("networks"));
    full.putData("networks", networks.get("networks"));
    for (int round = 0; round < 6; round++) {
      StringBuilder line = new StringBuilder(round < 2 ? "warm-up " : "round   ");
      for (int k = 0; k < names.length; k++) {
        line.append(String.format(Locale.ROOT, " %s µs:", names[k]));
        for (DecisionService s : List.of(shared, full)) {
          long t0 = cpu.getCurrentThreadCpuTime();
          for (int i = 0; i < n; i++) {
            s.decide(k == 0 ? offers.get(i % offers.size()) : inputs.get(k - 1));
          }
          double micros = (cpu.getCurrentThreadCpuTime() - t0) / 1e3 / n;
          line.append(
              String.format(Locale.ROOT, " %s %.1f", s == shared ? "memo" : "full", micros));
        }
      }
      System.out.println(line);
    }
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> offersToMembers(Map<String, Object> offer, int n) {
    List<Map<String, Object>> out = new java.util.ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Map<String, Object> input = new LinkedHashMap<>(offer);
      Map<String, Object> event = new LinkedHashMap<>((Map<String, Object>) offer.get("event"));
      event.put("member_id", "m-" + i);
      input.put("event", event);
      Map<String, Object> consent = new LinkedHashMap<>((Map<String, Object>) offer.get("consent"));
      consent.put("member_id", "m-" + i);
      consent.put("version", 1 + i % 7);
      input.put("consent", consent);
      Map<String, Object> context = new LinkedHashMap<>((Map<String, Object>) offer.get("context"));
      context.put("counters", Map.of("member_offers_24h", i % 3, "member_brand_offers_24h", 0));
      input.put("context", context);
      out.add(input);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> resource(String name) {
    try (InputStream in = SharedDecisionCpuTime.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("missing resource " + name);
      return JSON.readValue(in, Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
