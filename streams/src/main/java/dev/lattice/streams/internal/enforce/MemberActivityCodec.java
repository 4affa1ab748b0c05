package dev.lattice.streams.internal.enforce;

import dev.lattice.streams.MemberActivity;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** Store encoding of {@link MemberActivity}. */
public final class MemberActivityCodec {
  private MemberActivityCodec() {}

  public static MemberActivity seen(
      MemberActivity current, String member, String network, long at) {
    Map<String, Instant> networks = new TreeMap<>(current == null ? Map.of() : current.networks());
    networks.put(network, Instant.ofEpochMilli(at));
    return new MemberActivity(
        member, networks, (current == null ? 0 : current.events()) + 1, Instant.ofEpochMilli(at));
  }

  public static byte[] toBytes(MemberActivity a) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeUTF(a.memberId());
      out.writeInt(a.networks().size());
      for (Map.Entry<String, Instant> e : new TreeMap<>(a.networks()).entrySet()) {
        out.writeUTF(e.getKey());
        out.writeLong(e.getValue().toEpochMilli());
      }
      out.writeLong(a.events());
      out.writeLong(a.lastSeen().toEpochMilli());
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static MemberActivity fromBytes(byte[] b) {
    if (b == null) {
      return null;
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
      String member = in.readUTF();
      int n = in.readInt();
      Map<String, Instant> networks = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        networks.put(in.readUTF(), Instant.ofEpochMilli(in.readLong()));
      }
      return new MemberActivity(
          member, networks, in.readLong(), Instant.ofEpochMilli(in.readLong()));
    } catch (IOException e) {
      throw new IllegalStateException("corrupt member activity in a state store", e);
    }
  }
}
