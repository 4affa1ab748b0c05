package dev.lattice.policy.internal.rego.builtins;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.policy.internal.rego.value.Value;
import java.time.Instant;
import java.time.OffsetDateTime;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The UTC fast path of {@code time.parse_rfc3339_ns} agrees with the general parser. */
class TimeRfc3339FastPathTest {

  @Property(tries = 2000)
  void aUtcTimestampParsesToTheSameNanosecondsAsTheGeneralParser(
      @ForAll @LongRange(min = -9_000_000_000L, max = 9_000_000_000L) long epochSecond,
      @ForAll @IntRange(min = 0, max = 999_999_999) int nano,
      @ForAll @IntRange(min = 0, max = 9) int fractionDigits) {
    Instant t = Instant.ofEpochSecond(epochSecond);
    String whole = t.toString().substring(0, 19);
    String fraction = String.format("%09d", nano).substring(0, fractionDigits);
    String s = whole + (fractionDigits == 0 ? "" : "." + fraction) + "Z";
    Instant expected = OffsetDateTime.parse(s).toInstant();

    Value fast = Time.utcNanos(s);

    assertThat(fast)
        .as(s)
        .isEqualTo(Value.Num.of(expected.getEpochSecond() * 1_000_000_000L + expected.getNano()));
  }

  @Test
  void anythingButThePlainUtcFormIsLeftToTheGeneralParser() {
    for (String s :
        new String[] {
          "2026-11-23T10:00:00+01:00",
          "2026-11-23T10:00:00-00:00",
          "2026-11-23t10:00:00z",
          "2026-02-30T10:00:00Z",
          "2026-13-01T10:00:00Z",
          "2026-11-23T24:00:00Z",
          "2026-11-23T10:60:00Z",
          "2026-11-23T10:00:60Z",
          "2026-11-23T10:00:00.Z",
          "2026-11-23T10:00:00.1234567890Z",
          "2026-11-23 10:00:00Z",
          "26-11-23T10:00:00Z",
          "2026-11-2xT10:00:00Z",
          "1500-01-01T00:00:00Z",
          "2300-01-01T00:00:00Z"
        }) {
      assertThat(Time.utcNanos(s)).as(s).isNull();
    }
    assertThat(Time.utcNanos("2024-02-29T23:59:59.5Z"))
        .isEqualTo(
            Value.Num.of(
                Instant.parse("2024-02-29T23:59:59.5Z").getEpochSecond() * 1_000_000_000L
                    + 500_000_000L));
  }
}
