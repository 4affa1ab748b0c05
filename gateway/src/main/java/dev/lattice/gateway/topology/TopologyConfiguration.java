package dev.lattice.gateway.topology;

import dev.lattice.gateway.cluster.ClusterNode;
import dev.lattice.gateway.kafka.KafkaBroker;
import dev.lattice.gateway.kafka.ProvisioningReport;
import dev.lattice.policy.DecisionService;
import dev.lattice.schemas.TopicCatalogue;
import dev.lattice.streams.LatticeStreams;
import dev.lattice.streams.MasterKey;
import dev.lattice.streams.TopologySettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Runs the streams module's topology inside the gateway (unless {@code
 * lattice.streams.enabled=false}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TopologySettingsProperties.class)
@ConditionalOnProperty(
    name = "lattice.streams.enabled",
    havingValue = "true",
    matchIfMissing = true)
public class TopologyConfiguration {

  @Bean(destroyMethod = "close")
  @org.springframework.context.annotation.DependsOn("sharedSecretsCheck")
  LatticeStreams latticeStreams(
      KafkaBroker broker,
      ProvisioningReport topicProvisioning,
      DecisionService decisionService,
      TopologySettingsProperties properties,
      ClusterNode clusterNode,
      MasterKey masterKey,
      @Value("${lattice.data-dir:lattice-data}") Path dataDir,
      @Value("${lattice.streams.session-timeout:45s}") java.time.Duration sessionTimeout,
      @Value("${server.port:8080}") int serverPort) {
    Path streamsDir = dataDir.resolve("streams");
    byte[] secret = pseudonymSecret(properties.pseudonymSecret(), dataDir);
    TopologySettings defaults = TopologySettings.of(decisionService, secret);
    TopologySettings settings =
        new TopologySettings(
            defaults.decisionService(),
            secret,
            defaults.topics(),
            defaults.frequencyWindow(),
            defaults.purchaseMemory(),
            defaults.decisionRetention(),
            properties.insights() == null
                ? defaults.insights()
                : properties.insights().toSettings(),
            properties.persistentStores(),
            properties.duplicateWindow(),
            null,
            masterKey,
            // first sightings, for MemberNetworks on every instance
            TopicCatalogue.MEMBERSHIPS.name());
    Properties config = new Properties();
    config.putAll(broker.clientProperties());
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, properties.applicationId());
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    config.put(
        StreamsConfig.STATE_DIR_CONFIG,
        StateDirectory.of(streamsDir, properties.applicationId(), serverPort)
            .toAbsolutePath()
            .toString());
    // Where other instances reach this one's queries, and warm copies of other instances' state
    // for a fast fail-over.
    clusterNode
        .applicationServer()
        .ifPresent(server -> config.put(StreamsConfig.APPLICATION_SERVER_CONFIG, server));
    config.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, properties.standbyReplicas());
    // How soon the group notices an instance that died without leaving (kill -9, a lost machine)
    // and hands its members to the others (Kafka's default 45 s).
    config.put(
        StreamsConfig.consumerPrefix(
            org.apache.kafka.clients.consumer.ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
        (int) sessionTimeout.toMillis());
    config.put(
        StreamsConfig.consumerPrefix(
            org.apache.kafka.clients.consumer.ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG),
        (int) Math.max(500, sessionTimeout.toMillis() / 3));
    return LatticeStreams.create(settings, config);
  }

  @Bean
  TopologyLifecycle topologyLifecycle(
      LatticeStreams streams, TopologySettingsProperties properties) {
    return new TopologyLifecycle(streams, properties.startTimeout(), properties.closeTimeout());
  }

  @Bean
  TopologyHealthIndicator topologyHealthIndicator(LatticeStreams streams) {
    return new TopologyHealthIndicator(streams);
  }

  /** Where an instance without a configured pseudonym secret keeps the one it generated. */
  public static Path generatedPseudonymSecretFile(Path dataDir) {
    return dataDir.resolve("streams").resolve("pseudonym.secret");
  }

  /**
   * The secret pseudonyms derive from: {@code lattice.streams.pseudonym-secret} when set, else one
   * generated once into {@link #generatedPseudonymSecretFile}.
   */
  public static byte[] pseudonymSecret(String configured, Path dataDir) {
    if (configured != null && !configured.isBlank()) {
      return configured.getBytes(StandardCharsets.UTF_8);
    }
    // Owner-only (0600): whoever reads it can link pseudonyms back to member ids.
    return dev.lattice.gateway.security.OwnerOnlyFiles.readOrCreateSecret(
        generatedPseudonymSecretFile(dataDir), 32);
  }
}
