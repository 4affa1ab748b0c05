package dev.lattice.kafka.embedded.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.utils.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces Kafka's exit and halt procedures so that a fatal fault inside an embedded broker (which
 * calls {@code Exit.halt}) never terminates the host JVM: the gateway or the test run decides what
 * happens next.
 *
 * <p>Installed once per JVM, idempotently; thread-safe.
 */
public final class KafkaExitGuard {
  private static final Logger LOGGER = LoggerFactory.getLogger(KafkaExitGuard.class);
  private static final AtomicBoolean INSTALLED = new AtomicBoolean();

  private KafkaExitGuard() {}

  public static void install() {
    if (!INSTALLED.compareAndSet(false, true)) {
      return;
    }
    Exit.setExitProcedure((status, message) -> refuse("exit", status, message));
    Exit.setHaltProcedure((status, message) -> refuse("halt", status, message));
  }

  private static void refuse(String kind, int status, String message) {
    LOGGER.error(
        "Embedded Kafka requested JVM {} with status {} ({}); the JVM keeps running and the node is faulty",
        kind,
        status,
        message);
    // Throwing stops the calling Kafka thread instead of the whole process.
    throw new EmbeddedKafkaFaultException(
        "embedded Kafka requested JVM "
            + kind
            + " with status "
            + status
            + (message == null ? "" : ": " + message));
  }

  /** Raised on the Kafka thread that asked to exit or halt the JVM. */
  public static final class EmbeddedKafkaFaultException extends RuntimeException {
    EmbeddedKafkaFaultException(String message) {
      super(message);
    }
  }
}
