package dev.lattice.streams.support;

import dev.lattice.policy.ActivationResult;
import dev.lattice.policy.Decision;
import dev.lattice.policy.DecisionService;
import dev.lattice.policy.Obligations;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link DecisionService} (the topology's public seam) that decides with a real service except
 * for the events a test names: for those it throws, or allows with obligations the topology cannot
 * carry out. Thread-safe.
 */
public final class FaultInjectingDecisions implements DecisionService {

  /** What to do instead of deciding, for one event id. */
  private sealed interface Fault {}

  private record Throw() implements Fault {}

  private record AllowWith(Obligations obligations) implements Fault {}

  private record Stall(Runnable onStall) implements Fault {}

  private final DecisionService real;
  private final Map<String, Fault> faults = new ConcurrentHashMap<>();

  public FaultInjectingDecisions(DecisionService real) {
    this.real = real;
  }

  /** {@code decide} throws for every destination of this event. */
  public FaultInjectingDecisions throwOn(String eventId) {
    faults.put(eventId, new Throw());
    return this;
  }

  /** {@code decide} allows this event with an obligation naming a field no event has. */
  public FaultInjectingDecisions allowWithUnenforceableObligationOn(String eventId) {
    faults.put(
        eventId, new AllowWith(new Obligations(List.of("payload.no_such_field"), List.of(), null)));
    return this;
  }

  /**
   * {@code decide} never returns for this event: it runs {@code onStall} and blocks the calling
   * stream thread for good (a process to be killed in the middle of a record).
   */
  public FaultInjectingDecisions stallOn(String eventId, Runnable onStall) {
    faults.put(eventId, new Stall(onStall));
    return this;
  }

  @Override
  public Decision decide(Map<String, Object> input, boolean explain) {
    Object event = input.get("event");
    Object id = event instanceof Map<?, ?> m ? m.get("id") : null;
    Fault fault = id == null ? null : faults.get(id.toString());
    return switch (fault) {
      case null -> real.decide(input, explain);
      case Throw t -> throw new IllegalStateException("injected decision service failure");
      case AllowWith a ->
          new Decision(true, List.of(), a.obligations(), real.activeRevision(), 0, List.of());
      case Stall s -> stall(s);
    };
  }

  private static Decision stall(Stall s) {
    s.onStall().run();
    Object forever = new Object();
    synchronized (forever) {
      while (true) {
        try {
          forever.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("stalled decision interrupted", e);
        }
      }
    }
  }

  @Override
  public String activeRevision() {
    return real.activeRevision();
  }

  @Override
  public ActivationResult activate(Path bundle) {
    return real.activate(bundle);
  }

  @Override
  public ActivationResult activate(byte[] bundleTarGz) {
    return real.activate(bundleTarGz);
  }

  @Override
  public void putData(String path, Object document) {
    real.putData(path, document);
  }

  @Override
  public void removeData(String path) {
    real.removeData(path);
  }
}
