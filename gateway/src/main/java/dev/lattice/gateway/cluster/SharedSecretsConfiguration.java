package dev.lattice.gateway.cluster;

import dev.lattice.gateway.events.CompactedTopicView;
import dev.lattice.gateway.events.EventPublisher;
import dev.lattice.gateway.events.ValueCodec;
import dev.lattice.gateway.kafka.KafkaBroker;
import dev.lattice.gateway.kafka.ProvisioningReport;
import dev.lattice.gateway.security.GatewaySecurityProperties;
import dev.lattice.gateway.security.SecurityConfiguration;
import dev.lattice.gateway.topology.TopologyConfiguration;
import dev.lattice.schemas.TopicCatalogue;
import dev.lattice.streams.MasterKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The shared-secrets check ({@link SharedSecretsCheck}), run while the application starts: the API
 * key store, the member keyring and the topology depend on it, so nothing is hashed, wrapped or
 * derived before it passed.
 */
@Configuration(proxyBeanMethods = false)
class SharedSecretsConfiguration {

  @Bean(destroyMethod = "close")
  CompactedTopicView<SharedSecretsCheck.Recorded> secretFingerprintView(
      KafkaBroker broker, ProvisioningReport topicProvisioning, EventPublisher publisher) {
    return new CompactedTopicView<>(
            TopicCatalogue.SECRET_FINGERPRINTS.name(),
            ValueCodec.json(SharedSecretsCheck.Recorded.class),
            broker.clientProperties(),
            publisher)
        .keeping((first, later) -> first)
        .start();
  }

  @Bean
  SharedSecretsCheck sharedSecretsCheck(
      CompactedTopicView<SharedSecretsCheck.Recorded> secretFingerprintView,
      ClusterProperties cluster,
      MasterKey masterKey,
      GatewaySecurityProperties security,
      @Value("${lattice.data-dir:lattice-data}") Path dataDir,
      @Value("${lattice.security.api-key-pepper:}") String configuredPepper,
      @Value("${lattice.streams.enabled:true}") boolean streamsEnabled,
      @Value("${lattice.streams.application-id:lattice}") String applicationId,
      @Value("${lattice.streams.pseudonym-secret:}") String configuredPseudonymSecret,
      @Value("${lattice.master-key:}") String configuredMasterKey,
      @Value("${lattice.cluster.replace-secret-fingerprints:false}") boolean replace,
      @Value("${server.port:8080}") int serverPort) {
    List<SharedSecret> secrets = new ArrayList<>();
    boolean pepperConfigured = configuredPepper != null && !configuredPepper.isBlank();
    byte[] pepper = SecurityConfiguration.apiKeyPepper(security, dataDir, configuredPepper);
    secrets.add(
        SharedSecret.of(
            "lattice.security.api-key-pepper",
            "LATTICE_SECURITY_API_KEY_PEPPER",
            pepper,
            pepperConfigured
                ? null
                : SecurityConfiguration.generatedPepperFile(security, dataDir)));
    boolean masterKeyConfigured = configuredMasterKey != null && !configuredMasterKey.isBlank();
    secrets.add(
        new SharedSecret(
            "lattice.master-key",
            MasterKey.ENVIRONMENT_VARIABLE,
            masterKey.fingerprint(),
            masterKeyConfigured ? null : dataDir.resolve(MasterKey.FILE_NAME)));
    if (streamsEnabled) {
      boolean pseudonymConfigured =
          configuredPseudonymSecret != null && !configuredPseudonymSecret.isBlank();
      secrets.add(
          SharedSecret.of(
              "lattice.streams.pseudonym-secret",
              "LATTICE_STREAMS_PSEUDONYM_SECRET",
              TopologyConfiguration.pseudonymSecret(configuredPseudonymSecret, dataDir),
              pseudonymConfigured
                  ? null
                  : TopologyConfiguration.generatedPseudonymSecretFile(dataDir)));
    }
    ClusterProperties effective = ClusterConfiguration.effective(cluster, () -> pepper);
    String clusterSecret = effective.secret().trim();
    secrets.add(
        SharedSecret.of(
            "lattice.cluster.secret",
            "LATTICE_CLUSTER_SECRET",
            clusterSecret.getBytes(StandardCharsets.UTF_8),
            null));
    String instance =
        cluster.advertisedUrl() != null && !cluster.advertisedUrl().isBlank()
            ? cluster.advertisedUrl().trim()
            : "http://localhost:" + serverPort;
    SharedSecretsCheck check =
        new SharedSecretsCheck(secretFingerprintView, applicationId, instance, Clock.systemUTC());
    check.verify(secrets, replace);
    return check;
  }
}
