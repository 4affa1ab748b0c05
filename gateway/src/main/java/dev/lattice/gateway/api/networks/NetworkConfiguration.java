package dev.lattice.gateway.api.networks;

import dev.lattice.gateway.events.CompactedTopicView;
import dev.lattice.gateway.events.EventPublisher;
import dev.lattice.gateway.kafka.KafkaBroker;
import dev.lattice.gateway.kafka.ProvisioningReport;
import dev.lattice.gateway.kafka.TopicProvisioner;
import dev.lattice.schemas.TopicCatalogue;
import dev.lattice.schemas.avro.NetworkDocument;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
class NetworkConfiguration {

  @Bean(destroyMethod = "close")
  CompactedTopicView<NetworkDocument> networkView(
      KafkaBroker broker, ProvisioningReport topicProvisioning) {
    return new CompactedTopicView<>(
            TopicCatalogue.NETWORKS.name(), NetworkDocument.class, broker.clientProperties())
        .start();
  }

  /**
   * @param maxRecords the most audit records one flow report reads ({@code
   *     lattice.flows.max-records}, default 2,000,000)
   */
  @Bean
  NetworkFlows networkFlows(
      KafkaBroker broker,
      ProvisioningReport topicProvisioning,
      @org.springframework.beans.factory.annotation.Value("${lattice.flows.max-records:2000000}")
          long maxRecords) {
    return new NetworkFlows(broker.clientProperties(), maxRecords);
  }

  @Bean
  NetworkService networkService(
      CompactedTopicView<NetworkDocument> networkView,
      EventPublisher publisher,
      TopicProvisioner provisioner,
      JsonMapper json,
      dev.lattice.gateway.api.brands.BrandRegistry brands) {
    return new NetworkService(
        networkView,
        publisher,
        provisioner,
        new NetworkRulesValidator(),
        json,
        Clock.systemUTC(),
        id -> brands.find(id).isPresent());
  }
}
