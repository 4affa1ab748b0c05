package dev.lattice.streams.internal.enforce;

import dev.lattice.schemas.avro.QuarantineHeader;
import dev.lattice.schemas.avro.QuarantineRecord;
import dev.lattice.streams.internal.codec.AvroCodec;
import dev.lattice.streams.internal.codec.Inbound;
import dev.lattice.streams.internal.codec.Outbound;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * Builds quarantine records: the original key, value and headers, where the record was read, and
 * why it was set aside. {@code error_class} holds a stable reason code ({@code record.undecodable},
 * {@code event.schema_violation}, {@code network.unknown}, {@code policy.error}, ...).
 */
public final class Quarantine {
  public static final String UNDECODABLE = "record.undecodable";
  public static final String SCHEMA_VIOLATION = "event.schema_violation";
  public static final String UNKNOWN_NETWORK = "network.unknown";
  public static final String POLICY_ERROR = "policy.error";
  public static final String UNSEALABLE = "event.sealed_data_unreadable";
  public static final String UNENFORCEABLE_OBLIGATION = "obligation.unenforceable";

  private static final AvroCodec<QuarantineRecord> CODEC = AvroCodec.of(QuarantineRecord.class);

  private Quarantine() {}

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
