package dev.lattice.gateway.topology;

import dev.lattice.streams.LatticeStreams;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the enforcement topology with the application and stops it (leaving the consumer group)
 * before the Kafka clients and the embedded broker go away.
 */
public final class TopologyLifecycle implements SmartLifecycle {

  private static final Logger LOGGER = LoggerFactory.getLogger(TopologyLifecycle.class);
  private final LatticeStreams streams;
  private final Duration closeTimeout;
  private volatile boolean running;

  public TopologyLifecycle(LatticeStreams streams, Duration closeTimeout) {
    this.streams = streams;
    this.closeTimeout = closeTimeout;
  }

  @Override
  public void start() {
    streams.start();
    running = true;
    LOGGER.info("Topology started");
  }

  @Override
  public void stop() {
    running = false;
    if (!streams.close(closeTimeout)) {
      LOGGER.warn("Topology did not stop within {}", closeTimeout);
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Starts after the web server's phase is irrelevant; stops before it by default ordering. */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE - 1024;
  }
}
