package dev.lattice.streams.internal.enforce;

import dev.lattice.schemas.avro.ContentEvent;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.PurchaseEvent;
import dev.lattice.streams.internal.codec.AvroCodec;
import dev.lattice.streams.internal.codec.Inbound;
import dev.lattice.streams.internal.codec.UndecodableRecordException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Finds the member an event belongs to, so that an event whose Kafka key is not its member id (or
 * has none) can be repartitioned by member before it reaches the member processor. Records that
 * cannot be decoded keep their key: the member processor quarantines them. Consent commands are
 * never re-keyed: one not keyed by its member is rejected by the ledger ({@code
 * consent.member_mismatch}), because a re-keyed withdrawal could be overtaken by later events.
 */
public final class ByMember {
  private static final AvroCodec<MemberDataEvent> MEMBER_DATA = AvroCodec.of(MemberDataEvent.class);
  private static final AvroCodec<ContentEvent> CONTENT = AvroCodec.of(ContentEvent.class);
  private static final AvroCodec<PurchaseEvent> PURCHASES = AvroCodec.of(PurchaseEvent.class);

  private ByMember() {}

  /**
   * The member id the record should be keyed by, or null when it cannot be told (or is the key).
   */
  public static byte[] rekey(Inbound in) {
    String member;
    try {
      member =
          switch (in.kind()) {
            case MEMBER_DATA -> MEMBER_DATA.decode(in.value()).getHeader().getSubjectMember();
            case CONTENT -> CONTENT.decode(in.value()).getHeader().getSubjectMember();
            case PURCHASE -> PURCHASES.decode(in.value()).getHeader().getSubjectMember();
            default -> null;
          };
    } catch (UndecodableRecordException e) {
      return null;
    }
    if (member == null || member.isBlank()) {
      return null;
    }
    byte[] wanted = member.getBytes(StandardCharsets.UTF_8);
    return Arrays.equals(wanted, in.key()) ? null : wanted;
  }
}
