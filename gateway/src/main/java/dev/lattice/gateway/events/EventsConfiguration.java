package dev.lattice.gateway.events;

import dev.lattice.gateway.kafka.KafkaBroker;
import dev.lattice.gateway.kafka.ProvisioningReport;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The gateway's Kafka producer. */
@Configuration(proxyBeanMethods = false)
public class EventsConfiguration {

  /**
   * Depends on the provisioning report so that the topics exist before the first write.
   *
   * @param timeout how long a request waits for Kafka to acknowledge a write ({@code
   *     lattice.gateway.publish-timeout}, default 10s)
   */
  @Bean(destroyMethod = "close")
  EventPublisher eventPublisher(
      KafkaBroker broker,
      ProvisioningReport topicProvisioning,
      @Value("${lattice.gateway.publish-timeout:10s}") Duration timeout) {
    return new EventPublisher(broker.clientProperties(), timeout);
  }

  @Bean(destroyMethod = "close")
  MemberKeyring memberKeyring(
      KafkaBroker broker, ProvisioningReport topicProvisioning, EventPublisher publisher) {
    return new MemberKeyring(broker.clientProperties(), publisher, java.time.Clock.systemUTC());
  }
}
