package dev.lattice.gateway.api.consent;

import dev.lattice.gateway.events.EventPublisher;
import dev.lattice.gateway.kafka.KafkaBroker;
import dev.lattice.gateway.kafka.ProvisioningReport;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ConsentConfiguration {

  @Bean(destroyMethod = "close")
  ConsentLedgerView consentLedgerView(KafkaBroker broker, ProvisioningReport topicProvisioning) {
    return new ConsentLedgerView(broker.clientProperties());
  }

  /**
   * @param confirmTimeout how long a consent call waits for the ledger to apply its command before
   *     answering 202 ({@code lattice.consent.confirm-timeout}, default 5s)
   */
  @Bean
  ConsentService consentService(
      EventPublisher publisher,
      ConsentLedgerView ledger,
      @Value("${lattice.consent.confirm-timeout:5s}") Duration confirmTimeout,
      dev.lattice.gateway.api.networks.NetworkService networks) {
    return new ConsentService(
        publisher, ledger, confirmTimeout, Clock.systemUTC(), networks::controllerOf);
  }
}
