package dev.lattice.gateway;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The Lattice gateway as a Spring Boot application. Started by {@code lattice serve} (see {@link
 * LatticeCommand}); tests start it with {@code @SpringBootTest}.
 *
 * <p>Configuration is modular: each package of the gateway brings its own {@code @Configuration}
 * class and is found by component scanning from here. Kafka comes from {@code
 * dev.lattice.gateway.kafka}: inject {@link dev.lattice.gateway.kafka.KafkaBroker} for the
 * bootstrap servers and client properties (the embedded broker stops only after every bean that
 * depends on it). Health: every {@code HealthIndicator} bean is part of {@code GET
 * /actuator/health}, so a component (for example the topology) adds its state by declaring one.
 */
@SpringBootApplication
public class LatticeApplication {}
