package dev.lattice.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.lattice.schemas.avro.ConsentState;
import dev.lattice.schemas.avro.MemberDataEvent;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.avro.specific.SpecificData;

/**
 * Whatever bytes arrive, decoding either succeeds or raises EventDecodingException — nothing else.
 */
class DecodingRobustnessTest {

  private static final AvroCodec<MemberDataEvent> MEMBER =
      LatticeSerdes.codec(MemberDataEvent.class);
  private static final AvroCodec<ConsentState> CONSENT = LatticeSerdes.codec(ConsentState.class);

  private static byte[] validMemberEvent(long seed) {
    return MEMBER.encode(
        (MemberDataEvent)
            new RandomRecords(SpecificData.getForClass(MemberDataEvent.class), seed)
                .valueOf(MEMBER.schema()));
  }

  private static byte[] validConsentState(long seed) {
    return CONSENT.encode(
        (ConsentState)
            new RandomRecords(SpecificData.getForClass(ConsentState.class), seed)
                .valueOf(CONSENT.schema()));
  }

  private static void assertOnlyTypedFailure(AvroCodec<?> codec, byte[] bytes) {
    Throwable thrown = catchThrowable(() -> codec.decode(bytes));
    if (thrown != null) {
      assertThat(thrown).isInstanceOf(EventDecodingException.class);
    }
  }

  @Property(tries = 300)
  void randomBytesOnlyEverRaiseTheTypedException(@ForAll @Size(max = 200) byte[] bytes) {
    assertOnlyTypedFailure(MEMBER, bytes);
  }

  @Property(tries = 300)
  void aValidHeaderFollowedByRandomBytesOnlyEverRaisesTheTypedException(
      @ForAll @Size(max = 200) byte[] body, @ForAll("seeds") long seed) {
    byte[] header = Arrays.copyOf(validMemberEvent(seed), 10);
    byte[] bytes = Arrays.copyOf(header, 10 + body.length);
    System.arraycopy(body, 0, bytes, 10, body.length);

    assertOnlyTypedFailure(MEMBER, bytes);
  }

  @Property(tries = 300)
  void everyTruncationOfAValidRecordRaisesTheTypedException(
      @ForAll("seeds") long seed, @ForAll @IntRange(min = 0, max = 10_000) int cut) {
    byte[] valid = validConsentState(seed);
    byte[] truncated = Arrays.copyOf(valid, cut % valid.length);

    Throwable thrown = catchThrowable(() -> CONSENT.decode(truncated));

    assertThat(thrown).isInstanceOf(EventDecodingException.class);
  }

  @Property(tries = 300)
  void flippedBytesInAValidRecordOnlyEverRaiseTheTypedException(
      @ForAll("seeds") long seed,
      @ForAll @IntRange(min = 0, max = 10_000) int position,
      @ForAll byte mask) {
    byte[] bytes = validMemberEvent(seed);
    bytes[10 + position % (bytes.length - 10)] ^= mask;

    assertOnlyTypedFailure(MEMBER, bytes);
  }

  @Provide
  Arbitrary<Long> seeds() {
    return Arbitraries.longs().between(0, 1_000);
  }
}
