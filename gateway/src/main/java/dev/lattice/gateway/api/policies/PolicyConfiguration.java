package dev.lattice.gateway.api.policies;

import dev.lattice.gateway.api.consent.ConsentLedgerView;
import dev.lattice.gateway.api.networks.NetworkService;
import dev.lattice.gateway.events.EventPublisher;
import dev.lattice.gateway.kafka.KafkaBroker;
import dev.lattice.gateway.kafka.ProvisioningReport;
import dev.lattice.policy.DecisionService;
import java.nio.file.Path;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class PolicyConfiguration {

  @Bean(destroyMethod = "close")
  PolicyRegistry policyRegistry(
      KafkaBroker broker,
      ProvisioningReport topicProvisioning,
      EventPublisher publisher,
      DecisionService decisionService,
      NetworkService networks,
      @Value("${lattice.data-dir:lattice-data}") Path dataDir) {
    return new PolicyRegistry(
        broker.clientProperties(),
        publisher,
        decisionService,
        networks,
        dataDir.resolve("policies").resolve("drafts"),
        Clock.systemUTC());
  }

  @Bean
  PolicyReplay policyReplay(
      KafkaBroker broker,
      DecisionService decisionService,
      ConsentLedgerView ledger,
      org.springframework.beans.factory.ObjectProvider<dev.lattice.streams.LatticeStreams>
          topologies) {
    return new PolicyReplay(
        broker.clientProperties(),
        decisionService,
        ledger,
        Clock.systemUTC(),
        reference -> {
          dev.lattice.streams.LatticeStreams topology = topologies.getIfAvailable();
          return topology == null
              ? java.util.Optional.empty()
              : topology.memberOfReference(reference);
        });
  }
}
