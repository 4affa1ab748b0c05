package dev.lattice.gateway.kafka;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the embedded broker on a background thread while Spring builds the application context, so
 * the two overlap instead of adding up ({@code lattice serve} uses it). The {@code kafkaBroker}
 * bean claims the started broker when its settings match, and starts its own otherwise.
 *
 * <p>Thread-safe.
 */
public final class EarlyKafkaStart {
  private static final Logger LOGGER = LoggerFactory.getLogger(EarlyKafkaStart.class);

  private final KafkaSettings settings;
  private final CompletableFuture<KafkaBroker> broker;

  private EarlyKafkaStart(KafkaSettings settings, CompletableFuture<KafkaBroker> broker) {
    this.settings = settings;
    this.broker = broker;
  }

  /** Begins starting the embedded broker described by {@code settings} (which must be embedded). */
  public static EarlyKafkaStart begin(KafkaSettings settings) {
    if (!settings.embedded()) {
      throw new IllegalArgumentException("an early start is only for the embedded broker");
    }
    CompletableFuture<KafkaBroker> future = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                future.complete(KafkaBroker.connect(settings));
              } catch (Throwable e) {
                future.completeExceptionally(e);
              }
            },
            "lattice-kafka-start");
    thread.setDaemon(true);
    thread.start();
    return new EarlyKafkaStart(settings, future);
  }

  /**
   * The early broker when it was started with the same settings as {@code wanted}; otherwise it is
   * stopped and the result is empty. Waits for the start to finish; rethrows its failure.
   */
  Optional<KafkaBroker> claim(KafkaSettings wanted) {
    boolean same =
        wanted.embedded()
            && normalized(wanted.dataDir()).equals(normalized(settings.dataDir()))
            && wanted.embeddedPort() == settings.embeddedPort();
    if (!same) {
      LOGGER.info("Embedded broker settings changed during start-up; starting it again");
      abandon();
      return Optional.empty();
    }
    try {
      return Optional.of(broker.join());
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /**
   * Stops the early broker if it started and nobody claimed it (for example when start-up failed).
   */
  public void abandon() {
    broker.thenAccept(KafkaBroker::close);
  }

  private static Path normalized(Path path) {
    return path.toAbsolutePath().normalize();
  }
}
