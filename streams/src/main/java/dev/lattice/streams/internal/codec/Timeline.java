package dev.lattice.streams.internal.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A member's recent purchases or offer deliveries, oldest first, as stored in a state store: each
 * entry has two labels (sku and brand, or brand and network) and a time in epoch millis.
 */
public record Timeline(List<Entry> entries) {
  public record Entry(String first, String second, long at) {}

  public static final Timeline EMPTY = new Timeline(List.of());

  /** This timeline plus {@code entry}, without the entries older than {@code keepFrom}. */
  public Timeline append(Entry entry, long keepFrom) {
    List<Entry> out = new ArrayList<>(entries.size() + 1);
    for (Entry e : entries) {
      if (e.at() >= keepFrom) {
        out.add(e);
      }
    }
    out.add(entry);
    return new Timeline(List.copyOf(out));
  }

  public List<Entry> since(long from) {
    List<Entry> out = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      if (e.at() >= from) {
        out.add(e);
      }
    }
    return out;
  }

  public byte[] toBytes() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(entries.size());
      for (Entry e : entries) {
        out.writeUTF(e.first());
        out.writeUTF(e.second());
        out.writeLong(e.at());
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Timeline fromBytes(byte[] b) {
    if (b == null) {
      return EMPTY;
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
      int n = in.readInt();
      List<Entry> list = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        list.add(new Entry(in.readUTF(), in.readUTF(), in.readLong()));
      }
      return new Timeline(List.copyOf(list));
    } catch (IOException e) {
      throw new IllegalStateException("corrupt timeline in a state store", e);
    }
  }
}
