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
      ClusterProperties properties, @Value("${server.port:8080}") int serverPort) {
    return ClusterNode.of(properties, serverPort, Clock.systemUTC());
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
