package dev.lattice.benchmarks.bench;

import dev.lattice.policy.ActivationResult;
import dev.lattice.policy.Decision;
import dev.lattice.policy.DecisionService;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bench's replay baseline: the enforcing run records every decision under (event, member,
 * destination) ({@link #recording}); the baseline run answers the same questions from the record
 * without evaluating anything ({@link #replaying}). The baseline topology therefore routes, writes,
 * audits and delivers exactly what the enforcing one did, at the cost of a map lookup per decision:
 * enforcing against it is the cost of deciding alone.
 *
 * <p>A question the enforcing run was not asked (an insight release decided at another time) is
 * passed to the real service and counted ({@link #misses()}). Thread-safe.
 */
final class ReplayedDecisions {
  private static final char SEP = '\u0000';

  private final Map<String, Decision> recorded = new ConcurrentHashMap<>();
  private final AtomicLong misses = new AtomicLong();

  int size() {
    return recorded.size();
  }

  /** Questions the replay could not answer from the record (decided by the real service). */
  long misses() {
    return misses.get();
  }

  /** {@code real}, recording each decision it makes. */
  DecisionService recording(DecisionService real) {
    return new Delegating(real) {
      // The enforcing topology prepares an event's document once for several inputs; the prepared
      // form is the engine's, so each thread remembers which event a prepared document was.
      private final ThreadLocal<IdentityHashMap<Object, Map<String, Object>>> prepared =
          ThreadLocal.withInitial(IdentityHashMap::new);
      private final ThreadLocal<Object> lastEvent = new ThreadLocal<>();

      @Override
      public Object prepare(Map<String, Object> document) {
        Object p = real.prepare(document);
        if (document != null && document.containsKey("id") && document.containsKey("type")) {
          Object id = document.get("id");
          IdentityHashMap<Object, Map<String, Object>> seen = prepared.get();
          // Forget older events only when another event starts: every input of the event being
          // decided can still be told.
          if (!java.util.Objects.equals(id, lastEvent.get()) && seen.size() > 4096) {
            seen.clear();
          }
          lastEvent.set(id);
          seen.put(p, document);
        }
        return p;
      }

      @Override
      public Decision decide(Map<String, Object> input, boolean explain) {
        Decision d = real.decide(input, explain);
        Object event = input.get("event");
        if (!(event instanceof Map<?, ?>)) {
          event = prepared.get().get(event);
        }
        String key = key(event, input.get("destination"));
        if (key != null) {
          recorded.put(key, d);
        }
        return d;
      }
    };
  }

  /** Answers from the record; what it does not hold goes to {@code fallback} (counted). */
  DecisionService replaying(DecisionService fallback) {
    return new Delegating(fallback) {
      @Override
      public Object prepare(Map<String, Object> document) {
        return document; // read by the key below
      }

      @Override
      public Decision decide(Map<String, Object> input, boolean explain) {
        String key = key(input.get("event"), input.get("destination"));
        Decision d = key == null ? null : recorded.get(key);
        if (d != null) {
          return d;
        }
        misses.incrementAndGet();
        return fallback.decide(input, explain);
      }

      @Override
      public ActivationResult activate(Path bundle) {
        throw new UnsupportedOperationException("the replay baseline takes no bundle");
      }

      @Override
      public ActivationResult activate(byte[] bundleTarGz) {
        throw new UnsupportedOperationException("the replay baseline takes no bundle");
      }
    };
  }

  private static String key(Object event, Object destination) {
    if (!(event instanceof Map<?, ?> e) || !(destination instanceof Map<?, ?> d)) {
      return null;
    }
    return e.get("id")
        + String.valueOf(SEP)
        + e.get("member_id")
        + SEP
        + d.get("kind")
        + SEP
        + d.get("id");
  }

  /** Delegates everything but deciding. */
  private abstract static class Delegating implements DecisionService {
    private final DecisionService delegate;

    Delegating(DecisionService delegate) {
      this.delegate = delegate;
    }

    @Override
    public String activeRevision() {
      return delegate.activeRevision();
    }

    @Override
    public ActivationResult activate(Path bundle) {
      return delegate.activate(bundle);
    }

    @Override
    public ActivationResult activate(byte[] bundleTarGz) {
      return delegate.activate(bundleTarGz);
    }

    @Override
    public void putData(String path, Object document) {
      delegate.putData(path, document);
    }

    @Override
    public void removeData(String path) {
      delegate.removeData(path);
    }
  }
}
