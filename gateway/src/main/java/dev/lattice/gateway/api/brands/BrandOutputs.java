package dev.lattice.gateway.api.brands;

import dev.lattice.schemas.AvroCodec;
import dev.lattice.schemas.EventDecodingException;
import dev.lattice.schemas.avro.InsightRecord;
import dev.lattice.schemas.avro.OfferDelivery;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/** Decodes the two kinds of record on a brand's output topic: deliveries and insights. */
final class BrandOutputs {
  private static final AvroCodec<OfferDelivery> DELIVERIES = AvroCodec.of(OfferDelivery.class);
  private static final AvroCodec<InsightRecord> INSIGHTS = AvroCodec.of(InsightRecord.class);

  private BrandOutputs() {}

  static Optional<SpecificRecord> decode(byte[] bytes) {
    if (bytes == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(DELIVERIES.decode(bytes));
    } catch (EventDecodingException e) {
      if (e.reason() != EventDecodingException.Reason.WRONG_TYPE) {
        throw e;
      }
    }
    try {
      return Optional.of(INSIGHTS.decode(bytes));
    } catch (EventDecodingException e) {
      // Network output topics also carry member data and content: not for brands.
      if (e.reason() != EventDecodingException.Reason.WRONG_TYPE) {
        throw e;
      }
      return Optional.empty();
    }
  }
}
