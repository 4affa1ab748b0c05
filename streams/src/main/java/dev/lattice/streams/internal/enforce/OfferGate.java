package dev.lattice.streams.internal.enforce;

import dev.lattice.schemas.avro.OfferEvent;
import dev.lattice.streams.TopicNames;
import dev.lattice.streams.internal.codec.AvroCodec;
import dev.lattice.streams.internal.codec.GateOutput;
import dev.lattice.streams.internal.codec.Inbound;
import dev.lattice.streams.internal.codec.UndecodableRecordException;
import dev.lattice.streams.internal.network.NetworkDirectory;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks an offer once before it is broadcast to every member partition: undecodable offers, schema
 * violations and offers naming an unregistered network are quarantined (nothing is delivered).
 */
public final class OfferGate implements Processor<byte[], Inbound, byte[], GateOutput> {
  private static final Logger LOGGER = LoggerFactory.getLogger(OfferGate.class);
  private static final AvroCodec<OfferEvent> OFFERS = AvroCodec.of(OfferEvent.class);
  private final TopicNames topics;
  private final NetworkDirectory networks;
  private ProcessorContext<byte[], GateOutput> context;

  public OfferGate(TopicNames topics, NetworkDirectory networks) {
    this.topics = topics;
    this.networks = networks;
  }

  @Override
  public void init(ProcessorContext<byte[], GateOutput> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], Inbound> record) {
    Inbound in = record.value();
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    OfferEvent offer;
    try {
      offer = OFFERS.decode(in.value());
    } catch (UndecodableRecordException e) {
      reject(record, in, Quarantine.UNDECODABLE, e.getMessage(), now);
      return;
    }
    String problem = null;
    String code = Quarantine.SCHEMA_VIOLATION;
    if (offer.getHeader().getEventId() == null || offer.getHeader().getEventId().isBlank()) {
      problem = "header.event_id is empty";
    } else if (!"offer".equals(offer.getHeader().getEventType())) {
      problem =
          "header.event_type is '" + offer.getHeader().getEventType() + "' on the offers topic";
    } else if (offer.getTargetNetworks().isEmpty()) {
      problem = "offer names no target network";
    } else if (!offer.getValidUntil().isAfter(offer.getValidFrom())) {
      problem = "offer valid_until is not after valid_from";
    } else {
      for (String target : offer.getTargetNetworks()) {
        if (!networks.knows(target)) {
          code = Quarantine.UNKNOWN_NETWORK;
          problem = "target network " + target + " is not registered";
          break;
        }
      }
    }
    if (problem != null) {
      reject(record, in, code, problem, now);
      return;
    }
    context.forward(record.withValue(in));
  }

  private void reject(
      Record<byte[], Inbound> record, Inbound in, String code, String message, Instant now) {
    LOGGER.info(
        "offer quarantined partition={} offset={} reason={}", in.partition(), in.offset(), code);
    context.forward(
        record.withValue(Quarantine.record(topics.quarantine(), in, code, message, now)));
  }
}
