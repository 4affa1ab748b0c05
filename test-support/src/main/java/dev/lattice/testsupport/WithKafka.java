package dev.lattice.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class a real Kafka, injected as a {@link TestKafka} parameter (constructor,
 * lifecycle or test methods). Where the cluster comes from, first match wins:
 *
 * <ol>
 *   <li>{@code KAFKA_BOOTSTRAP_SERVERS}, when set (the tests then share that cluster);
 *   <li>Testcontainers' Kafka container, when a Docker engine answers ({@code brokers = 1} only);
 *   <li>an in-JVM KRaft cluster from Kafka's own artifacts.
 * </ol>
 *
 * <p>A single broker is started once and shared by every test class of the run; three brokers are
 * started once per test class. {@code brokerControl = true} asks for a cluster whose brokers the
 * test can stop and restart, which only the in-JVM cluster offers, so such a test always gets one.
 *
 * <p>Tests sharing a cluster must use their own topic and group names ({@link
 * TestKafka#uniqueName(String)}).
 */
@Documented
@Inherited
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(KafkaExtension.class)
public @interface WithKafka {
  /** Number of brokers: 1 or 3. */
  int brokers() default 1;

  /** The test stops and restarts brokers through {@link TestKafka#stopBroker(int)}. */
  boolean brokerControl() default false;
}
