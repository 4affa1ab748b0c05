package dev.lattice.gateway.api.consent;

import dev.lattice.gateway.events.CompactedTopicView;
import dev.lattice.gateway.events.TopicTail;
import dev.lattice.schemas.AvroCodec;
import dev.lattice.schemas.TopicCatalogue;
import dev.lattice.schemas.avro.ConsentHistoryEntry;
import dev.lattice.schemas.avro.ConsentRejection;
import dev.lattice.schemas.avro.ConsentState;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The consent ledger as the topology wrote it ({@code lattice.consent.ledger}, compacted, one state
 * per member) and the recent rejections ({@code lattice.consent.rejections}), so that the API can
 * confirm a command it just sent. Thread-safe.
 */
public final class ConsentLedgerView implements AutoCloseable {

  /** What happened to a command. */
  public sealed interface Outcome {
    record Applied(ConsentState state, ConsentHistoryEntry entry) implements Outcome {}

    record Rejected(ConsentRejection rejection) implements Outcome {}
  }

  private static final int REJECTIONS_KEPT = 10_000;

  private final CompactedTopicView<ConsentState> ledger;
  private final TopicTail rejectionsTail;
  private final Map<String, ConsentRejection> rejections =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ConsentRejection> eldest) {
          return size() > REJECTIONS_KEPT;
        }
      };
  private final Object changed = new Object();

  public ConsentLedgerView(Map<String, Object> clientProperties) {
    this.ledger =
        new CompactedTopicView<>(
            TopicCatalogue.CONSENT_LEDGER.name(), ConsentState.class, clientProperties);
    ledger.onChange((k, v) -> signal());
    AvroCodec<ConsentRejection> codec = AvroCodec.of(ConsentRejection.class);
    this.rejectionsTail =
        new TopicTail(
            TopicCatalogue.CONSENT_REJECTIONS.name(),
            clientProperties,
            record -> {
              if (record.value() != null) {
                ConsentRejection rejection = codec.decode(record.value());
                synchronized (rejections) {
                  rejections.put(rejection.getCommandId(), rejection);
                }
                signal();
              }
            });
    ledger.start();
    rejectionsTail.start();
  }

  private void signal() {
    synchronized (changed) {
      changed.notifyAll();
    }
  }

  /** The member's consent state as this instance's view has it now (no waiting). */
  public Optional<ConsentState> state(String memberId) {
    return ledger.get(memberId);
  }

  /**
   * The member's consent state, seeing every change the ledger recorded before this call (whichever
   * instance's topology recorded it): what the API answers, identical on every instance.
   */
  public Optional<ConsentState> latestState(String memberId) {
    return ledger.latest(memberId);
  }

  /** Waits until the command was applied or rejected; empty when neither within the timeout. */
  public Optional<Outcome> await(String memberId, String commandId, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (changed) {
      while (true) {
        Optional<Outcome> outcome = outcome(memberId, commandId);
        if (outcome.isPresent()) {
          return outcome;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return Optional.empty();
        }
        try {
          changed.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return Optional.empty();
        }
      }
    }
  }

  private Optional<Outcome> outcome(String memberId, String commandId) {
    Optional<ConsentState> state = ledger.get(memberId);
    if (state.isPresent() && state.get().getHistory() != null) {
      for (ConsentHistoryEntry entry : state.get().getHistory()) {
        if (entry.getCommandId().equals(commandId)) {
          return Optional.of(new Outcome.Applied(state.get(), entry));
        }
      }
    }
    synchronized (rejections) {
      ConsentRejection rejection = rejections.get(commandId);
      return rejection == null ? Optional.empty() : Optional.of(new Outcome.Rejected(rejection));
    }
  }

  @Override
  public void close() {
    ledger.close();
    rejectionsTail.close();
  }
}
