package dev.lattice.streams.internal.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * An input record as it arrived (original key, value and headers, and its source position), tagged
 * with what it is. It is carried unchanged through repartition topics so that anything quarantined
 * downstream still has the original bytes and position.
 */
public record Inbound(
    Kind kind,
    String topic,
    int partition,
    long offset,
    long timestamp,
    byte[] key,
    byte[] value,
    List<RawHeader> headers)
    implements GateOutput {

  /** What an input record is, by the topic it came from. */
  public enum Kind {
    CONSENT_COMMAND,
    MEMBER_DATA,
    CONTENT,
    PURCHASE,
    OFFER,
    MEMBER_KEY
  }

  /** One header as bytes. */
  public record RawHeader(String key, byte[] value) {}

  public static List<RawHeader> headersOf(Headers headers) {
    List<RawHeader> list = new ArrayList<>();
    if (headers != null) {
      for (Header h : headers) {
        list.add(new RawHeader(h.key(), h.value()));
      }
    }
    return List.copyOf(list);
  }

  private static final byte FORMAT = 1;

  public static Serde<Inbound> serde() {
    return Serdes.serdeFrom(
        (t, in) -> in == null ? null : in.toBytes(), (t, b) -> b == null ? null : fromBytes(b));
  }

  public byte[] toBytes() {
    try {
      ByteArrayOutputStream bytes =
          new ByteArrayOutputStream(64 + (value == null ? 0 : value.length));
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(FORMAT);
      out.writeByte(kind.ordinal());
      out.writeUTF(topic);
      out.writeInt(partition);
      out.writeLong(offset);
      out.writeLong(timestamp);
      writeBytes(out, key);
      writeBytes(out, value);
      out.writeInt(headers.size());
      for (RawHeader h : headers) {
        out.writeUTF(h.key());
        writeBytes(out, h.value());
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("cannot write an in-memory envelope", e);
    }
  }

  public static Inbound fromBytes(byte[] data) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      byte format = in.readByte();
      if (format != FORMAT) {
        throw new IllegalStateException(
            "unknown envelope format " + format + " on an internal topic");
      }
      Kind kind = Kind.values()[in.readByte()];
      String topic = in.readUTF();
      int partition = in.readInt();
      long offset = in.readLong();
      long timestamp = in.readLong();
      byte[] key = readBytes(in);
      byte[] value = readBytes(in);
      int n = in.readInt();
      List<RawHeader> headers = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        headers.add(new RawHeader(in.readUTF(), readBytes(in)));
      }
      return new Inbound(
          kind, topic, partition, offset, timestamp, key, value, List.copyOf(headers));
    } catch (IOException e) {
      throw new IllegalStateException("corrupt envelope on an internal topic", e);
    }
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    if (b == null) {
      out.writeInt(-1);
    } else {
      out.writeInt(b.length);
      out.write(b);
    }
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }
}
