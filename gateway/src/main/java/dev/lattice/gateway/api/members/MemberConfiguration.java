package dev.lattice.gateway.api.members;

import dev.lattice.gateway.events.MemberKeyring;
import dev.lattice.gateway.kafka.KafkaBroker;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class MemberConfiguration {
  @Bean(destroyMethod = "close")
  MemberNetworks memberNetworks(
      KafkaBroker broker,
      dev.lattice.gateway.kafka.ProvisioningReport topicProvisioning,
      dev.lattice.gateway.events.EventPublisher publisher,
      dev.lattice.streams.LatticeStreams streams) {
    return new MemberNetworks(
        broker.clientProperties(), publisher, streams, java.time.Clock.systemUTC());
  }

  @Bean
  MemberTenancy memberTenancy(MemberNetworks memberNetworks) {
    return new MemberTenancy(memberNetworks);
  }

  @Bean
  MemberDataScanner memberDataScanner(KafkaBroker broker, MemberKeyring keyring) {
    return new MemberDataScanner(broker.clientProperties(), keyring);
  }
}
