package dev.lattice.gateway.kafka;

import dev.lattice.schemas.TopicCatalogue;
import dev.lattice.schemas.TopicCatalogue.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates Lattice's topics from the {@link TopicCatalogue}. Idempotent: a topic that exists is left
 * alone, and any of its settings that differ from the catalogue (partitions, replication, cleanup
 * policy, retention, timestamp type) are reported as {@link TopicConflict}s, never changed
 * silently.
 *
 * <p>Thread-safe (the Kafka admin client is).
 */
public final class TopicProvisioner {
  private static final Logger LOGGER = LoggerFactory.getLogger(TopicProvisioner.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final Admin admin;
  private final int brokers;

  public TopicProvisioner(Admin admin, int brokers) {
    this.admin = admin;
    this.brokers = brokers;
  }

  /** Provisions every fixed topic of the catalogue. */
  public ProvisioningReport provisionCatalogue() {
    return provision(TopicCatalogue.fixedTopics());
  }

  /**
   * Creates the missing topics among {@code specs} and checks the existing ones.
   *
   * @throws TopicProvisioningException when Kafka refuses or does not answer within 60 s
   */
  public ProvisioningReport provision(Collection<TopicSpec> specs) {
    try {
      Set<String> present = admin.listTopics().names().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      List<TopicSpec> missing =
          specs.stream().filter(spec -> !present.contains(spec.name())).toList();
      List<TopicSpec> existing =
          specs.stream().filter(spec -> present.contains(spec.name())).toList();

      List<String> created = new ArrayList<>();
      List<TopicSpec> raced = new ArrayList<>();
      if (!missing.isEmpty()) {
        var result =
            admin.createTopics(
                missing.stream()
                    .map(
                        spec ->
                            new NewTopic(
                                    spec.name(), spec.partitions(), spec.replicationFactor(brokers))
                                .configs(spec.configs(brokers)))
                    .toList());
        for (TopicSpec spec : missing) {
          try {
            result.values().get(spec.name()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            created.add(spec.name());
          } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
              throw e;
            }
            raced.add(spec); // another instance created it meanwhile: check it like an existing one
          }
        }
      }
      if (!created.isEmpty()) {
        // Return once the topics are known where they will be used: a describe or a produce right
        // after the controller accepted them can otherwise meet "unknown topic".
        describe(created);
      }
      List<TopicSpec> toCheck = new ArrayList<>(existing);
      toCheck.addAll(raced);
      List<TopicConflict> conflicts = check(toCheck);
      conflicts.forEach(
          conflict -> LOGGER.warn("Topic conflicts with the catalogue: {}", conflict));
      LOGGER.info(
          "Topics provisioned created={} existing={} conflicts={}",
          created.size(),
          toCheck.size(),
          conflicts.size());
      return new ProvisioningReport(
          created, toCheck.stream().map(TopicSpec::name).toList(), conflicts);
    } catch (ExecutionException e) {
      throw new TopicProvisioningException(
          "Kafka refused to provision Lattice's topics: " + e.getCause().getMessage(),
          e.getCause());
    } catch (TimeoutException e) {
      throw new TopicProvisioningException(
          "Kafka did not answer within " + TIMEOUT.toSeconds() + " s while provisioning topics", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TopicProvisioningException("interrupted while provisioning topics", e);
    }
  }

  private List<TopicConflict> check(List<TopicSpec> specs)
      throws ExecutionException, InterruptedException, TimeoutException {
    if (specs.isEmpty()) {
      return List.of();
    }
    List<String> names = specs.stream().map(TopicSpec::name).toList();
    Map<String, TopicDescription> descriptions = describe(names);
    Map<ConfigResource, TopicSpec> resources = new HashMap<>();
    specs.forEach(
        spec -> resources.put(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()), spec));
    Map<ConfigResource, Config> configs =
        admin.describeConfigs(resources.keySet()).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

    List<TopicConflict> conflicts = new ArrayList<>();
    for (TopicSpec spec : specs) {
      TopicDescription description = descriptions.get(spec.name());
      int partitions = description.partitions().size();
      if (partitions != spec.partitions()) {
        conflicts.add(
            new TopicConflict(
                spec.name(),
                "partitions",
                String.valueOf(spec.partitions()),
                String.valueOf(partitions)));
      }
      int replication = description.partitions().get(0).replicas().size();
      if (replication != spec.replicationFactor(brokers)) {
        conflicts.add(
            new TopicConflict(
                spec.name(),
                "replication factor",
                String.valueOf(spec.replicationFactor(brokers)),
                String.valueOf(replication)));
      }
      Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
      compare(spec.name(), config, "cleanup.policy", spec.cleanup().kafkaValue(), conflicts);
      compare(spec.name(), config, "retention.ms", String.valueOf(spec.retentionMs()), conflicts);
      // The order of one member's consent commands and events rests on the broker's append time
      // (docs/decision-contract.md): a member-keyed input on CreateTime is reported here.
      compare(
          spec.name(),
          config,
          "message.timestamp.type",
          spec.timestampType().kafkaValue(),
          conflicts);
    }
    return conflicts;
  }

  /**
   * Describes {@code names}, waiting while a broker does not know a topic yet: a topic just created
   * (here or by another instance) reaches every broker's metadata a little after the controller
   * accepted it.
   */
  private Map<String, TopicDescription> describe(List<String> names)
      throws ExecutionException, InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      try {
        return admin
            .describeTopics(names)
            .allTopicNames()
            .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100); // metadata propagation has no event to wait on
      }
    }
  }

  private static void compare(
      String topic, Config config, String name, String expected, List<TopicConflict> out) {
    var entry = config.get(name);
    String actual = entry == null ? "(unset)" : entry.value();
    if (!expected.equals(actual)) {
      out.add(new TopicConflict(topic, name, expected, actual));
    }
  }

  /** Provisioning failed; the message says which Kafka answer caused it. */
  public static class TopicProvisioningException extends RuntimeException {
    public TopicProvisioningException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
