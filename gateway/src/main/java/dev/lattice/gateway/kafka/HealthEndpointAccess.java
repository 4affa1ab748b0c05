package dev.lattice.gateway.kafka;

import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * {@code GET /actuator/health} is public: load balancers, orchestrators and {@code lattice serve} probe it without
 * credentials. This chain matches only the health endpoint, so the gateway's own security chains (for every other
 * path) stay in charge of everything else.
 */
@Configuration(proxyBeanMethods = false)
class HealthEndpointAccess {

  @Bean
  @Order(Ordered.HIGHEST_PRECEDENCE)
  SecurityFilterChain healthEndpointChain(HttpSecurity http) throws Exception {
    return http.securityMatcher(EndpointRequest.to(HealthEndpoint.class))
        .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
        .csrf(csrf -> csrf.disable())
        .build();
  }
}
