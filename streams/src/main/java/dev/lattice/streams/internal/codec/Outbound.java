package dev.lattice.streams.internal.codec;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A record ready for its output topic: the topology writes every output (deliveries, audit,
 * quarantine, ledger, rejections, insights) through one sink whose topic name extractor reads
 * {@link #topic()}, so all of them are produced in the task's transaction.
 */
public record Outbound(String topic, byte[] key, byte[] value)
    implements TopologyOutput, GateOutput {

  public static Serde<Outbound> serde() {
    return Serdes.serdeFrom(
        (topic, outbound) -> outbound == null ? null : outbound.value(),
        (topic, bytes) -> {
          throw new UnsupportedOperationException("Outbound records are written, never read back");
        });
  }

  public static byte[] key(String key) {
    return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
  }
}
