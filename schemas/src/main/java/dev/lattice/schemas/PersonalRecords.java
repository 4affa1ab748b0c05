package dev.lattice.schemas;

import dev.lattice.schemas.EventDecodingException.Reason;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes and decodes the personal part of an event ({@code MemberPersonal}, {@code
 * ContentPersonal}, {@code PurchasePersonal}) on its own, for crypto-shredding: the gateway seals
 * these bytes with the member's key into {@code SealedPersonal.ciphertext}, the topology opens them
 * and decodes. Encryption itself is not done here.
 *
 * <p>The bytes are Avro single-object encoded, so a record sealed with an older version of the
 * personal schema still decodes after the schema evolved. Thread-safe.
 */
public final class PersonalRecords {

  private PersonalRecords() {}

  /** Encodes a personal record alone (single-object encoding of its current schema). */
  @SuppressWarnings("unchecked")
  public static <T extends SpecificRecord> byte[] encode(T personal) {
    return LatticeSerdes.codec((Class<T>) personal.getClass()).encode(personal);
  }

  /**
   * Decodes personal bytes produced by {@link #encode}.
   *
   * @throws EventDecodingException when the bytes are not a published version of {@code type}
   */
  public static <T extends SpecificRecord> T decode(byte[] bytes, Class<T> type) {
    if (!isPersonal(type)) {
      throw new EventDecodingException(
          Reason.WRONG_TYPE, null, type.getSimpleName() + " is not a personal-data record");
    }
    return LatticeSerdes.codec(type).decode(bytes);
  }

  /** Whether the type is a personal-data record (schema property {@code lattice.personal}). */
  public static boolean isPersonal(Class<? extends SpecificRecord> type) {
    return Boolean.TRUE.equals(
        SchemaCatalog.standard().schema(type).currentSchema().getObjectProp("lattice.personal"));
  }
}
