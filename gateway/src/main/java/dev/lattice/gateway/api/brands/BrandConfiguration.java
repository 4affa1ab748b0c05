package dev.lattice.gateway.api.brands;

import dev.lattice.gateway.kafka.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class BrandConfiguration {

  @Bean
  BrandRegistry brandRegistry(@Value("${lattice.data-dir:lattice-data}") Path dataDir) {
    return new BrandRegistry(dataDir.resolve("gateway").resolve("brands.json"));
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
