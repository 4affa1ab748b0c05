package dev.lattice.gateway.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Kafka for the gateway: the broker (embedded unless {@code KAFKA_BOOTSTRAP_SERVERS} is set), a
 * shared admin client, topic provisioning from the catalogue and the {@code kafka} health
 * indicator.
 *
 * <p>Beans that use Kafka should depend on {@link KafkaBroker}; Spring then destroys them before
 * the embedded broker stops.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(KafkaSettings.class)
public class KafkaConfiguration {
  private static final Logger LOGGER = LoggerFactory.getLogger(KafkaConfiguration.class);

  @Bean(destroyMethod = "close")
  KafkaBroker kafkaBroker(KafkaSettings settings, ObjectProvider<EarlyKafkaStart> earlyStart) {
    EarlyKafkaStart early = earlyStart.getIfAvailable();
    if (early != null) {
      Optional<KafkaBroker> started = early.claim(settings);
      if (started.isPresent()) {
        return started.get();
      }
    }
    return KafkaBroker.connect(settings);
  }

  @Bean(destroyMethod = "close")
  Admin latticeKafkaAdmin(KafkaBroker broker) {
    Map<String, Object> props = new HashMap<>(broker.clientProperties());
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "lattice-gateway-admin");
    return Admin.create(props);
  }

  @Bean
  TopicProvisioner topicProvisioner(Admin latticeKafkaAdmin, KafkaBroker broker) {
    return new TopicProvisioner(latticeKafkaAdmin, broker.brokerCount());
  }

  /**
   * Runs at start-up, so the topics exist before any component that reads or writes them starts.
   */
  @Bean
  ProvisioningReport topicProvisioning(TopicProvisioner provisioner, KafkaSettings settings) {
    if (!settings.provisionTopics()) {
      LOGGER.info("Topic provisioning disabled (lattice.kafka.provision-topics=false)");
      return new ProvisioningReport(java.util.List.of(), java.util.List.of(), java.util.List.of());
    }
    return provisioner.provisionCatalogue();
  }

  @Bean
  KafkaHealthIndicator kafkaHealthIndicator(
      Admin latticeKafkaAdmin, KafkaBroker broker, ProvisioningReport topicProvisioning) {
    return new KafkaHealthIndicator(latticeKafkaAdmin, broker, topicProvisioning);
  }
}
