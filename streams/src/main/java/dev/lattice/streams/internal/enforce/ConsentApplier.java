package dev.lattice.streams.internal.enforce;

import dev.lattice.schemas.avro.ConsentAction;
import dev.lattice.schemas.avro.ConsentCommand;
import dev.lattice.schemas.avro.ConsentHistoryEntry;
import dev.lattice.schemas.avro.ConsentRejection;
import dev.lattice.schemas.avro.ConsentState;
import dev.lattice.streams.TopicNames;
import dev.lattice.streams.internal.codec.AvroCodec;
import dev.lattice.streams.internal.codec.Inbound;
import dev.lattice.streams.internal.codec.Outbound;
import dev.lattice.streams.internal.codec.UndecodableRecordException;
import dev.lattice.streams.internal.consent.ConsentLedger;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies consent commands to the member's consent state ({@link ConsentLedger} folds them): writes
 * the new state to the store and the ledger topic, or a rejection to the rejections topic. An
 * erasure also shreds the member's data key. One task owns the store; not thread-safe.
 */
public final class ConsentApplier {
  private static final Logger LOGGER = LoggerFactory.getLogger(ConsentApplier.class);
  private static final AvroCodec<ConsentCommand> COMMANDS = AvroCodec.of(ConsentCommand.class);
  private static final AvroCodec<ConsentState> STATES = AvroCodec.of(ConsentState.class);
  private static final AvroCodec<ConsentRejection> REJECTIONS =
      AvroCodec.of(ConsentRejection.class);

  private final KeyValueStore<String, byte[]> consent;
  private final TopicNames topics;
  private final Unsealer keys;
  private final Quarantine quarantine;
  private final Emitter emitter;
  private final MemberHistory history;
  private final MemberRefs refs;
  private final DecisionLog decisionLog;
  // null: the topology records no memberships (TopologySettings.membershipsTopic)
  private final String membershipsTopic;

  public ConsentApplier(
      KeyValueStore<String, byte[]> consent,
      TopicNames topics,
      Unsealer keys,
      Quarantine quarantine,
      Emitter emitter,
      MemberHistory history,
      MemberRefs refs,
      DecisionLog decisionLog,
      String membershipsTopic) {
    this.membershipsTopic = membershipsTopic;
    this.history = history;
    this.refs = refs;
    this.decisionLog = decisionLog;
    this.consent = consent;
    this.topics = topics;
    this.keys = keys;
    this.quarantine = quarantine;
    this.emitter = emitter;
  }

  /**
   * Erasure: shreds the member's data key everywhere (a tombstone on the keys topic), forgets what
   * the topology remembers of them, drops their decisions from the queryable index and unlinks the
   * audit's reference to them.
   */
  private void erase(String member) {
    keys.shred(member);
    emitter.emit(new Outbound(topics.memberKeys(), Outbound.key(member), null));
    for (String network : history.forget(member)) {
      if (membershipsTopic != null) {
        // The topology's own first-sighting records, tombstoned after them in the topic's order.
        emitter.emit(new Outbound(membershipsTopic, Outbound.key(network + "|" + member), null));
      }
    }
    refs.forget(member).ifPresent(decisionLog::forget);
  }

  /**
   * The member's consent state, or null when they have none. The state is shared with later calls:
   * callers must not modify it (the ledger builds a new state for every change).
   */
  public ConsentState stateOf(String member) {
    byte[] bytes = consent.get(member);
    if (bytes == null) {
      decoded.remove(member);
      return null;
    }
    Decoded last = decoded.get(member);
    if (last != null && Arrays.equals(last.bytes(), bytes)) {
      return last.state();
    }
    ConsentState state = STATES.decode(bytes);
    decoded.put(member, new Decoded(bytes, state));
    return state;
  }

  /** A consent state and the stored bytes it was decoded from. */
  private record Decoded(byte[] bytes, ConsentState state) {}

  /** How many members' decoded states a task keeps (least recently read dropped first). */
  static final int DECODED_STATES = 4096;

  // A member's state holds their whole consent history and is read for every event and offer
  // copy about them: decoding it each time was several % of the member task's CPU. A state is
  // reused only while the store holds exactly the bytes it was decoded from (compared on every
  // read), so no write, restore or erasure can make it answer a stale state.
  private final Map<String, Decoded> decoded =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Decoded> eldest) {
          return size() > DECODED_STATES;
        }
      };

  /**
   * Applies one command read from the commands topic.
   *
   * @param key the record's Kafka key; a command not keyed by its member id is rejected ({@code
   *     consent.member_mismatch}), never re-keyed (docs/decision-contract.md, "Order of consent and
   *     events")
   * @return the member whose consent state changed, or null when the command was not applied
   */
  public String apply(Inbound in, String key, Instant now) {
    ConsentCommand command;
    try {
      command = COMMANDS.decode(in.value());
    } catch (UndecodableRecordException e) {
      quarantine.put(in, Quarantine.UNDECODABLE, e.getMessage(), now);
      return null;
    }
    String member = command.getMemberId();
    ConsentState current = member == null ? null : stateOf(member);
    // The record's time is its broker append time one millisecond early (AppendOrderTimestamps puts
    // commands first at equal broker time); the ledger records the append time itself.
    Instant appendedAt = in.timestamp() < 0 ? null : Instant.ofEpochMilli(in.timestamp() + 1);
    switch (ConsentLedger.apply(current, command, key, now, appendedAt)) {
      case ConsentLedger.Outcome.Applied applied -> {
        ConsentState state = applied.state();
        boolean erase = command.getAction() == ConsentAction.ERASE;
        if (erase) {
          // What remains is the erasure receipt: that it happened, when, at whose request.
          List<ConsentHistoryEntry> h = state.getHistory();
          state = ConsentState.newBuilder(state).setHistory(List.of(h.get(h.size() - 1))).build();
        }
        byte[] bytes = STATES.encode(state);
        consent.put(member, bytes);
        emitter.emit(new Outbound(topics.consentLedger(), Outbound.key(member), bytes));
        if (erase) {
          erase(member);
        }
        // Log lines name the command, never the member (logs are not erased).
        LOGGER.debug(
            "consent applied commandId={} version={}",
            command.getCommandId(),
            applied.state().getVersion());
        return member;
      }
      case ConsentLedger.Outcome.Rejected rejected -> {
        // A rejection carries no personal data: no member id, no copy of the command; the caller
        // finds it by its command id (also the record key).
        String commandId = command.getCommandId() == null ? "" : command.getCommandId();
        ConsentRejection r =
            ConsentRejection.newBuilder()
                .setCommandId(commandId)
                .setMemberId("")
                .setReasonCode(rejected.code())
                .setMessage(rejected.message())
                .setRejectedAt(now)
                .setCommand(null)
                .build();
        emitter.emit(
            new Outbound(
                topics.consentRejections(), Outbound.key(commandId), REJECTIONS.encode(r)));
        LOGGER.info("consent command rejected commandId={} code={}", commandId, rejected.code());
        return null;
      }
    }
  }
}
