package dev.lattice.streams.internal.enforce;

import dev.lattice.schemas.avro.ConsentAction;
import dev.lattice.schemas.avro.ConsentCommand;
import dev.lattice.schemas.avro.ConsentRejection;
import dev.lattice.schemas.avro.ConsentState;
import dev.lattice.streams.TopicNames;
import dev.lattice.streams.internal.codec.AvroCodec;
import dev.lattice.streams.internal.codec.Inbound;
import dev.lattice.streams.internal.codec.Outbound;
import dev.lattice.streams.internal.codec.UndecodableRecordException;
import dev.lattice.streams.internal.consent.ConsentLedger;
import java.time.Instant;
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

  public ConsentApplier(
      KeyValueStore<String, byte[]> consent,
      TopicNames topics,
      Unsealer keys,
      Quarantine quarantine,
      Emitter emitter) {
    this.consent = consent;
    this.topics = topics;
    this.keys = keys;
    this.quarantine = quarantine;
    this.emitter = emitter;
  }

  /** The member's consent state, or null when they have none. */
  public ConsentState stateOf(String member) {
    byte[] bytes = consent.get(member);
    return bytes == null ? null : STATES.decode(bytes);
  }

  /**
   * Applies one command read from the commands topic.
   *
   * @param key the record's Kafka key; a command not keyed by its member id is rejected ({@code
   *     consent.member_mismatch}), never re-keyed (docs/decision-contract.md, "Order of consent and
   *     events")
   */
  public void apply(Inbound in, String key, Instant now) {
    ConsentCommand command;
    try {
      command = COMMANDS.decode(in.value());
    } catch (UndecodableRecordException e) {
      quarantine.put(in, Quarantine.UNDECODABLE, e.getMessage(), now);
      return;
    }
    String member = command.getMemberId();
    ConsentState current = member == null ? null : stateOf(member);
    switch (ConsentLedger.apply(current, command, key, now)) {
      case ConsentLedger.Outcome.Applied applied -> {
        byte[] bytes = STATES.encode(applied.state());
        consent.put(member, bytes);
        emitter.emit(new Outbound(topics.consentLedger(), Outbound.key(member), bytes));
        if (command.getAction() == ConsentAction.ERASE) {
          // Erasure shreds the member's data key everywhere: a tombstone on the keys topic.
          keys.shred(member);
          emitter.emit(new Outbound(topics.memberKeys(), Outbound.key(member), null));
        }
        LOGGER.debug(
            "consent applied memberId={} version={}", member, applied.state().getVersion());
      }
      case ConsentLedger.Outcome.Rejected rejected -> {
        ConsentRejection r =
            ConsentRejection.newBuilder()
                .setCommandId(command.getCommandId() == null ? "" : command.getCommandId())
                .setMemberId(member == null ? "" : member)
                .setReasonCode(rejected.code())
                .setMessage(rejected.message())
                .setRejectedAt(now)
                .setCommand(command)
                .build();
        emitter.emit(new Outbound(topics.consentRejections(), in.key(), REJECTIONS.encode(r)));
        LOGGER.info("consent command rejected memberId={} code={}", member, rejected.code());
      }
    }
  }
}
