package dev.lattice.gateway.console;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The web console: static ES modules under {@code classpath:/static/console/} (and the browser
 * libraries under {@code /webjars/}), served without credentials. The console holds no privileges:
 * it signs in with the user's API key or JWT, kept in the tab's session storage, and every view
 * calls the REST API with it.
 */
@Configuration(proxyBeanMethods = false)
public class ConsoleWebConfiguration implements WebMvcConfigurer {

  @Override
  public void addViewControllers(ViewControllerRegistry registry) {
    registry.addRedirectViewController("/console", "/console/");
    registry.addViewController("/console/").setViewName("forward:/console/index.html");
  }
}
