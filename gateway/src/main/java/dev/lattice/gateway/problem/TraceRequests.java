package dev.lattice.gateway.problem;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * {@code TRACE} is answered like any other method a path does not take: {@code 401} without a
 * credential, {@code 404} for a path no endpoint serves, {@code 405} with the path's own methods in
 * {@code Allow} otherwise, and never an echo of the request (whose headers carry the caller's API
 * key). Tomcat would refuse it before authentication with a {@code 405} whose {@code Allow} lists
 * every method the dispatcher servlet implements, whatever the path; Spring Security's firewall
 * would refuse it as a {@code 400}. So the connector lets it in, the firewall lets it through to
 * the access rules, and the dispatcher servlet hands it to Spring MVC, which has no endpoint taking
 * it.
 */
@Configuration(proxyBeanMethods = false)
public class TraceRequests {

  @Bean
  WebServerFactoryCustomizer<TomcatServletWebServerFactory> traceReachesTheApplication() {
    return factory -> factory.addConnectorCustomizers(connector -> connector.setAllowTrace(true));
  }

  /** Spring Security's default firewall, with {@code TRACE} among the methods it lets through. */
  @Bean
  HttpFirewall httpFirewall() {
    StrictHttpFirewall firewall = new StrictHttpFirewall();
    firewall.setAllowedHttpMethods(
        List.of("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"));
    return firewall;
  }

  /** Spring Boot's dispatcher servlet, settings and all, with {@link MvcOnlyTrace}. */
  @Bean(name = DispatcherServletAutoConfiguration.DEFAULT_DISPATCHER_SERVLET_BEAN_NAME)
  DispatcherServlet dispatcherServlet(WebMvcProperties properties) {
    DispatcherServlet servlet = new MvcOnlyTrace();
    servlet.setDispatchOptionsRequest(properties.isDispatchOptionsRequest());
    servlet.setDispatchTraceRequest(true);
    servlet.setPublishEvents(properties.isPublishRequestHandledEvents());
    servlet.setEnableLoggingRequestDetails(properties.isLogRequestDetails());
    return servlet;
  }

  /**
   * A dispatcher servlet whose {@code TRACE} is Spring MVC's answer only: the stock one falls back
   * to the servlet API's echo of the request (method, path and headers, the API key among them)
   * when MVC did not answer with {@code message/http}.
   */
  static final class MvcOnlyTrace extends DispatcherServlet {
    @Override
    protected void doTrace(HttpServletRequest request, HttpServletResponse response)
        throws ServletException, IOException {
      processRequest(request, response);
    }
  }
}
