package dev.lattice.streams.internal.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * What the member sub-topology tells the insights sub-topology (internal topic only):
 *
 * <ul>
 *   <li>{@link Kind#COUNT}: one offer delivery or purchase of {@code member}, to be counted in the
 *       cell (brand, network, category, metric, window of {@code at}) if the member's consent at
 *       that moment ({@code consent}: the ledger's encoded {@code ConsentState}, null = none)
 *       covers it and the member is not erased;
 *   <li>{@link Kind#CONSENT_CHANGED}: the member's consent changed (or the member was erased): the
 *       member's contributions to still open cells (of every brand) are checked again.
 * </ul>
 */
public record InsightTick(
    Kind kind,
    String brand,
    String network,
    String category,
    String metric,
    long at,
    String member,
    byte[] consent,
    boolean erased)
    implements TopologyOutput {

  public enum Kind {
    COUNT,
    CONSENT_CHANGED
  }

  public static InsightTick count(
      String brand,
      String network,
      String category,
      String metric,
      long at,
      String member,
      byte[] consent,
      boolean erased) {
    return new InsightTick(
        Kind.COUNT, brand, network, category, metric, at, member, consent, erased);
  }

  /** Goes to every insights task (the member may have been counted for any brand). */
  public static InsightTick consentChanged(long at, String member, byte[] consent, boolean erased) {
    return new InsightTick(Kind.CONSENT_CHANGED, "", "", "", "", at, member, consent, erased);
  }

  /**
   * Insights are keyed by brand, so that one task sees all of a member's contributions to a brand
   * (the per-member-day bound L) and owns the brand's privacy budgets.
   */
  public String cellOwnerKey() {
    return brand;
  }

  public static Serde<InsightTick> serde() {
    return Serdes.serdeFrom(
        (t, v) -> {
          if (v == null) return null;
          try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(v.kind().ordinal());
            out.writeUTF(v.brand());
            out.writeUTF(v.network());
            out.writeUTF(v.category());
            out.writeUTF(v.metric());
            out.writeLong(v.at());
            out.writeUTF(v.member());
            out.writeInt(v.consent() == null ? -1 : v.consent().length);
            if (v.consent() != null) {
              out.write(v.consent());
            }
            out.writeBoolean(v.erased());
            out.flush();
            return bytes.toByteArray();
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        },
        (t, b) -> {
          if (b == null) return null;
          try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
            Kind kind = Kind.values()[in.readByte()];
            String brand = in.readUTF();
            String network = in.readUTF();
            String category = in.readUTF();
            String metric = in.readUTF();
            long at = in.readLong();
            String member = in.readUTF();
            int n = in.readInt();
            byte[] consent = null;
            if (n >= 0) {
              consent = in.readNBytes(n);
            }
            return new InsightTick(
                kind, brand, network, category, metric, at, member, consent, in.readBoolean());
          } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("corrupt insight tick on an internal topic", e);
          }
        });
  }
}
