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

  /**
   * Ends the open delivery streams when the gateway stops, before the web server's graceful
   * shutdown (a later phase) waits for active requests: a stream whose client went away would
   * otherwise hold the shutdown until its next keep-alive write fails, or the 30 s limit.
   */
  @Bean
  org.springframework.context.SmartLifecycle deliveryStreamsShutdown(DeliveryStreams streams) {
    return new org.springframework.context.SmartLifecycle() {
      private volatile boolean running;

      @Override
      public void start() {
        running = true;
      }

      @Override
      public void stop() {
        running = false;
        streams.closeAll();
      }

      @Override
      public boolean isRunning() {
        return running;
      }

      @Override
      public int getPhase() {
        // Stopped first: the web server's graceful shutdown runs at DEFAULT_PHASE - 1024.
        return org.springframework.context.SmartLifecycle.DEFAULT_PHASE;
      }
    };
  }

  @Bean
  SubscriptionValidator subscriptionValidator(
      dev.lattice.gateway.api.networks.NetworkService networks,
      dev.lattice.gateway.limits.RequestLimits limits) {
    return new SubscriptionValidator(
        id -> networks.find(id).isPresent(), limits.maxSubscriptionEntries());
  }
}
