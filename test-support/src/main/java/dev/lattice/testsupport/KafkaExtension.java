package dev.lattice.testsupport;

import dev.lattice.testsupport.internal.ContainerKafka;
import dev.lattice.testsupport.internal.ExternalKafka;
import dev.lattice.testsupport.internal.InJvmKafka;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JUnit extension behind {@link WithKafka}: chooses, starts, shares and stops the cluster, and
 * injects it as a {@link TestKafka} parameter. A one-broker cluster lives in the root store (shared
 * by the whole run, closed at its end); a three-broker cluster lives in the test class's store
 * (closed after the class).
 */
public final class KafkaExtension implements BeforeAllCallback, ParameterResolver {
  private static final Logger LOGGER = LoggerFactory.getLogger(KafkaExtension.class);
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(KafkaExtension.class);
  static final String BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP_SERVERS";

  @Override
  public void beforeAll(ExtensionContext context) {
    kafka(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestKafka.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return kafka(context);
  }

  private static TestKafka kafka(ExtensionContext context) {
    WithKafka spec =
        AnnotationSupport.findAnnotation(context.getRequiredTestClass(), WithKafka.class)
            .orElseThrow(
                () ->
                    new ExtensionConfigurationException(
                        "annotate "
                            + context.getRequiredTestClass().getName()
                            + " with @WithKafka"));
    if (spec.brokers() != 1 && spec.brokers() != 3) {
      throw new ExtensionConfigurationException(
          "@WithKafka(brokers = " + spec.brokers() + "): use 1 or 3");
    }
    boolean shared = spec.brokers() == 1 && !spec.brokerControl();
    ExtensionContext owner = shared ? context.getRoot() : classContext(context);
    String key = "kafka-" + spec.brokers() + (spec.brokerControl() ? "-control" : "");
    return owner.getStore(NAMESPACE).computeIfAbsent(key, ignored -> start(spec), TestKafka.class);
  }

  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext current = context;
    while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
      current = current.getParent().get();
    }
    return current;
  }

  private static TestKafka start(WithKafka spec) {
    String external = System.getenv(BOOTSTRAP_ENV);
    if (!spec.brokerControl() && external != null && !external.isBlank()) {
      ExternalKafka kafka = ExternalKafka.connect(external.trim());
      if (kafka.brokerCount() < spec.brokers()) {
        throw new ExtensionConfigurationException(
            "the test needs "
                + spec.brokers()
                + " brokers but the cluster in "
                + BOOTSTRAP_ENV
                + " has "
                + kafka.brokerCount());
      }
      return kafka;
    }
    if (!spec.brokerControl() && spec.brokers() == 1 && ContainerKafka.dockerAvailable()) {
      return ContainerKafka.start();
    }
    long begin = System.nanoTime();
    InJvmKafka kafka = InJvmKafka.start(spec.brokers());
    LOGGER.info(
        "In-JVM Kafka for tests brokers={} startMillis={}",
        spec.brokers(),
        (System.nanoTime() - begin) / 1_000_000);
    return kafka;
  }
}
