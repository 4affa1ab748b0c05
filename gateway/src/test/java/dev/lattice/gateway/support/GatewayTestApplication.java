package dev.lattice.gateway.support;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Boots the gateway's own beans for tests. */
@SpringBootApplication(scanBasePackages = "dev.lattice.gateway")
public class GatewayTestApplication {}
