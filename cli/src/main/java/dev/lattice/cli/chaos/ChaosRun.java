package dev.lattice.cli.chaos;

import dev.lattice.kafka.embedded.EmbeddedKafkaCluster;
import dev.lattice.kafka.embedded.KafkaClusterSpec;
import dev.lattice.schemas.AvroCodec;
import dev.lattice.schemas.EventDecodingException;
import dev.lattice.schemas.TopicCatalogue;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.streams.DeliveryReferences;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A chaos run: three in-JVM Kafka brokers and two Lattice instances as separate OS processes
 * ({@code java -jar lattice.jar serve}), steady traffic through the HTTP API (member data, offers,
 * consent grants and withdrawals, plus undecodable records written straight to an input topic),
 * and, in cycles, {@code kill -9} of an instance, a broker stopped and restarted, the killed
 * instance started again. Then the {@link InvariantChecker} reads every topic and compares it with
 * what the traffic was answered. Not thread-safe: one run per object.
 */
public final class ChaosRun {
  static final String NETWORK = "alpine";
  static final String PARTNER = "readers";
  static final String BRAND = "summit";

  /**
   * How long an instance may take to become healthy: a start takes under a minute on a quiet 2-core
   * machine, but up to 5 minutes was seen on one shared by several builds (load 40+); the wait ends
   * as soon as the instance is healthy.
   */
  static final Duration INSTANCE_START_TIMEOUT = Duration.ofMinutes(10);

  private final ChaosSettings settings;
  private final PrintStream progress;
  private final String runId = Long.toString(System.currentTimeMillis(), 36);
  private final String adminKey = "lk_" + secret();
  private final String clusterSecret = secret();
  private final String pseudonymSecret = secret();
  // Every instance wraps and unwraps the members' data keys with the same master key.
  private final String masterKey = masterKey();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final TrafficLog log = new TrafficLog();
  private final List<Instance> instances = new ArrayList<>();
  private final List<String> harnessViolations = new CopyOnWriteArrayList<>();
  private final List<ChaosReport.Fault> faults = new CopyOnWriteArrayList<>();
  private final Map<String, Long> firstDecided = new ConcurrentHashMap<>();
  private final AtomicInteger roundRobin = new AtomicInteger();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicInteger queries = new AtomicInteger();
  private final AtomicInteger queriesUnavailable = new AtomicInteger();
  private final AtomicInteger queriesFromStandby = new AtomicInteger();
  private final List<String> members = new ArrayList<>();
  private EmbeddedKafkaCluster kafka;
  private String serviceKey;
  private String brandKey;
  private long trafficStart;
  private long trafficStartWall;

  public ChaosRun(ChaosSettings settings, PrintStream progress) {
    this.settings = settings;
    this.progress = progress;
  }

  /** Runs the whole scenario and returns what it found; stops every process it started. */
  public ChaosReport run() throws InterruptedException {
    long begin = System.nanoTime();
    AtomicBoolean stop = new AtomicBoolean();
    Thread tail = null;
    try {
      Files.createDirectories(settings.dataDir());
      kafka =
          EmbeddedKafkaCluster.start(KafkaClusterSpec.of(3, settings.dataDir().resolve("kafka")));
      progress.println("chaos: 3 brokers at " + kafka.bootstrapServers());
      for (int i = 0; i < 2; i++) {
        Instance instance = new Instance(i + 1, settings.firstPort() + i);
        instances.add(instance);
        instance.start();
      }
      for (Instance instance : instances) {
        if (!instance.awaitHealthy(INSTANCE_START_TIMEOUT)) {
          throw new IllegalStateException(
              "instance " + instance.index + " did not become healthy; see " + instance.log());
        }
      }
      progress.printf(
          "chaos: instances healthy after %ds%n",
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - begin));
      tail = Thread.ofPlatform().name("chaos-audit-tail").start(() -> tailAudit(stop));
      setUp();
      trafficStart = System.nanoTime();
      trafficStartWall = System.currentTimeMillis();
      Thread faultThread = Thread.ofPlatform().name("chaos-faults").start(this::injectFaults);
      Thread queryThread =
          Thread.ofPlatform().name("chaos-queries").start(() -> askQueries(faultThread));
      traffic(faultThread);
      faultThread.join();
      queryThread.join();
      progress.println("chaos: traffic done; waiting for the topology to decide what it accepted");
      InvariantChecker checker =
          new InvariantChecker(
              clientProperties(),
              new InvariantChecker.World(NETWORK, PARTNER, BRAND, Set.copyOf(members)),
              new DeliveryReferences(pseudonymSecret.getBytes(StandardCharsets.UTF_8)),
              trafficStart,
              trafficStartWall);
      long settleUntil = System.nanoTime() + settings.settle().toNanos();
      while (checker.unsettled(log) > 0 && System.nanoTime() < settleUntil) {
        Thread.sleep(1000);
      }
      // What was decided is written with its deliveries in one transaction; nothing more to wait
      // for.
      InvariantChecker.Result result = checker.check(log);
      List<String> violations = new ArrayList<>(harnessViolations);
      violations.addAll(result.violations());
      List<TrafficLog.Sent> sent = log.sent();
      return new ChaosReport(
          (int) sent.stream().filter(s -> s.outcome() == TrafficLog.Outcome.ACCEPTED).count(),
          (int) sent.stream().filter(s -> s.outcome() == TrafficLog.Outcome.UNCONFIRMED).count(),
          (int) log.consentChanges().stream().filter(TrafficLog.ConsentChange::answered).count(),
          result.decisions(),
          result.deliveries(),
          log.badInputs().size(),
          queries.get(),
          queriesUnavailable.get(),
          queriesFromStandby.get(),
          faults.stream()
              .sorted(java.util.Comparator.comparingDouble(ChaosReport.Fault::atSeconds))
              .toList(),
          List.copyOf(violations),
          result.lost(),
          result.duplicated(),
          result.leaked(),
          Duration.ofNanos(System.nanoTime() - begin));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      stop.set(true);
      if (tail != null) {
        tail.join(10_000);
      }
      for (Instance instance : instances) {
        instance.stop();
      }
      if (kafka != null) {
        kafka.close();
      }
    }
  }

  // ------------------------------------------------------------------ set-up

  private void setUp() throws InterruptedException {
    expect(
        201,
        call("POST", "/api/v1/networks", network(PARTNER, "{}"), adminKey),
        "create " + PARTNER);
    expect(
        201,
        call(
            "POST",
            "/api/v1/networks",
            network(
                NETWORK,
                """
                {"export": {"networks": ["%2$s"], "brands": [], "purposes": ["sharing"],
                            "categories": ["profile", "interests"], "content": false},
                 "import": {"networks": ["%2$s"], "purposes": ["sharing"], "categories": ["*"],
                            "content": false},
                 "agreements": [{"network": "%2$s", "purposes": ["sharing"], "content": false}],
                 "offers": {"accept": true, "brands_allow": ["%1$s"],
                            "frequency_cap": {"per_member_24h": 100000, "per_member_brand_24h": 100000}}}
                """
                    .formatted(BRAND, PARTNER)),
            adminKey),
        "create " + NETWORK);
    expect(
        200,
        call(
            "PUT",
            "/api/v1/networks/" + PARTNER,
            """
            {"name": "Readers", "rules": {
              "export": {"networks": ["%1$s"], "purposes": ["sharing"], "categories": ["profile"],
                         "content": false},
              "import": {"networks": ["%1$s"], "purposes": ["sharing"], "categories": ["*"],
                         "content": false},
              "agreements": [{"network": "%1$s", "purposes": ["sharing"], "content": false}]}}
            """
                .formatted(NETWORK),
            adminKey),
        "rules of " + PARTNER);
    expect(
        201,
        call(
            "POST",
            "/api/v1/brands",
            "{\"id\": \"" + BRAND + "\", \"name\": \"Summit\"}",
            adminKey),
        "create brand");
    serviceKey =
        keyOf(
            call(
                "POST",
                "/api/v1/admin/api-keys",
                "{\"role\": \"SERVICE\", \"scope\": \"" + NETWORK + "\"}",
                adminKey));
    brandKey =
        keyOf(
            call(
                "POST",
                "/api/v1/admin/api-keys",
                "{\"role\": \"BRAND\", \"scope\": \"" + BRAND + "\"}",
                adminKey));
    for (int i = 0; i < settings.members(); i++) {
      members.add("m-" + runId + "-" + i);
    }
    List<String> seeds = new ArrayList<>();
    for (String member : members) {
      seeds.add(sendMemberData(member));
    }
    long until = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (!firstDecided.keySet().containsAll(seeds) && System.nanoTime() < until) {
      Thread.sleep(200);
    }
    if (!firstDecided.keySet().containsAll(seeds)) {
      throw new IllegalStateException("the members' first events were not decided within 3 min");
    }
    for (String member : members) {
      changeConsent(member, "offers", true);
      changeConsent(member, "sharing", true);
    }
    progress.printf("chaos: world set up (%d members)%n", members.size());
  }

  private static String network(String id, String rules) {
    return "{\"id\": \"%s\", \"name\": \"%s\", \"rules\": %s}".formatted(id, id, rules);
  }

  private void expect(int status, Answer answer, String what) {
    if (answer.status() != status) {
      throw new IllegalStateException(
          "chaos set-up: " + what + " answered " + answer.status() + ": " + answer.body());
    }
  }

  private String keyOf(Answer answer) {
    expect(201, answer, "create an API key");
    int at = answer.body().indexOf("\"key\":\"");
    return answer.body().substring(at + 7, answer.body().indexOf('"', at + 7));
  }

  // ------------------------------------------------------------------ traffic

  private void traffic(Thread faultThread) throws InterruptedException {
    Random random = new Random(settings.seed());
    long period = 1_000_000_000L / settings.eventsPerSecond();
    long end = trafficStart + settings.traffic().toNanos();
    long expectedCalls = settings.traffic().toSeconds() * settings.eventsPerSecond();
    long badEvery =
        settings.badInputs() == 0
            ? Long.MAX_VALUE
            : Math.max(1, expectedCalls / (settings.badInputs() + 1));
    Map<String, Boolean> granted = new ConcurrentHashMap<>();
    members.forEach(
        m -> {
          granted.put(m + "|offers", true);
          granted.put(m + "|sharing", true);
        });
    long next = System.nanoTime();
    long lastReport = System.nanoTime();
    long calls = 0;
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      while (System.nanoTime() < end || faultThread.isAlive()) {
        calls++;
        if (calls % badEvery == 0 && log.badInputs().size() < settings.badInputs()) {
          sendBadInput(producer);
        }
        String member = members.get(random.nextInt(members.size()));
        int dice = random.nextInt(100);
        if (dice < 55) {
          sendMemberData(member);
        } else if (dice < 70) {
          sendOffer();
        } else {
          String purpose = random.nextBoolean() ? "offers" : "sharing";
          boolean grant = !granted.get(member + "|" + purpose);
          if (changeConsent(member, purpose, grant)) {
            granted.put(member + "|" + purpose, grant);
          }
        }
        if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(10)) {
          lastReport = System.nanoTime();
          progress.printf(
              "chaos: t=%ds sent %d events, %d decided, %d faults%n",
              TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - trafficStart),
              log.sent().size(),
              firstDecided.size(),
              faults.size());
        }
        next += period;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        } else {
          next = System.nanoTime();
        }
      }
      // A short or slow run sends the bad inputs it has not sent yet at the end.
      while (log.badInputs().size() < settings.badInputs()) {
        int before = log.badInputs().size();
        sendBadInput(producer);
        if (log.badInputs().size() == before) {
          break; // could not write it (reported)
        }
      }
    }
  }

  private String sendMemberData(String member) {
    String id = "md-" + runId + "-" + sequence.incrementAndGet();
    String body =
        """
        {"header": {"event_id": "%s", "event_type": "member_data", "source_network": "%s",
                    "subject_member": "%s", "occurred_at": "2026-11-23T10:00:00Z"},
         "purpose": "sharing", "kind": "profile",
         "personal": {"display_name": "Chaos %s", "interests": ["skiing"]}}
        """
            .formatted(id, NETWORK, member, member);
    send(id, "member_data", member, "/api/v1/events/member-data", body, serviceKey);
    return id;
  }

  private void sendOffer() {
    long n = sequence.incrementAndGet();
    String id = "of-" + runId + "-" + n;
    String body =
        """
        {"header": {"event_id": "%s", "event_type": "offer", "source_network": "%s",
                    "occurred_at": "2026-11-23T10:00:00Z"},
         "offer_id": "o-%s-%d", "brand": "%s", "sku": "SKI-%d", "category": "outdoor",
         "creative": {"headline": "New skis"}, "target_networks": ["%s"],
         "valid_from": "2026-01-01T00:00:00Z", "valid_until": "2030-01-01T00:00:00Z"}
        """
            .formatted(id, NETWORK, runId, n, BRAND, n, NETWORK);
    send(id, "offer", null, "/api/v1/events/offers", body, brandKey);
  }

  private void send(String id, String type, String member, String path, String body, String key) {
    long start = System.nanoTime();
    Answer answer = call("POST", path, body, key);
    TrafficLog.Outcome outcome;
    if (answer.status() == 202) {
      outcome = TrafficLog.Outcome.ACCEPTED;
    } else if (answer.status() == -1 || answer.status() >= 500) {
      outcome = TrafficLog.Outcome.UNCONFIRMED;
    } else {
      harnessViolations.add(
          "the API refused event " + id + ": " + answer.status() + " " + answer.body());
      return;
    }
    log.sent(new TrafficLog.Sent(id, type, member, start, System.nanoTime(), outcome));
  }

  private boolean changeConsent(String member, String purpose, boolean grant) {
    long start = System.nanoTime();
    String path = "/api/v1/members/" + member + "/consents/" + purpose;
    Answer answer =
        grant
            ? call(
                "PUT",
                path,
                purpose.equals("offers") ? "{\"recipients\": [\"" + BRAND + "\"]}" : "{}",
                serviceKey)
            : call("DELETE", path, null, serviceKey);
    boolean answered = answer.status() == 200 || answer.status() == 202;
    if (!grant && answer.status() == 422 && answer.body().contains("consent.nothing_to_withdraw")) {
      // After a retry this is the earlier attempt's doing: it got no answer (or a 5xx) but was
      // applied, so the withdrawal stands. Without a retry the ledger has no grant where the
      // traffic expected one: say which changes led here.
      if (!answer.retried()) {
        harnessViolations.add(
            "withdrawal of "
                + purpose
                + " refused, nothing to withdraw, after these changes: "
                + log.consentChanges().stream()
                    .filter(c -> c.member().equals(member) && c.purpose().equals(purpose))
                    .map(
                        c ->
                            (c.grant() ? "grant " : "withdraw ")
                                + c.status()
                                + (c.answered() ? "" : " (retried or unanswered)")
                                + String.format(" at t=%.2fs", (c.endNanos() - trafficStart) / 1e9))
                    .collect(java.util.stream.Collectors.joining(", ")));
      }
      log.consent(
          new TrafficLog.ConsentChange(
              member, purpose, false, start, System.nanoTime(), false, answer.status(), null));
      return true; // not granted now, as far as the ledger knows
    }
    if (!answered && answer.status() != -1 && answer.status() < 500) {
      harnessViolations.add(
          "the API refused a consent change for a member: "
              + answer.status()
              + " "
              + answer.body());
    }
    log.consent(
        new TrafficLog.ConsentChange(
            member,
            purpose,
            grant,
            start,
            System.nanoTime(),
            answered && !answer.retried(),
            answer.status(),
            answered ? commandId(answer.body()) : null));
    return answered;
  }

  private static String commandId(String body) {
    int at = body.indexOf("\"commandId\":\"");
    return at < 0 ? null : body.substring(at + 13, body.indexOf('"', at + 13));
  }

  private void sendBadInput(KafkaProducer<byte[], byte[]> producer) {
    String key = "bad-" + runId + "-" + log.badInputs().size();
    byte[] value = ("not an Avro record: " + key).getBytes(StandardCharsets.UTF_8);
    String topic = TopicCatalogue.INGEST_MEMBER_DATA.name();
    try {
      producer
          .send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value))
          .get(60, TimeUnit.SECONDS);
      log.bad(new TrafficLog.BadInput(topic, key, value));
    } catch (Exception e) {
      harnessViolations.add("could not write a bad input: " + e.getMessage());
    }
  }

  // ------------------------------------------------------------------ faults

  private void injectFaults() {
    int cycle = 0;
    try {
      do {
        long cycleStart = System.nanoTime();
        long length = settings.cycle().toNanos();
        Instance victim = instances.get((cycle + 1) % 2);
        int broker = cycle % 3;
        // The faults keep their schedule: a fault's recovery is measured while the next one may
        // already be under way (in a short cycle the broker stops before the killed instance's
        // members have moved), and every recovery is awaited before the cycle ends.
        List<Thread> recoveries = new ArrayList<>();
        waitUntil(cycleStart + length / 10);
        long at = System.nanoTime();
        victim.kill();
        recoveries.add(recoveredLater("kill -9 instance " + victim.index, at));
        waitUntil(cycleStart + length * 3 / 10);
        at = System.nanoTime();
        kafka.stopNode(broker);
        recoveries.add(recoveredLater("stop broker " + broker, at));
        waitUntil(cycleStart + length / 2);
        at = System.nanoTime();
        kafka.startNode(broker);
        recoveries.add(recoveredLater("restart broker " + broker, at));
        waitUntil(cycleStart + length * 6 / 10);
        at = System.nanoTime();
        if (!victim.startHealthy(INSTANCE_START_TIMEOUT)) {
          harnessViolations.add(
              "instance " + victim.index + " did not come back; see " + victim.log());
          faults.add(new ChaosReport.Fault("restart instance " + victim.index, seconds(at), null));
          return;
        }
        recovered("restart instance " + victim.index, at);
        for (Thread recovery : recoveries) {
          recovery.join();
        }
        waitUntil(cycleStart + length);
        cycle++;
      } while (System.nanoTime() - trafficStart + settings.cycle().toNanos()
          <= settings.traffic().toNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) {
      harnessViolations.add("fault injection failed: " + e);
    }
  }

  /** {@link #recovered} on a thread of its own, so that the next fault keeps its schedule. */
  private Thread recoveredLater(String what, long at) {
    return Thread.ofVirtual()
        .name("chaos-recovery")
        .start(
            () -> {
              try {
                recovered(what, at);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
  }

  /** Sends a probe event after a fault and records how long until it was decided. */
  private void recovered(String what, long at) throws InterruptedException {
    progress.printf("chaos: t=%.1fs %s%n", seconds(at), what);
    String member = members.get((int) (sequence.get() % members.size()));
    String probe = sendMemberData(member);
    long until = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (!firstDecided.containsKey(probe) && System.nanoTime() < until) {
      Thread.sleep(50);
    }
    Long decided = firstDecided.get(probe);
    Duration recovery = decided == null ? null : Duration.ofNanos(decided - at);
    faults.add(new ChaosReport.Fault(what, seconds(at), recovery));
    if (recovery == null) {
      harnessViolations.add("no event was decided within 3 min of: " + what);
    }
  }

  private double seconds(long nanos) {
    return (nanos - trafficStart) / 1e9;
  }

  private static void waitUntil(long nanos) throws InterruptedException {
    long wait = nanos - System.nanoTime();
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }

  // ------------------------------------------------------------------ queries

  /**
   * While the faults run, asks each live instance in turn for a seeded member's consent and
   * activity (forwarded to wherever the member is hosted). Every member has both, so the answer
   * must be 200 with the member's state, or 503 with Retry-After while state is moving; a 404 or an
   * empty state is a wrong "not found".
   */
  private void askQueries(Thread faultThread) {
    Random random = new Random(settings.seed() + 1);
    int turn = 0;
    while (faultThread.isAlive()) {
      Instance instance = instances.get(turn++ % instances.size());
      String member = members.get(random.nextInt(members.size()));
      String path =
          "/api/v1/members/" + member + (random.nextBoolean() ? "/consents" : "/activity");
      if (instance.alive()) {
        try {
          HttpResponse<String> response =
              http.send(
                  HttpRequest.newBuilder(URI.create("http://localhost:" + instance.port + path))
                      .timeout(Duration.ofSeconds(15))
                      .header("X-Api-Key", serviceKey)
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          queries.incrementAndGet();
          int status = response.statusCode();
          if (status == 503) {
            queriesUnavailable.incrementAndGet();
            if (response.headers().firstValue("Retry-After").isEmpty()) {
              harnessViolations.add("503 without Retry-After for " + path.replace(member, "<m>"));
            }
          } else if (status != 200
              || !response.body().contains(NETWORK) && path.endsWith("/activity")) {
            harnessViolations.add(
                "wrong answer during the faults: "
                    + status
                    + " for "
                    + path.replace(member, "<member>")
                    + " on instance "
                    + instance.index);
          } else if (response.headers().firstValue("X-Lattice-Replica").isPresent()) {
            queriesFromStandby.incrementAndGet();
          }
        } catch (IOException e) {
          // the instance went down under the request
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  // ------------------------------------------------------------------ Kafka

  private Properties clientProperties() {
    return kafka.clientProperties();
  }

  private KafkaProducer<byte[], byte[]> producer() {
    Properties props = clientProperties();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Notes when each event id is first decided (read_committed), for recovery times. */
  private void tailAudit(AtomicBoolean stop) {
    AvroCodec<DecisionRecord> codec = AvroCodec.of(DecisionRecord.class);
    Properties props = clientProperties();
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    String topic = TopicCatalogue.AUDIT_DECISIONS.name();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(60)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (!stop.get()) {
        for (var r : consumer.poll(Duration.ofMillis(100))) {
          try {
            firstDecided.putIfAbsent(codec.decode(r.value()).getEventId(), System.nanoTime());
          } catch (EventDecodingException e) {
            // the checker reports it
          }
        }
      }
    } catch (RuntimeException e) {
      harnessViolations.add("the audit tail failed: " + e);
    }
  }

  // ------------------------------------------------------------------ HTTP

  /** An answer; {@code retried}: an earlier attempt got no answer or a 5xx (it may still land). */
  record Answer(int status, String body, boolean retried) {}

  /**
   * Calls the API on the instances in turn, moving to the next on no answer or a 5xx, for up to a
   * minute. Status -1: no instance answered at all.
   */
  private Answer call(String method, String path, String body, String apiKey) {
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    Answer last = new Answer(-1, "no answer", false);
    boolean retried = false;
    while (System.nanoTime() < until) {
      for (int i = 0; i < instances.size(); i++) {
        Instance instance =
            instances.get(Math.floorMod(roundRobin.getAndIncrement(), instances.size()));
        if (!instance.alive()) {
          continue;
        }
        HttpRequest.Builder request =
            HttpRequest.newBuilder(URI.create("http://localhost:" + instance.port + path))
                .timeout(Duration.ofSeconds(15))
                .header("X-Api-Key", apiKey)
                .header("Content-Type", "application/json");
        request.method(
            method,
            body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        try {
          HttpResponse<String> response =
              http.send(request.build(), HttpResponse.BodyHandlers.ofString());
          if (response.statusCode() < 500) {
            return new Answer(response.statusCode(), response.body(), retried);
          }
          last = new Answer(response.statusCode(), response.body(), true);
          retried = true;
        } catch (IOException e) {
          // this instance is down or did not answer in time: the next one
          retried = true;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return last;
        }
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return last;
      }
    }
    return last;
  }

  private static String masterKey() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return java.util.Base64.getEncoder().encodeToString(bytes);
  }

  private static String secret() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  // ------------------------------------------------------------------ instances

  private static boolean bindable(int port) {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A free port below Linux's ephemeral range (32768+), where client connections do not land. */
  private static int portBelowEphemeralRange() {
    Random random = new Random();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = 20000 + random.nextInt(12000);
      if (bindable(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port found between 20000 and 32000");
  }

  /** One Lattice instance process. */
  private final class Instance {
    final int index;
    // Changes only when a restart finds its port taken (see start).
    volatile int port;
    private volatile Process process;
    private int starts;

    Instance(int index, int port) {
      this.index = index;
      this.port = port;
    }

    Path log() {
      return settings.dataDir().resolve("instance-" + index + "-" + starts + ".log");
    }

    void start() throws IOException {
      starts++;
      if (!bindable(port)) {
        // While the instance was down another process took its port (a 5-minute soak lost an
        // instance to "port already in use" on a shared machine): it comes back elsewhere, as a
        // replaced machine would, and announces its new address to the group.
        int taken = port;
        port = portBelowEphemeralRange();
        progress.printf(
            "chaos: port %d of instance %d is taken; it restarts on %d%n", taken, index, port);
      }
      List<String> command = new ArrayList<>();
      command.add(settings.java());
      command.add("-Xmx" + settings.instanceHeapMb() + "m");
      command.add("-XX:+UseSerialGC");
      command.add("-XX:TieredStopAtLevel=1");
      if (Runtime.version().feature() >= 24) {
        command.add("--sun-misc-unsafe-memory-access=allow");
      }
      command.addAll(
          List.of(
              "-jar",
              settings.jar().toString(),
              "serve",
              "--port",
              String.valueOf(port),
              "--data-dir",
              settings.dataDir().resolve("instance-" + index).toString()));
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log().toFile());
      Map<String, String> env = builder.environment();
      env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
      env.put("LATTICE_CLUSTER_ADVERTISED_URL", "http://localhost:" + port);
      env.put("LATTICE_CLUSTER_SECRET", clusterSecret);
      env.put("LATTICE_STREAMS_PSEUDONYM_SECRET", pseudonymSecret);
      env.put("LATTICE_SECURITY_API_KEY_PEPPER", clusterSecret + "-pepper");
      env.put("LATTICE_MASTER_KEY", masterKey);
      env.put("LATTICE_BOOTSTRAP_ADMIN_KEY", adminKey);
      env.remove("LATTICE_STREAMS_APPLICATION_ID");
      // A killed instance's members move after 10 s instead of Kafka's default 45 s.
      env.put("LATTICE_STREAMS_SESSIONTIMEOUT", "10s");
      env.put("LATTICE_CONSENT_CONFIRMTIMEOUT", "10s");
      process = builder.start();
    }

    boolean alive() {
      Process p = process;
      return p != null && p.isAlive();
    }

    /** SIGKILL: the process gets no chance to leave the group, commit or flush. */
    void kill() throws InterruptedException {
      Process p = process;
      if (p != null) {
        p.destroyForcibly();
        p.waitFor();
      }
    }

    void stop() throws InterruptedException {
      Process p = process;
      if (p != null && p.isAlive()) {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          p.waitFor();
        }
      }
    }

    /**
     * Starts the instance and waits until it is healthy; when it exits because another process took
     * its port in the meantime (between the check in {@link #start} and its server binding, on a
     * shared machine), starts it again on another port, up to three times.
     */
    boolean startHealthy(Duration timeout) throws IOException, InterruptedException {
      for (int attempt = 0; attempt < 3; attempt++) {
        start();
        if (awaitHealthy(timeout)) {
          return true;
        }
        if (alive() || !Files.readString(log()).contains("Address already in use")) {
          return false;
        }
        int taken = port;
        port = portBelowEphemeralRange();
        progress.printf(
            "chaos: port %d of instance %d was taken while it started; it restarts on %d%n",
            taken, index, port);
      }
      return false;
    }

    boolean awaitHealthy(Duration timeout) throws InterruptedException {
      long until = System.nanoTime() + timeout.toNanos();
      HttpRequest health =
          HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
              .timeout(Duration.ofSeconds(5))
              .build();
      while (System.nanoTime() < until && alive()) {
        try {
          HttpResponse<String> response = http.send(health, HttpResponse.BodyHandlers.ofString());
          if (response.statusCode() == 200 && response.body().contains("\"UP\"")) {
            return true;
          }
        } catch (IOException e) {
          // not listening yet
        }
        Thread.sleep(500);
      }
      return false;
    }
  }
}
