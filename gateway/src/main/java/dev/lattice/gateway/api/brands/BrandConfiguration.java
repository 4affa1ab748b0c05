package dev.lattice.gateway.api.brands;

import dev.lattice.gateway.events.CompactedTopicView;
import dev.lattice.gateway.events.EventPublisher;
import dev.lattice.gateway.events.ValueCodec;
import dev.lattice.gateway.kafka.KafkaBroker;
import dev.lattice.gateway.kafka.ProvisioningReport;
import dev.lattice.schemas.TopicCatalogue;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class BrandConfiguration {

  @Bean(destroyMethod = "close")
  CompactedTopicView<BrandRegistry.BrandRecord> brandView(
      KafkaBroker broker, ProvisioningReport topicProvisioning, EventPublisher publisher) {
    return new CompactedTopicView<>(
            TopicCatalogue.BRANDS.name(),
            ValueCodec.json(BrandRegistry.BrandRecord.class),
            broker.clientProperties(),
            publisher)
        .start();
  }

  @Bean(destroyMethod = "close")
  CompactedTopicView<BrandRegistry.SubscriptionRecord> brandSubscriptionView(
      KafkaBroker broker, ProvisioningReport topicProvisioning, EventPublisher publisher) {
    return new CompactedTopicView<>(
            TopicCatalogue.BRAND_SUBSCRIPTIONS.name(),
            ValueCodec.json(BrandRegistry.SubscriptionRecord.class),
            broker.clientProperties(),
            publisher)
        .start();
  }

  @Bean
  BrandRegistry brandRegistry(
      CompactedTopicView<BrandRegistry.BrandRecord> brandView,
      CompactedTopicView<BrandRegistry.SubscriptionRecord> brandSubscriptionView) {
    return new BrandRegistry(brandView, brandSubscriptionView);
  }

  /**
   * @param streamTimeout how long one SSE connection stays open ({@code
   *     lattice.brands.stream-timeout})
   */
  @Bean
  DeliveryStreams deliveryStreams(
      KafkaBroker broker,
      @Value("${lattice.brands.stream-timeout:30m}") Duration streamTimeout,
      dev.lattice.gateway.limits.RequestLimits limits) {
    return new DeliveryStreams(
        broker.clientProperties(), streamTimeout, limits.maxStreamsPerBrand());
  }

  @Bean
  SubscriptionValidator subscriptionValidator(
      dev.lattice.gateway.api.networks.NetworkService networks,
      dev.lattice.gateway.limits.RequestLimits limits) {
    return new SubscriptionValidator(
        id -> networks.find(id).isPresent(), limits.maxSubscriptionEntries());
  }
}
