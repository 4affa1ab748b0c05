package dev.lattice.streams.internal.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** One offer delivery or purchase, counted in the insights of its brand, network and category. */
public record InsightTick(String brand, String network, String category, String metric, long at)
    implements TopologyOutput {

  /** Insights are keyed by brand and network, so that one task owns the pair's privacy budget. */
  public String cellOwnerKey() {
    return brand + "\u0000" + network;
  }

  public static Serde<InsightTick> serde() {
    return Serdes.serdeFrom(
        (t, v) -> {
          if (v == null) return null;
          try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeUTF(v.brand());
            out.writeUTF(v.network());
            out.writeUTF(v.category());
            out.writeUTF(v.metric());
            out.writeLong(v.at());
            out.flush();
            return bytes.toByteArray();
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        },
        (t, b) -> {
          if (b == null) return null;
          try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
            return new InsightTick(
                in.readUTF(), in.readUTF(), in.readUTF(), in.readUTF(), in.readLong());
          } catch (IOException e) {
            throw new IllegalStateException("corrupt insight tick on an internal topic", e);
          }
        });
  }
}
