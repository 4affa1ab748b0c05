package dev.lattice.streams.internal.enforce;

import dev.lattice.policy.ReasonCodes;
import dev.lattice.schemas.avro.QuarantineHeader;
import dev.lattice.schemas.avro.QuarantineRecord;
import dev.lattice.streams.internal.codec.AvroCodec;
import dev.lattice.streams.internal.codec.Inbound;
import dev.lattice.streams.internal.codec.Outbound;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds quarantine records: the original key, value and headers, where the record was read, and
 * why it was set aside. {@code error_class} holds a stable reason code ({@code record.undecodable},
 * {@code event.schema_violation}, {@code network.unknown}, {@code policy.error}, ...).
 */
public final class Quarantine {
  public static final String UNDECODABLE = ReasonCodes.RECORD_UNDECODABLE;
  public static final String SCHEMA_VIOLATION = ReasonCodes.EVENT_SCHEMA_VIOLATION;
  public static final String UNKNOWN_NETWORK = ReasonCodes.NETWORK_UNKNOWN;
  public static final String POLICY_ERROR = ReasonCodes.POLICY_ERROR;
  public static final String UNSEALABLE = ReasonCodes.EVENT_SEALED_DATA_UNREADABLE;
  public static final String UNENFORCEABLE_OBLIGATION = ReasonCodes.OBLIGATION_UNENFORCEABLE;

  private static final Logger LOGGER = LoggerFactory.getLogger(Quarantine.class);
  private static final AvroCodec<QuarantineRecord> CODEC = AvroCodec.of(QuarantineRecord.class);

  private final String topic;
  private final Emitter emitter;

  /** Quarantines into {@code topic} through {@code emitter}. */
  public Quarantine(String topic, Emitter emitter) {
    this.topic = topic;
    this.emitter = emitter;
  }

  /** Sets the record aside with a reason code ({@link ReasonCodes}) and a message. */
  public void put(Inbound in, String code, String message, Instant now) {
    LOGGER.info(
        "record quarantined topic={} partition={} offset={} reason={}",
        in.topic(),
        in.partition(),
        in.offset(),
        code);
    emitter.emit(record(topic, in, code, message, now));
  }

  public static Outbound record(
      String quarantineTopic, Inbound in, String code, String message, Instant now) {
    QuarantineRecord.Builder b =
        QuarantineRecord.newBuilder()
            .setOriginalKey(in.key() == null ? null : ByteBuffer.wrap(in.key()))
            .setOriginalValue(in.value() == null ? null : ByteBuffer.wrap(in.value()))
            .setHeaders(
                in.headers().stream()
                    .map(
                        h ->
                            new QuarantineHeader(
                                h.key(), h.value() == null ? null : ByteBuffer.wrap(h.value())))
                    .toList())
            .setTopic(in.topic())
            .setPartition(in.partition())
            .setOffset(in.offset())
            .setErrorClass(code)
            .setErrorMessage(message == null ? code : message)
            .setQuarantinedAt(now);
    return new Outbound(quarantineTopic, in.key(), CODEC.encode(b.build()));
  }
}
