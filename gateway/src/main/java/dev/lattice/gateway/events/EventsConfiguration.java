package dev.lattice.gateway.events;

import dev.lattice.gateway.kafka.KafkaBroker;
import dev.lattice.gateway.kafka.ProvisioningReport;
import dev.lattice.streams.MasterKey;
import java.nio.file.Path;
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

  /**
   * The master key that wraps every member data key: {@code LATTICE_MASTER_KEY} (property {@code
   * lattice.master-key}, base64 of 32 random bytes), else {@code <data-dir>/master.key}, created
   * once, owner-only (0600).
   */
  @Bean
  MasterKey masterKey(
      @Value("${lattice.master-key:}") String configured,
      @Value("${lattice.data-dir:lattice-data}") Path dataDir) {
    return MasterKey.resolve(configured, dataDir);
  }

  @Bean(destroyMethod = "close")
  @org.springframework.context.annotation.DependsOn("sharedSecretsCheck")
  MemberKeyring memberKeyring(
      KafkaBroker broker,
      ProvisioningReport topicProvisioning,
      EventPublisher publisher,
      MasterKey masterKey) {
    return new MemberKeyring(
        broker.clientProperties(), publisher, java.time.Clock.systemUTC(), masterKey);
  }
}
