package dev.lattice.gateway.limits;

import dev.lattice.gateway.api.ingest.IngestSettings;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.json.JsonMapper;

/** Registers the request limits for every endpoint. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({RequestLimits.class, IngestSettings.class})
public class LimitsConfiguration {

  /** After Spring Security's filter chain (order -100): unauthenticated callers get 401 first. */
  @Bean
  FilterRegistrationBean<RequestLimitsFilter> requestLimitsFilter(
      RequestLimits limits, IngestSettings ingest, JsonMapper json) {
    FilterRegistrationBean<RequestLimitsFilter> registration =
        new FilterRegistrationBean<>(
            new RequestLimitsFilter(limits, ingest.maxRequestBytes(), json));
    registration.setOrder(Ordered.LOWEST_PRECEDENCE - 10);
    registration.addUrlPatterns("/*");
    return registration;
  }

  /**
   * A JSON number or boolean where a body field is a string ({@code {"id": 123}}) is a 400 at the
   * field ("expected a string") instead of being read as its text ({@code "123"}): what a client
   * sends with the wrong type is probably not what it meant.
   */
  @Bean
  org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer strictTextFields() {
    return builder ->
        builder.withCoercionConfig(
            tools.jackson.databind.type.LogicalType.Textual,
            config -> {
              config.setCoercion(
                  tools.jackson.databind.cfg.CoercionInputShape.Integer,
                  tools.jackson.databind.cfg.CoercionAction.Fail);
              config.setCoercion(
                  tools.jackson.databind.cfg.CoercionInputShape.Float,
                  tools.jackson.databind.cfg.CoercionAction.Fail);
              config.setCoercion(
                  tools.jackson.databind.cfg.CoercionInputShape.Boolean,
                  tools.jackson.databind.cfg.CoercionAction.Fail);
            });
  }

  /** Unknown query parameters are refused (400 naming each), see {@link QueryParameterCheck}. */
  @Bean
  WebMvcConfigurer queryParameterCheck() {
    return new WebMvcConfigurer() {
      @Override
      public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new QueryParameterCheck()).order(Ordered.HIGHEST_PRECEDENCE);
      }
    };
  }
}
