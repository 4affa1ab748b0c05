package dev.lattice.gateway.api.policies;

import dev.lattice.gateway.api.networks.NetworkService;
import dev.lattice.gateway.events.EventPublisher;
import dev.lattice.gateway.events.TopicTail;
import dev.lattice.gateway.events.ViewBehindException;
import dev.lattice.gateway.problem.ConflictException;
import dev.lattice.gateway.problem.FieldProblem;
import dev.lattice.gateway.problem.InvalidRequestException;
import dev.lattice.gateway.problem.ResourceNotFoundException;
import dev.lattice.policy.DecisionService;
import dev.lattice.policy.DecisionServiceConfig;
import dev.lattice.policy.PolicyActivationException;
import dev.lattice.policy.bundle.Bundle;
import dev.lattice.policy.bundle.BundleBuilder;
import dev.lattice.policy.bundle.BundleException;
import dev.lattice.policy.bundle.BundleLoader;
import dev.lattice.policy.bundle.DefaultBundle;
import dev.lattice.schemas.AvroCodec;
import dev.lattice.schemas.TopicCatalogue;
import dev.lattice.schemas.avro.PolicyBundleRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Policy bundles and their history, kept on {@code lattice.policy.bundles} (one partition, every
 * record kept for good: a log, not a table, because compaction by revision would erase the order of
 * activations and rollbacks), which every instance reads whole: a draft uploaded on one instance
 * can be simulated, replayed and activated on any other. An upload is compiled and tested, then
 * recorded with status {@code draft} (which the topology does not activate); activation and
 * rollback record the bundle again with status {@code active}, which every topology instance
 * activates. Each record names who and when.
 */
public final class PolicyRegistry implements AutoCloseable {

  /** What a revision may be: one URL path segment, a key and a file name. */
  static final java.util.regex.Pattern REVISION =
      java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:+-]{0,127}");

  /** The statuses this registry writes; {@code draft} is never activated by the topology. */
  public static final String DRAFT = "draft";

  public static final String ACTIVE = "active";

  /** How the message of a rollback's activation record starts ({@link #previousActive()}). */
  public static final String ROLLBACK_MESSAGE = "rollback from ";

  private final EventPublisher publisher;
  private final DecisionService live;
  private final NetworkService networks;
  private final Path draftsDir;
  private final Clock clock;
  private final JsonMapper json = JsonMapper.builder().build();
  private final AvroCodec<PolicyBundleRecord> codec = AvroCodec.of(PolicyBundleRecord.class);
  private final List<PolicyBundleRecord> history = new CopyOnWriteArrayList<>();
  private final Map<String, DecisionService> drafts = new ConcurrentHashMap<>();
  private final TopicTail tail;
  private final byte[] shipped;
  private final String shippedRevision;

  public PolicyRegistry(
      Map<String, Object> clientProperties,
      EventPublisher publisher,
      DecisionService live,
      NetworkService networks,
      Path draftsDir,
      Clock clock) {
    this.publisher = publisher;
    this.live = live;
    this.networks = networks;
    this.draftsDir = draftsDir;
    this.clock = clock;
    Bundle defaults = DefaultBundle.load();
    this.shippedRevision = defaults.revision();
    this.shipped = BundleBuilder.tarGz(DefaultBundle.files());
    this.tail =
        new TopicTail(
                TopicCatalogue.POLICY_BUNDLES.name(),
                clientProperties,
                r -> {
                  if (r.value() != null) {
                    history.add(codec.decode(r.value()));
                  }
                })
            .start();
  }

  /** The revision that decides now. */
  public String activeRevision() {
    return live.activeRevision();
  }

  public String shippedRevision() {
    return shippedRevision;
  }

  /** Every record of the policy log, seeing every upload or activation made before this call. */
  public List<PolicyBundleRecord> history() {
    boolean caughtUp;
    try {
      caughtUp = tail.awaitCaughtUp(Duration.ofSeconds(5));
    } catch (KafkaException e) {
      caughtUp = false;
    }
    if (!caughtUp) {
      throw new ViewBehindException(TopicCatalogue.POLICY_BUNDLES.name());
    }
    return List.copyOf(history);
  }

  /** Loads, compiles and tests a bundle, then records it as a draft. */
  public PolicyBundleRecord upload(byte[] tarGz, String by) {
    Bundle bundle;
    try {
      bundle = BundleLoader.fromTarGz("upload", tarGz);
    } catch (BundleException e) {
      throw new InvalidRequestException(
          "The bundle cannot be read", List.of(new FieldProblem("bundle", e.getMessage())));
    }
    String revision = bundle.revision();
    if (revision == null || revision.isBlank()) {
      // An archive of the bundle's directory (tar czf b.tar.gz mybundle) has its .manifest one
      // level down: say so, instead of "no revision" about a manifest the user knows is there.
      Optional<String> nested =
          bundle.files().containsKey(".manifest") ? Optional.empty() : nestedManifest(tarGz);
      if (nested.isPresent()) {
        String dir = nested.get().substring(0, nested.get().length() - "/.manifest".length());
        throw new InvalidRequestException(
            "The bundle has no .manifest at the archive's root",
            List.of(
                new FieldProblem(
                    ".manifest",
                    "not at the archive's root, but "
                        + nested.get()
                        + " is: archive the bundle directory's contents (tar czf bundle.tar.gz -C "
                        + dir
                        + " .)")));
      }
      throw new InvalidRequestException(
          "The bundle has no revision",
          List.of(new FieldProblem(".manifest", "must set a non-empty \"revision\"")));
    }
    // The revision names the draft in URLs (/api/v1/policies/{rev}/...), as a Kafka key and a file
    // name: one path segment of modest length (a 600-character one answered 500, a '/' made the
    // draft unaddressable).
    if (!REVISION.matcher(revision).matches()) {
      throw new InvalidRequestException(
          "The bundle's revision cannot name a draft",
          List.of(
              new FieldProblem(
                  ".manifest.revision",
                  "must be 1-128 of letters, digits, '.', '_', ':', '+' and '-', starting with a"
                      + " letter or digit")));
    }
    if (find(revision).isPresent() || revision.equals(shippedRevision)) {
      throw new ConflictException(
          "Revision '" + revision + "' exists already; give the new bundle another revision");
    }
    service(revision, tarGz); // compiles and runs the bundle's own tests, or throws
    PolicyBundleRecord record = record(revision, tarGz, DRAFT, by, "uploaded; compiled and tested");
    publish(record);
    return record;
  }

  /**
   * The path of the shallowest {@code .manifest} below the archive's root ({@code
   * mybundle/.manifest} in an archive of the bundle's directory), if any. The archive was read once
   * already, so it is well-formed and within the limits.
   */
  private static Optional<String> nestedManifest(byte[] tarGz) {
    try (var tar =
        new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
            new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(tarGz)))) {
      String found = null;
      for (var entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        String name =
            entry.getName().startsWith("./") ? entry.getName().substring(2) : entry.getName();
        if (name.endsWith("/.manifest")
            && (found == null || name.split("/").length < found.split("/").length)) {
          found = name;
        }
      }
      return Optional.ofNullable(found);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** A decision service with the draft (or any recorded revision) active, for simulate/replay. */
  public DecisionService draft(String revision) {
    if (revision.equals(shippedRevision)) {
      return withNetworks(
          drafts.computeIfAbsent(
              revision, r -> DecisionService.create(DecisionServiceConfig.defaults())));
    }
    DecisionService service = drafts.get(revision);
    if (service != null) {
      return withNetworks(service);
    }
    PolicyBundleRecord record =
        find(revision)
            .orElseThrow(() -> new ResourceNotFoundException("policy revision", revision));
    return withNetworks(service(revision, bytes(record)));
  }

  /** Records the revision as active; every topology instance activates it. */
  public PolicyBundleRecord activate(String revision, String by, String message) {
    byte[] bundle;
    if (revision.equals(shippedRevision)) {
      bundle = shipped;
    } else {
      bundle =
          bytes(
              find(revision)
                  .orElseThrow(() -> new ResourceNotFoundException("policy revision", revision)));
    }
    PolicyBundleRecord record = record(revision, bundle, ACTIVE, by, message);
    publish(record);
    return record;
  }

  /**
   * The revision a rollback without a named revision returns to. Activations stack up, and a
   * rollback to the revision under the top takes the top off, so rollbacks in a row walk back
   * through the activations (C, then B, then A) instead of swapping the last two; activating the
   * live revision again adds nothing.
   */
  public Optional<String> previousActive() {
    List<String> stack = new ArrayList<>(); // the last element is the top
    stack.add(shippedRevision);
    for (PolicyBundleRecord r : history()) {
      if (!ACTIVE.equals(r.getStatus())) {
        continue;
      }
      String revision = r.getRevision();
      String top = stack.getLast();
      if (revision.equals(top)) {
        continue;
      }
      boolean rollback = r.getMessage() != null && r.getMessage().startsWith(ROLLBACK_MESSAGE);
      if (rollback && stack.size() >= 2 && revision.equals(stack.get(stack.size() - 2))) {
        stack.removeLast();
      } else {
        stack.add(revision);
      }
    }
    // The live revision is the top unless its activation failed on this instance: then go back
    // from wherever the live one sits.
    String current = activeRevision();
    for (int i = stack.size() - 1; i >= 0; i--) {
      if (stack.get(i).equals(current)) {
        for (int j = i - 1; j >= 0; j--) {
          if (!stack.get(j).equals(current)) {
            return Optional.of(stack.get(j));
          }
        }
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  public Optional<PolicyBundleRecord> find(String revision) {
    return history().stream()
        .filter(r -> r.getRevision().equals(revision) && r.getBundle() != null)
        .reduce((a, b) -> b);
  }

  private DecisionService service(String revision, byte[] tarGz) {
    DecisionService cached = drafts.get(revision);
    if (cached != null) {
      return cached;
    }
    try {
      Files.createDirectories(draftsDir);
      Path file = draftsDir.resolve(revision.replaceAll("[^A-Za-z0-9._-]", "_") + ".tar.gz");
      Files.write(file, tarGz);
      DecisionService service = DecisionService.create(DecisionServiceConfig.defaults(), file);
      drafts.put(revision, service);
      return service;
    } catch (PolicyActivationException e) {
      throw new PolicyRejectedException(revision, e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot keep the draft bundle under " + draftsDir, e);
    }
  }

  private DecisionService withNetworks(DecisionService service) {
    for (var network : networks.list()) {
      Map<String, Object> rules =
          json.readValue(network.getRulesJson(), new TypeReference<Map<String, Object>>() {});
      service.putData("networks/" + network.getNetworkId(), rules);
    }
    return service;
  }

  private PolicyBundleRecord record(
      String revision, byte[] bundle, String status, String by, String message) {
    return PolicyBundleRecord.newBuilder()
        .setRevision(revision)
        .setBundle(ByteBuffer.wrap(bundle))
        .setStatus(status)
        .setSha256(sha256(bundle))
        .setPublishedAt(clock.instant())
        .setPublishedBy(by)
        .setMessage(message)
        .build();
  }

  private void publish(PolicyBundleRecord record) {
    RecordMetadata written =
        publisher.publish(
            TopicCatalogue.POLICY_BUNDLES.name(), record.getRevision(), codec.encode(record));
    // Read-your-writes: the history this instance answers from has the record before we return.
    if (!tail.awaitApplied(written.partition(), written.offset(), Duration.ofSeconds(10))) {
      throw new ViewBehindException(TopicCatalogue.POLICY_BUNDLES.name());
    }
  }

  static byte[] bytes(PolicyBundleRecord record) {
    ByteBuffer buffer = record.getBundle().duplicate();
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    return out;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    tail.close();
  }
}
