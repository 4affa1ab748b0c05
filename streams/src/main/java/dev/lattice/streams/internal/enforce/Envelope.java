package dev.lattice.streams.internal.enforce;

import dev.lattice.streams.TopicNames;
import dev.lattice.streams.internal.codec.Inbound;
import java.util.Map;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Wraps a raw input record with its kind (by topic) and its source position. */
public final class Envelope implements FixedKeyProcessor<byte[], byte[], Inbound> {
  private final Map<String, Inbound.Kind> kinds;
  private FixedKeyProcessorContext<byte[], Inbound> context;

  public Envelope(TopicNames topics) {
    this.kinds =
        Map.of(
            topics.consentCommands(), Inbound.Kind.CONSENT_COMMAND,
            topics.memberKeys(), Inbound.Kind.MEMBER_KEY,
            topics.memberData(), Inbound.Kind.MEMBER_DATA,
            topics.content(), Inbound.Kind.CONTENT,
            topics.purchases(), Inbound.Kind.PURCHASE,
            topics.offers(), Inbound.Kind.OFFER);
  }

  @Override
  public void init(FixedKeyProcessorContext<byte[], Inbound> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<byte[], byte[]> record) {
    RecordMetadata meta = context.recordMetadata().orElseThrow();
    Inbound.Kind kind = kinds.get(meta.topic());
    if (kind == null) {
      throw new IllegalStateException(
          "record from a topic the topology does not read: " + meta.topic());
    }
    context.forward(
        record.withValue(
            new Inbound(
                kind,
                meta.topic(),
                meta.partition(),
                meta.offset(),
                record.timestamp(),
                record.key(),
                record.value(),
                Inbound.headersOf(record.headers()))));
  }
}
