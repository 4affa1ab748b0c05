package dev.lattice.gateway.problem;

import org.apache.catalina.core.StandardHost;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Makes the servlet container's own error responses problems too ({@link ProblemErrorReportValve}),
 * for the requests Tomcat refuses before Spring sees them.
 */
@Configuration(proxyBeanMethods = false)
public class ContainerErrorConfiguration {

  @Bean
  WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReports() {
    return factory ->
        factory.addContextCustomizers(
            context -> {
              // The context is already the host's child here, and the host not yet started: the
              // host installs this class instead of Tomcat's HTML error report valve.
              if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
              } else {
                throw new IllegalStateException(
                    "Tomcat context has no host; cannot install the problem error report valve");
              }
            });
  }
}
