package dev.lattice.policy.internal.rego.builtins;

import static dev.lattice.policy.internal.rego.builtins.Args.*;
import static dev.lattice.policy.internal.rego.builtins.Builtins.add;

import dev.lattice.policy.internal.rego.value.Value;
import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code semver.is_valid} and {@code semver.compare}: Semantic Versioning 2.0.0, strictly. */
final class Semver {
  private Semver() {}

  // The grammar of semver.org (no leading zeros, dot-separated identifiers); the input is short
  // and the pattern has no nested quantifiers that backtrack badly.
  private static final Pattern SEMVER =
      Pattern.compile(
          "^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
              + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
              + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$");

  record Version(BigInteger major, BigInteger minor, BigInteger patch, String[] pre) {}

  static void register() {
    add(
        "semver.is_valid",
        1,
        (a, c) -> Value.bool(a[0] instanceof Value.Str s && parse(s.value) != null));
    add(
        "semver.compare",
        2,
        (a, c) -> {
          String x = str(a, 0), y = str(a, 1);
          Version vx = parse(x), vy = parse(y);
          if (vx == null)
            throw BuiltinException.error(
                "operand 1: string " + Regex.goQuote(x) + " is not a valid SemVer");
          if (vy == null)
            throw BuiltinException.error(
                "operand 2: string " + Regex.goQuote(y) + " is not a valid SemVer");
          return Value.num(compare(vx, vy));
        });
  }

  static Version parse(String s) {
    if (s.length() > 1024) return null;
    Matcher m = SEMVER.matcher(s);
    if (!m.matches()) return null;
    String[] pre = m.group(4) == null ? new String[0] : m.group(4).split("\\.");
    return new Version(
        new BigInteger(m.group(1)), new BigInteger(m.group(2)), new BigInteger(m.group(3)), pre);
  }

  static int compare(Version a, Version b) {
    int c = a.major().compareTo(b.major());
    if (c == 0) c = a.minor().compareTo(b.minor());
    if (c == 0) c = a.patch().compareTo(b.patch());
    if (c != 0) return Integer.signum(c);
    // a version without pre-release identifiers ranks above one with them
    if (a.pre().length == 0 || b.pre().length == 0)
      return Integer.signum(b.pre().length - a.pre().length);
    for (int i = 0; i < Math.min(a.pre().length, b.pre().length); i++) {
      String x = a.pre()[i], y = b.pre()[i];
      boolean nx = x.chars().allMatch(Character::isDigit),
          ny = y.chars().allMatch(Character::isDigit);
      int r;
      if (nx && ny) r = new BigInteger(x).compareTo(new BigInteger(y));
      else if (nx) r = -1;
      else if (ny) r = 1;
      else r = x.compareTo(y);
      if (r != 0) return Integer.signum(r);
    }
    return Integer.signum(a.pre().length - b.pre().length);
  }
}
