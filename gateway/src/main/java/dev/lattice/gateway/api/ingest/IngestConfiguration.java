package dev.lattice.gateway.api.ingest;

import dev.lattice.gateway.events.EventPublisher;
import dev.lattice.gateway.events.MemberKeyring;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(IngestSettings.class)
class IngestConfiguration {
  @Bean
  IngestService ingestService(
      EventPublisher publisher,
      MemberKeyring keyring,
      IngestSettings settings,
      dev.lattice.gateway.api.members.MemberTenancy tenancy,
      dev.lattice.gateway.api.networks.NetworkService networks,
      dev.lattice.gateway.api.brands.BrandRegistry brands) {
    return new IngestService(
        publisher,
        keyring,
        settings.dedupWindow(),
        tenancy,
        id -> networks.find(id).isPresent(),
        id -> brands.find(id).isPresent());
  }
}
