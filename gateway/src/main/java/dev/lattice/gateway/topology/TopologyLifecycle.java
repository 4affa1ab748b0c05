package dev.lattice.gateway.topology;

import dev.lattice.streams.LatticeStreams;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;
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

  private final Duration startTimeout;

  public TopologyLifecycle(LatticeStreams streams, Duration startTimeout, Duration closeTimeout) {
    this.streams = streams;
    this.startTimeout = startTimeout;
    this.closeTimeout = closeTimeout;
  }

  /**
   * Starts the topology and waits (up to {@code lattice.streams.start-timeout}) until it runs, so
   * that the gateway reports ready only when decisions are being made. A topology that fails to
   * start fails the application.
   */
  @Override
  public void start() {
    streams.start();
    running = true;
    long deadline = System.nanoTime() + startTimeout.toNanos();
    while (!streams.isRunning()) {
      KafkaStreams.State state = streams.state();
      if (state == KafkaStreams.State.ERROR
          || state == KafkaStreams.State.PENDING_ERROR
          || state == KafkaStreams.State.NOT_RUNNING) {
        throw new IllegalStateException("The topology failed to start (state " + state + ")");
      }
      if (System.nanoTime() > deadline) {
        LOGGER.warn(
            "Topology not running after {}; state={} (health shows it)", startTimeout, state);
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    LOGGER.info("Topology running");
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
