package dev.lattice.cli.chaos;

import java.util.ArrayList;
import java.util.List;

/**
 * What the chaos traffic sent and what it was answered: the checker's record of the truth.
 * Thread-safe (every method synchronized). Times are {@link System#nanoTime()} of this JVM.
 */
final class TrafficLog {

  enum Outcome {
    /** Answered 202: the event is in the input topic. */
    ACCEPTED,
    /** No answer reached the client (instance killed, timed out): in the topic or not. */
    UNCONFIRMED
  }

  /** An ingest event: {@code member} is null for an offer. */
  record Sent(
      String eventId,
      String type,
      String member,
      long startNanos,
      long endNanos,
      Outcome outcome) {}

  /**
   * A consent grant or withdrawal. {@code answered}: its first attempt was answered 200/202; a
   * change that was retried or never answered may still take effect later (the gateway's producer
   * can deliver a command after the API gave up on it), so it settles nothing. {@code status}: the
   * last answer (-1: none).
   */
  record ConsentChange(
      String member,
      String purpose,
      boolean grant,
      long startNanos,
      long endNanos,
      boolean answered,
      int status,
      String commandId) {}

  /** An undecodable record written straight to an input topic. */
  record BadInput(String topic, String key, byte[] value) {}

  private final List<Sent> sent = new ArrayList<>();
  private final List<ConsentChange> consent = new ArrayList<>();
  private final List<BadInput> bad = new ArrayList<>();

  synchronized void sent(Sent s) {
    sent.add(s);
  }

  synchronized void consent(ConsentChange c) {
    consent.add(c);
  }

  synchronized void bad(BadInput b) {
    bad.add(b);
  }

  synchronized List<Sent> sent() {
    return List.copyOf(sent);
  }

  synchronized List<ConsentChange> consentChanges() {
    return List.copyOf(consent);
  }

  synchronized List<BadInput> badInputs() {
    return List.copyOf(bad);
  }
}
