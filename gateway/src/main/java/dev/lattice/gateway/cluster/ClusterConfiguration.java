package dev.lattice.gateway.cluster;

import dev.lattice.streams.LatticeStreams;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.json.JsonMapper;

/** Several Lattice instances as one: this instance's address and the routing of queries. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ClusterProperties.class)
public class ClusterConfiguration {

  @Bean
  ClusterNode clusterNode(
      ClusterProperties properties,
      @Value("${server.port:8080}") int serverPort,
      dev.lattice.gateway.security.GatewaySecurityProperties security,
      @Value("${lattice.data-dir:lattice-data}") java.nio.file.Path dataDir,
      @Value("${lattice.security.api-key-pepper:}") String configuredPepper) {
    return ClusterNode.of(
        effective(
            properties,
            () ->
                dev.lattice.gateway.security.SecurityConfiguration.apiKeyPepper(
                    security, dataDir, configuredPepper)),
        serverPort,
        Clock.systemUTC());
  }

  /**
   * The settings with the cluster secret in effect: {@code lattice.cluster.secret} when set, else
   * one derived from the API key pepper (HMAC-SHA256 of a fixed label under it), which every
   * instance of a cluster shares already (the shared-secrets check makes sure): instances that
   * share a pepper forward queries to each other without a further setting, and the derived secret
   * tells nothing about the pepper.
   */
  static ClusterProperties effective(
      ClusterProperties properties, java.util.function.Supplier<byte[]> pepper) {
    if (properties.secret() != null && !properties.secret().isBlank()) {
      return properties;
    }
    return new ClusterProperties(
        properties.advertisedUrl(),
        derivedSecret(pepper.get()),
        properties.forwardTimeout(),
        properties.standbyReads(),
        properties.standbyMaxLag());
  }

  static String derivedSecret(byte[] pepper) {
    return java.util.HexFormat.of()
        .formatHex(
            SharedSecret.hmacSha256(
                pepper, "lattice.cluster.secret.derived-from-api-key-pepper.v1"));
  }

  @Bean
  ClusterQueries clusterQueries(
      LatticeStreams streams, ClusterNode node, ClusterProperties properties, JsonMapper json) {
    return new ClusterQueries(
        streams,
        node,
        json,
        properties.forwardTimeout(),
        properties.standbyReads(),
        properties.standbyMaxLag());
  }

  @Bean
  WebMvcConfigurer clusterQueryRouting(ClusterQueries queries) {
    return new WebMvcConfigurer() {
      @Override
      public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new ClusterQueryRouting(queries));
      }
    };
  }
}
