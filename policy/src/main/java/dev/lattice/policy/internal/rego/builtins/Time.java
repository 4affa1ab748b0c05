package dev.lattice.policy.internal.rego.builtins;

import static dev.lattice.policy.internal.rego.builtins.Args.*;
import static dev.lattice.policy.internal.rego.builtins.Builtins.add;

import dev.lattice.policy.internal.rego.value.Value;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.TextStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Time built-ins: nanoseconds since the epoch as numbers, Go layouts for parse/format. */
final class Time {
  private Time() {}

  private static final BigInteger MIN_NS = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger MAX_NS = BigInteger.valueOf(Long.MAX_VALUE);
  private static final BigInteger BILLION = BigInteger.valueOf(1_000_000_000L);

  private static final Map<String, String> NAMED_LAYOUTS =
      Map.ofEntries(
          Map.entry("ANSIC", "Mon Jan _2 15:04:05 2006"),
          Map.entry("UnixDate", "Mon Jan _2 15:04:05 MST 2006"),
          Map.entry("RubyDate", "Mon Jan 02 15:04:05 -0700 2006"),
          Map.entry("RFC822", "02 Jan 06 15:04 MST"),
          Map.entry("RFC822Z", "02 Jan 06 15:04 -0700"),
          Map.entry("RFC850", "Monday, 02-Jan-06 15:04:05 MST"),
          Map.entry("RFC1123", "Mon, 02 Jan 2006 15:04:05 MST"),
          Map.entry("RFC1123Z", "Mon, 02 Jan 2006 15:04:05 -0700"),
          Map.entry("RFC3339", "2006-01-02T15:04:05Z07:00"),
          Map.entry("RFC3339Nano", "2006-01-02T15:04:05.999999999Z07:00"),
          Map.entry("Kitchen", "3:04PM"),
          Map.entry("Stamp", "Jan _2 15:04:05"),
          Map.entry("StampMilli", "Jan _2 15:04:05.000"),
          Map.entry("StampMicro", "Jan _2 15:04:05.000000"),
          Map.entry("StampNano", "Jan _2 15:04:05.000000000"),
          Map.entry("DateTime", "2006-01-02 15:04:05"),
          Map.entry("DateOnly", "2006-01-02"),
          Map.entry("TimeOnly", "15:04:05"));

  /** RFC 3339 as Go's time.Parse reads it: 'T', seconds, any fraction, 'Z' or ±hh:mm. */
  private static final java.util.regex.Pattern GO_RFC3339 =
      java.util.regex.Pattern.compile(
          "([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})");

  static void register() {
    add("time.now_ns", 0, (a, c) -> Value.num(c.nowNanos()));
    add(
        "time.parse_rfc3339_ns",
        1,
        (a, c) -> {
          String s = str(a, 0);
          Value utc = utcNanos(s);
          if (utc != null) return utc;
          java.util.regex.Matcher rfc3339 = GO_RFC3339.matcher(s);
          try {
            // Java's ISO parser also takes 't'/'z', no seconds and long years: Go does not
            if (!rfc3339.matches()) throw new DateTimeParseException("not RFC 3339", s, 0);
            // Go reads nanoseconds and drops further digits; Java refuses more than nine
            String fraction = rfc3339.group(2);
            String text =
                fraction == null || fraction.length() <= 10
                    ? s
                    : rfc3339.group(1) + fraction.substring(0, 10) + rfc3339.group(3);
            OffsetDateTime t =
                OffsetDateTime.parse(
                    text.replace("-00:00", "+00:00"), DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            return nanos(t.toInstant());
          } catch (DateTimeParseException e) {
            throw BuiltinException.error(
                "parsing time \"" + s + "\" as \"2006-01-02T15:04:05Z07:00\": cannot parse");
          }
        });
    add(
        "time.parse_ns",
        2,
        (a, c) -> {
          String layout = str(a, 0), value = str(a, 1);
          return nanos(parseGo(layout, value));
        });
    add("time.parse_duration_ns", 1, (a, c) -> Value.Num.of(duration(str(a, 0))));
    add(
        "time.date",
        1,
        (a, c) -> {
          ZonedDateTime t = zoned(a, 0);
          return arr(
              Value.num(t.getYear()), Value.num(t.getMonthValue()), Value.num(t.getDayOfMonth()));
        });
    add(
        "time.clock",
        1,
        (a, c) -> {
          ZonedDateTime t = zoned(a, 0);
          return arr(Value.num(t.getHour()), Value.num(t.getMinute()), Value.num(t.getSecond()));
        });
    add(
        "time.weekday",
        1,
        (a, c) ->
            Value.str(zoned(a, 0).getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH)));
    add(
        "time.add_date",
        4,
        (a, c) -> {
          ZonedDateTime t = toZoned(nsArg(a, 0), ZoneOffset.UTC);
          long y = integer(a, 1), m = integer(a, 2), d = integer(a, 3);
          ZonedDateTime r = t.plusYears(y).plusMonths(0);
          // Go's AddDate normalises month overflow (Jan 31 + 1 month = Mar 3), unlike java.time
          LocalDate base = LocalDate.of(t.getYear(), 1, 1);
          LocalDate date =
              base.plusYears(y)
                  .plusMonths(t.getMonthValue() - 1 + m)
                  .plusDays(t.getDayOfMonth() - 1 + d);
          r = ZonedDateTime.of(date, t.toLocalTime(), ZoneOffset.UTC);
          return nanos(r.toInstant());
        });
    add(
        "time.diff",
        2,
        (a, c) -> {
          ZonedDateTime t1 = zoned(a, 0), t2 = zoned(a, 1);
          if (t1.isAfter(t2)) {
            ZonedDateTime x = t1;
            t1 = t2;
            t2 = x;
          }
          t2 = t2.withZoneSameInstant(t1.getZone());
          int y = t2.getYear() - t1.getYear();
          int mo = t2.getMonthValue() - t1.getMonthValue();
          int d = t2.getDayOfMonth() - t1.getDayOfMonth();
          int h = t2.getHour() - t1.getHour();
          int mi = t2.getMinute() - t1.getMinute();
          int s = t2.getSecond() - t1.getSecond();
          if (s < 0) {
            s += 60;
            mi--;
          }
          if (mi < 0) {
            mi += 60;
            h--;
          }
          if (h < 0) {
            h += 24;
            d--;
          }
          if (d < 0) {
            // days in the month before t2's month (Go: daysIn(t2.Month()-1, t2.Year()))
            d += LocalDate.of(t1.getYear(), t1.getMonthValue(), 1).lengthOfMonth();
            mo--;
          }
          if (mo < 0) {
            mo += 12;
            y--;
          }
          return new Value.Arr(
              new Value[] {
                Value.num(y), Value.num(mo), Value.num(d), Value.num(h), Value.num(mi), Value.num(s)
              });
        });
    add(
        "time.format",
        1,
        (a, c) -> {
          ZoneId zone = ZoneOffset.UTC;
          String layout = "2006-01-02T15:04:05.999999999Z07:00";
          long ns;
          if (a[0] instanceof Value.Arr arr) {
            if (arr.size() < 1 || arr.size() > 3)
              throw BuiltinException.type("operand 1 must be array of size 1, 2 or 3");
            ns = nsOf(arr.get(0), 0);
            if (arr.size() > 1) zone = zone(((Value.Str) arr.get(1)).value);
            if (arr.size() > 2) {
              layout = ((Value.Str) arr.get(2)).value;
              layout = NAMED_LAYOUTS.getOrDefault(layout, layout);
            }
          } else {
            ns = nsArg(a, 0);
          }
          return Value.str(formatGo(layout, toZoned(ns, zone)));
        });
  }

  private static Value arr(Value... vs) {
    return new Value.Arr(vs);
  }

  /**
   * The common case of {@code time.parse_rfc3339_ns} without a date-time parser: {@code
   * YYYY-MM-DDTHH:MM:SS[.fraction]Z} (UTC, 1-9 fraction digits, within the range of int64
   * nanoseconds). Null for anything else, which the general parser then reads (or refuses) as
   * before. Policies parse grant and expiry dates in every decision; this keeps that cheap.
   */
  static Value utcNanos(String s) {
    int n = s.length();
    if (n < 20 || n > 30 || s.charAt(n - 1) != 'Z') return null;
    if (s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T') return null;
    if (s.charAt(13) != ':' || s.charAt(16) != ':') return null;
    int year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
    int hour = digits(s, 11, 2), minute = digits(s, 14, 2), second = digits(s, 17, 2);
    if ((year | month | day | hour | minute | second) < 0) return null;
    if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
    if (day > java.time.YearMonth.of(year, month).lengthOfMonth()) return null;
    long nano = 0;
    if (n > 20) {
      int digitsEnd = n - 1;
      if (s.charAt(19) != '.' || digitsEnd - 20 < 1 || digitsEnd - 20 > 9) return null;
      int fraction = digits(s, 20, digitsEnd - 20);
      if (fraction < 0) return null;
      nano = fraction;
      for (int i = digitsEnd - 20; i < 9; i++) nano *= 10;
    } else if (s.charAt(19) != 'Z') {
      return null;
    }
    long days = LocalDate.of(year, month, day).toEpochDay();
    long seconds = days * 86_400 + hour * 3_600L + minute * 60L + second;
    // int64 nanoseconds span 1677-09-21 to 2262-04-11: outside that, the general path decides.
    if (seconds <= -9_223_372_036L || seconds >= 9_223_372_035L) return null;
    return Value.Num.of(seconds * 1_000_000_000L + nano);
  }

  /** The number of {@code count} ASCII digits at {@code from}, or -1 when one is not a digit. */
  private static int digits(String s, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      char ch = s.charAt(i);
      if (ch < '0' || ch > '9') return -1;
      v = v * 10 + (ch - '0');
    }
    return v;
  }

  private static Value nanos(Instant i) {
    BigInteger ns =
        BigInteger.valueOf(i.getEpochSecond())
            .multiply(BILLION)
            .add(BigInteger.valueOf(i.getNano()));
    if (ns.compareTo(MIN_NS) < 0 || ns.compareTo(MAX_NS) > 0)
      throw BuiltinException.error("time outside of valid range");
    return Value.Num.of(ns);
  }

  private static long nsOf(Value v, int i) {
    if (!(v instanceof Value.Num n)) throw Args.typeErr(i, "number", v);
    BigDecimal d = n.toBig().setScale(0, RoundingMode.DOWN);
    BigInteger bi = d.toBigInteger();
    if (bi.compareTo(MIN_NS) < 0 || bi.compareTo(MAX_NS) > 0)
      throw BuiltinException.error("timestamp too big");
    return bi.longValue();
  }

  private static long nsArg(Value[] a, int i) {
    return nsOf(a[i], i);
  }

  private static ZonedDateTime toZoned(long ns, ZoneId zone) {
    Instant i =
        Instant.ofEpochSecond(Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L));
    return ZonedDateTime.ofInstant(i, zone);
  }

  private static ZoneId zone(String tz) {
    if (tz.isEmpty() || tz.equals("UTC")) return ZoneOffset.UTC;
    if (tz.equals("Local")) return ZoneId.systemDefault();
    try {
      return ZoneId.of(tz);
    } catch (DateTimeException e) {
      throw BuiltinException.error("unknown time zone " + tz);
    }
  }

  private static ZonedDateTime zoned(Value[] a, int i) {
    if (a[i] instanceof Value.Arr arr) {
      if (arr.size() != 2)
        throw BuiltinException.type("operand " + (i + 1) + " must be array of size 2");
      long ns = nsOf(arr.get(0), i);
      if (!(arr.get(1) instanceof Value.Str tz))
        throw BuiltinException.type("operand " + (i + 1) + " timezone must be a string");
      return toZoned(ns, zone(tz.value));
    }
    return toZoned(nsArg(a, i), ZoneOffset.UTC);
  }

  private static final Pattern DURATION =
      Pattern.compile("([0-9]*\\.?[0-9]+)(ns|us|µs|μs|ms|s|m|h)");

  private static BigInteger duration(String s) {
    String t = s;
    boolean neg = false;
    if (t.startsWith("-") || t.startsWith("+")) {
      neg = t.startsWith("-");
      t = t.substring(1);
    }
    if (t.equals("0")) return BigInteger.ZERO;
    Matcher m = DURATION.matcher(t);
    int pos = 0;
    BigDecimal total = BigDecimal.ZERO;
    while (pos < t.length()) {
      if (!m.find(pos) || m.start() != pos)
        throw BuiltinException.error("time: invalid duration \"" + s + "\"");
      BigDecimal n = new BigDecimal(m.group(1));
      long unit =
          switch (m.group(2)) {
            case "ns" -> 1L;
            case "us", "µs", "μs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
          };
      total = total.add(n.multiply(BigDecimal.valueOf(unit)));
      pos = m.end();
    }
    if (pos == 0) throw BuiltinException.error("time: invalid duration \"" + s + "\"");
    BigInteger r = total.setScale(0, RoundingMode.DOWN).toBigInteger();
    return neg ? r.negate() : r;
  }

  // ---------------------------------------------------------------- Go layouts

  private static final String[] TOKENS = {
    "January",
    "Jan",
    "Monday",
    "Mon",
    "MST",
    "2006",
    "-070000",
    "-07:00:00",
    "-0700",
    "-07:00",
    "-07",
    "Z070000",
    "Z07:00:00",
    "Z0700",
    "Z07:00",
    "Z07",
    "01",
    "02",
    "_2",
    "002",
    "03",
    "04",
    "05",
    "06",
    "15",
    "PM",
    "pm",
    ".000000000",
    ".000000",
    ".000",
    ".999999999",
    ".999999",
    ".999",
    ",000",
    "1",
    "2",
    "3",
    "4",
    "5"
  };

  private static String nextToken(String layout, int i) {
    for (String t : TOKENS) {
      if (layout.startsWith(t, i)) {
        // Go only treats "Jan"/"Mon" etc as tokens; digits inside other words are literal enough
        // here
        return t;
      }
    }
    return null;
  }

  static String formatGo(String layout, ZonedDateTime t) {
    StringBuilder b = new StringBuilder();
    int i = 0;
    while (i < layout.length()) {
      String tok = nextToken(layout, i);
      if (tok == null) {
        b.append(layout.charAt(i++));
        continue;
      }
      i += tok.length();
      int off = t.getOffset().getTotalSeconds();
      switch (tok) {
        case "January" -> b.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
        case "Jan" -> b.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
        case "Monday" -> b.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
        case "Mon" -> b.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
        case "MST" -> b.append(zoneAbbrev(t));
        case "2006" -> b.append(String.format("%04d", t.getYear()));
        case "06" -> b.append(String.format("%02d", t.getYear() % 100));
        case "01" -> b.append(String.format("%02d", t.getMonthValue()));
        case "1" -> b.append(t.getMonthValue());
        case "02" -> b.append(String.format("%02d", t.getDayOfMonth()));
        case "_2" -> b.append(String.format("%2d", t.getDayOfMonth()));
        case "2" -> b.append(t.getDayOfMonth());
        case "002" -> b.append(String.format("%03d", t.getDayOfYear()));
        case "15" -> b.append(String.format("%02d", t.getHour()));
        case "03" -> b.append(String.format("%02d", t.getHour() % 12 == 0 ? 12 : t.getHour() % 12));
        case "3" -> b.append(t.getHour() % 12 == 0 ? 12 : t.getHour() % 12);
        case "04" -> b.append(String.format("%02d", t.getMinute()));
        case "4" -> b.append(t.getMinute());
        case "05" -> b.append(String.format("%02d", t.getSecond()));
        case "5" -> b.append(t.getSecond());
        case "PM" -> b.append(t.getHour() >= 12 ? "PM" : "AM");
        case "pm" -> b.append(t.getHour() >= 12 ? "pm" : "am");
        case ".000", ".000000", ".000000000", ",000" -> {
          int digits = tok.length() - 1;
          String ns = String.format("%09d", t.getNano());
          b.append(tok.charAt(0)).append(ns, 0, digits);
        }
        case ".999", ".999999", ".999999999" -> {
          int digits = tok.length() - 1;
          String ns = String.format("%09d", t.getNano()).substring(0, digits);
          ns = ns.replaceAll("0+$", "");
          if (!ns.isEmpty()) b.append('.').append(ns);
        }
        default -> {
          // zone offsets
          boolean z = tok.startsWith("Z");
          if (z && off == 0) {
            b.append('Z');
          } else {
            String sign = off < 0 ? "-" : "+";
            int abs = Math.abs(off);
            String hh = String.format("%02d", abs / 3600),
                mm = String.format("%02d", (abs % 3600) / 60),
                ss = String.format("%02d", abs % 60);
            String body = tok.substring(1);
            switch (body) {
              case "070000" -> b.append(sign).append(hh).append(mm).append(ss);
              case "07:00:00" ->
                  b.append(sign).append(hh).append(':').append(mm).append(':').append(ss);
              case "0700" -> b.append(sign).append(hh).append(mm);
              case "07:00" -> b.append(sign).append(hh).append(':').append(mm);
              default -> b.append(sign).append(hh);
            }
          }
        }
      }
    }
    return b.toString();
  }

  private static String zoneAbbrev(ZonedDateTime t) {
    if (t.getZone().equals(ZoneOffset.UTC)) return "UTC";
    String s = t.getZone().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
    java.time.format.DateTimeFormatter f = DateTimeFormatter.ofPattern("zzz", Locale.ENGLISH);
    String abbr = f.format(t);
    return abbr.isEmpty() ? s : abbr;
  }

  static Instant parseGo(String layout, String value) {
    String l = NAMED_LAYOUTS.getOrDefault(layout, layout);
    DateTimeFormatterBuilder fb = new DateTimeFormatterBuilder().parseCaseInsensitive();
    int i = 0;
    boolean hasZone = false;
    boolean hasDate = false;
    boolean hasTime = false;
    while (i < l.length()) {
      String tok = nextToken(l, i);
      if (tok == null) {
        fb.appendLiteral(l.charAt(i++));
        continue;
      }
      i += tok.length();
      switch (tok) {
        case "January" -> fb.appendText(ChronoField.MONTH_OF_YEAR, TextStyle.FULL);
        case "Jan" -> fb.appendText(ChronoField.MONTH_OF_YEAR, TextStyle.SHORT);
        case "Monday" -> fb.appendText(ChronoField.DAY_OF_WEEK, TextStyle.FULL);
        case "Mon" -> fb.appendText(ChronoField.DAY_OF_WEEK, TextStyle.SHORT);
        case "MST" -> {
          fb.appendZoneText(TextStyle.SHORT);
          hasZone = true;
        }
        case "2006" -> {
          fb.appendValue(ChronoField.YEAR, 4);
          hasDate = true;
        }
        case "06" -> {
          fb.appendValueReduced(ChronoField.YEAR, 2, 2, 1969);
          hasDate = true;
        }
        case "01" -> fb.appendValue(ChronoField.MONTH_OF_YEAR, 2);
        case "1" ->
            fb.appendValue(
                ChronoField.MONTH_OF_YEAR, 1, 2, java.time.format.SignStyle.NOT_NEGATIVE);
        case "02" -> fb.appendValue(ChronoField.DAY_OF_MONTH, 2);
        case "_2" ->
            fb.padNext(2)
                .appendValue(
                    ChronoField.DAY_OF_MONTH, 1, 2, java.time.format.SignStyle.NOT_NEGATIVE);
        case "2" ->
            fb.appendValue(ChronoField.DAY_OF_MONTH, 1, 2, java.time.format.SignStyle.NOT_NEGATIVE);
        case "002" -> fb.appendValue(ChronoField.DAY_OF_YEAR, 3);
        case "15" -> {
          fb.appendValue(ChronoField.HOUR_OF_DAY, 2);
          hasTime = true;
        }
        case "03" -> {
          fb.appendValue(ChronoField.CLOCK_HOUR_OF_AMPM, 2);
          hasTime = true;
        }
        case "3" -> {
          fb.appendValue(
              ChronoField.CLOCK_HOUR_OF_AMPM, 1, 2, java.time.format.SignStyle.NOT_NEGATIVE);
          hasTime = true;
        }
        case "04" -> fb.appendValue(ChronoField.MINUTE_OF_HOUR, 2);
        case "4" ->
            fb.appendValue(
                ChronoField.MINUTE_OF_HOUR, 1, 2, java.time.format.SignStyle.NOT_NEGATIVE);
        case "05", "5" -> {
          if (tok.length() == 2) fb.appendValue(ChronoField.SECOND_OF_MINUTE, 2);
          else
            fb.appendValue(
                ChronoField.SECOND_OF_MINUTE, 1, 2, java.time.format.SignStyle.NOT_NEGATIVE);
          // Go: "When parsing (only), the input may contain a fractional second field immediately
          // after the seconds field, even if the layout does not signify its presence"
          // (2017-06-02T19:00:00.5-07:00 against RFC3339)
          String after = nextToken(l, i);
          if (after == null || !after.matches("[.,][09]+"))
            fb.optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd();
        }
        case "PM", "pm" -> fb.appendText(ChronoField.AMPM_OF_DAY, Map.of(0L, "AM", 1L, "PM"));
        case ".000", ".000000", ".000000000", ".999", ".999999", ".999999999", ",000" ->
            fb.optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd();
        default -> {
          hasZone = true;
          boolean z = tok.startsWith("Z");
          String body = tok.substring(1);
          String pattern =
              switch (body) {
                case "070000" -> "+HHMMss";
                case "07:00:00" -> "+HH:MM:ss";
                case "0700" -> "+HHMM";
                case "07:00" -> "+HH:MM";
                default -> "+HH";
              };
          fb.appendOffset(pattern, z ? "Z" : "+00:00");
        }
      }
    }
    DateTimeFormatter f = fb.toFormatter(Locale.ENGLISH);
    try {
      var parsed = f.parse(value.replace("-00:00", "+00:00"));
      LocalDate date =
          parsed.isSupported(ChronoField.YEAR) || parsed.isSupported(ChronoField.EPOCH_DAY)
              ? LocalDate.of(
                  parsed.isSupported(ChronoField.YEAR) ? parsed.get(ChronoField.YEAR) : 0,
                  parsed.isSupported(ChronoField.MONTH_OF_YEAR)
                      ? parsed.get(ChronoField.MONTH_OF_YEAR)
                      : 1,
                  parsed.isSupported(ChronoField.DAY_OF_MONTH)
                      ? parsed.get(ChronoField.DAY_OF_MONTH)
                      : 1)
              : LocalDate.of(0, 1, 1);
      LocalTime time = parsed.query(java.time.temporal.TemporalQueries.localTime());
      if (time == null) time = LocalTime.MIDNIGHT;
      ZoneId zone = parsed.query(java.time.temporal.TemporalQueries.zone());
      if (zone == null) zone = ZoneOffset.UTC;
      return ZonedDateTime.of(LocalDateTime.of(date, time), zone).toInstant();
    } catch (DateTimeException e) {
      throw BuiltinException.error(
          "parsing time \"" + value + "\" as \"" + layout + "\": cannot parse");
    }
  }
}
