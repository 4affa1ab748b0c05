package dev.lattice.gateway.api.members;

import dev.lattice.gateway.events.MemberKeyring;
import dev.lattice.gateway.kafka.KafkaBroker;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class MemberConfiguration {
  @Bean
  MemberDataScanner memberDataScanner(KafkaBroker broker, MemberKeyring keyring) {
    return new MemberDataScanner(broker.clientProperties(), keyring);
  }
}
