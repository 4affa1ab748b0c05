package dev.lattice.gateway.console;

import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The web console: static ES modules under {@code classpath:/static/console/} (and the browser
 * libraries under {@code /webjars/}), served without credentials. The console holds no privileges:
 * it signs in with the user's API key or JWT, kept in the tab's session storage, and every view
 * calls the REST API with it.
 */
@Configuration(proxyBeanMethods = false)
public class ConsoleWebConfiguration {

  /**
   * {@code /console} and {@code /console/} lead to the console's page, for GET (and HEAD) only: a
   * view controller would take every method, so that another method was refused as if the matrix
   * did not allow it (403) instead of being a 405 naming GET.
   */
  @Controller
  @io.swagger.v3.oas.annotations.Hidden
  static class ConsolePages {

    @GetMapping("/console")
    String console() {
      return "redirect:/console/";
    }

    @GetMapping("/console/")
    String index() {
      return "forward:/console/index.html";
    }
  }
}
