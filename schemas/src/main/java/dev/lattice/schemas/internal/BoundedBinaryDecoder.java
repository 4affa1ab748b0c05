package dev.lattice.schemas.internal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * An Avro binary decoder over a byte array that never allocates more than the input can hold.
 *
 * <p>Avro's own {@code BinaryDecoder} allocates a string, byte buffer or array of the length the
 * input claims before reading it, so a few corrupt bytes can ask for gigabytes. Here every length
 * and item count is checked against the bytes that remain: a claim that cannot fit is reported as
 * truncated input. (Item counts assume every item takes at least one byte, which holds for every
 * Lattice schema: no arrays or maps of {@code null} or of empty records.)
 *
 * <p>Not thread-safe; one instance per decode.
 */
public final class BoundedBinaryDecoder extends Decoder {

  /** The input ends before the value being read. */
  public static final class TruncatedInputException extends EOFException {
    TruncatedInputException(String message) {
      super(message);
    }
  }

  /** The input is not a valid Avro binary encoding. */
  public static final class MalformedInputException extends IOException {
    MalformedInputException(String message) {
      super(message);
    }
  }

  private final byte[] buf;
  private final int limit;
  private int pos;

  public BoundedBinaryDecoder(byte[] buf, int offset, int limit) {
    this.buf = buf;
    this.pos = offset;
    this.limit = limit;
  }

  /** Bytes not yet consumed. */
  public int remaining() {
    return limit - pos;
  }

  private void require(long n, String what) throws TruncatedInputException {
    if (n > limit - pos) {
      throw new TruncatedInputException(
          what + " needs " + n + " bytes at offset " + pos + ", only " + (limit - pos) + " remain");
    }
  }

  private int length(String what) throws IOException {
    long n = readLong();
    if (n < 0) {
      throw new MalformedInputException("negative " + what + " length " + n + " at offset " + pos);
    }
    require(n, what);
    return (int) n;
  }

  @Override
  public void readNull() {}

  @Override
  public boolean readBoolean() throws IOException {
    require(1, "boolean");
    int b = buf[pos++];
    if (b == 0) {
      return false;
    }
    if (b == 1) {
      return true;
    }
    throw new MalformedInputException("invalid boolean byte " + b + " at offset " + (pos - 1));
  }

  @Override
  public int readInt() throws IOException {
    int start = pos;
    int value = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      require(1, "int");
      int b = buf[pos++] & 0xff;
      value |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        if (shift == 28 && (b & 0x70) != 0) {
          throw new MalformedInputException("int overflow at offset " + start);
        }
        return (value >>> 1) ^ -(value & 1);
      }
    }
    throw new MalformedInputException("int longer than 5 bytes at offset " + start);
  }

  @Override
  public long readLong() throws IOException {
    int start = pos;
    long value = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      require(1, "long");
      long b = buf[pos++] & 0xff;
      value |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        if (shift == 63 && (b & 0x7e) != 0) {
          throw new MalformedInputException("long overflow at offset " + start);
        }
        return (value >>> 1) ^ -(value & 1);
      }
    }
    throw new MalformedInputException("long longer than 10 bytes at offset " + start);
  }

  @Override
  public float readFloat() throws IOException {
    require(4, "float");
    int bits =
        (buf[pos] & 0xff)
            | (buf[pos + 1] & 0xff) << 8
            | (buf[pos + 2] & 0xff) << 16
            | (buf[pos + 3] & 0xff) << 24;
    pos += 4;
    return Float.intBitsToFloat(bits);
  }

  @Override
  public double readDouble() throws IOException {
    require(8, "double");
    long bits = 0;
    for (int i = 7; i >= 0; i--) {
      bits = (bits << 8) | (buf[pos + i] & 0xff);
    }
    pos += 8;
    return Double.longBitsToDouble(bits);
  }

  @Override
  public Utf8 readString(Utf8 old) throws IOException {
    int n = length("string");
    Utf8 result = old != null ? old : new Utf8();
    result.setByteLength(n);
    System.arraycopy(buf, pos, result.getBytes(), 0, n);
    pos += n;
    return result;
  }

  @Override
  public String readString() throws IOException {
    int n = length("string");
    String s = new String(buf, pos, n, StandardCharsets.UTF_8);
    pos += n;
    return s;
  }

  @Override
  public void skipString() throws IOException {
    pos += length("string");
  }

  @Override
  public ByteBuffer readBytes(ByteBuffer old) throws IOException {
    int n = length("bytes");
    ByteBuffer result;
    if (old != null && old.capacity() >= n) {
      result = old;
      result.clear();
    } else {
      result = ByteBuffer.allocate(n);
    }
    result.put(buf, pos, n);
    result.flip();
    pos += n;
    return result;
  }

  @Override
  public void skipBytes() throws IOException {
    pos += length("bytes");
  }

  @Override
  public void readFixed(byte[] bytes, int start, int length) throws IOException {
    require(length, "fixed");
    System.arraycopy(buf, pos, bytes, start, length);
    pos += length;
  }

  @Override
  public void skipFixed(int length) throws IOException {
    require(length, "fixed");
    pos += length;
  }

  @Override
  public int readEnum() throws IOException {
    return readInt();
  }

  private long blockCount(String what) throws IOException {
    long count = readLong();
    if (count < 0) {
      if (count == Long.MIN_VALUE) {
        throw new MalformedInputException(what + " block count overflow at offset " + pos);
      }
      count = -count;
      long size = readLong();
      if (size < 0) {
        throw new MalformedInputException("negative " + what + " block size at offset " + pos);
      }
    }
    require(count, what + " of " + count + " items");
    return count;
  }

  private long skipBlocks(String what) throws IOException {
    while (true) {
      long count = readLong();
      if (count >= 0) {
        require(count, what + " of " + count + " items");
        return count;
      }
      long size = readLong();
      if (size < 0) {
        throw new MalformedInputException("negative " + what + " block size at offset " + pos);
      }
      require(size, what + " block");
      pos += (int) size;
    }
  }

  @Override
  public long readArrayStart() throws IOException {
    return blockCount("array");
  }

  @Override
  public long arrayNext() throws IOException {
    return blockCount("array");
  }

  @Override
  public long skipArray() throws IOException {
    return skipBlocks("array");
  }

  @Override
  public long readMapStart() throws IOException {
    return blockCount("map");
  }

  @Override
  public long mapNext() throws IOException {
    return blockCount("map");
  }

  @Override
  public long skipMap() throws IOException {
    return skipBlocks("map");
  }

  @Override
  public int readIndex() throws IOException {
    return readInt();
  }
}
