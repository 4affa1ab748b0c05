package dev.lattice.gateway.api.policies;

import dev.lattice.gateway.api.opa.RemoteOpaDecisionService;
import dev.lattice.policy.DecisionService;
import dev.lattice.policy.DecisionServiceConfig;
import java.net.URI;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The decision service every decision goes through (topology, simulate, OPA data API): {@code
 * lattice.policy.engine=embedded} (default: the Rego engine with the default bundle, hot reloaded
 * from {@code lattice.policy.bundles}) or {@code remote} (a remote OPA server at {@code
 * lattice.policy.remote.url}, with {@code lattice.policy.remote.timeout}, fail closed).
 */
@Configuration(proxyBeanMethods = false)
public class PolicyEngineConfiguration {

  @Bean
  DecisionService decisionService(
      @Value("${lattice.policy.engine:embedded}") String engine,
      @Value("${lattice.policy.remote.url:}") String remoteUrl,
      @Value("${lattice.policy.remote.timeout:2s}") Duration remoteTimeout) {
    return switch (engine) {
      case "embedded" -> DecisionService.create(DecisionServiceConfig.defaults());
      case "remote" -> {
        if (remoteUrl.isBlank()) {
          throw new IllegalArgumentException(
              "lattice.policy.engine=remote needs lattice.policy.remote.url (e.g. http://opa:8181)");
        }
        yield new RemoteOpaDecisionService(URI.create(remoteUrl), remoteTimeout);
      }
      default ->
          throw new IllegalArgumentException(
              "lattice.policy.engine must be 'embedded' or 'remote', was '" + engine + "'");
    };
  }
}
