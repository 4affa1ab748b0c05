package dev.lattice.policy.internal.rego.builtins;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Go's {@code %e}, {@code %f} and {@code %g} of a float64 ({@code strconv.FormatFloat}), which
 * OPA's {@code sprintf} uses: digits of the float's exact binary value rounded half to even (Java's
 * {@code Formatter} rounds its shortest decimal half up: {@code %.1f} of 0.35 is 0.4 there, 0.3 in
 * Go), and {@code %g} without trailing zeros ({@code %.3g} of 1.5 is 1.5, not 1.50).
 */
final class GoFloatFormat {
  private GoFloatFormat() {}

  /**
   * {@code verb} is 'e', 'f' or 'g'; {@code prec} below 0 is Go's default (6, or shortest for g).
   */
  static String format(double d, char verb, int prec) {
    if (Double.isNaN(d)) return "NaN";
    if (Double.isInfinite(d)) return d > 0 ? "+Inf" : "-Inf";
    if (verb == 'g' && prec < 0) return Strings.goFloat(d);
    String sign = d < 0 || (d == 0 && 1 / d < 0) ? "-" : "";
    BigDecimal exact = new BigDecimal(Math.abs(d));
    return sign
        + switch (verb) {
          case 'f' -> exact.setScale(prec < 0 ? 6 : prec, RoundingMode.HALF_EVEN).toPlainString();
          case 'e' -> {
            Digits g = Digits.of(exact, (prec < 0 ? 6 : prec) + 1);
            yield exponent(g, (prec < 0 ? 6 : prec));
          }
          default -> general(exact, prec == 0 ? 1 : prec);
        };
  }

  /** Go's %g with a precision: %e below 1e-4 or from 10^prec on, else %f, no trailing zeros. */
  private static String general(BigDecimal exact, int prec) {
    Digits g = Digits.of(exact, prec);
    int eprec = prec;
    if (eprec > g.nd() && g.nd() >= g.dp()) eprec = g.nd();
    int exp = g.dp() - 1;
    if (exp < -4 || exp >= eprec) return exponent(g, Math.min(prec, g.nd()) - 1);
    int decimals = Math.max((prec > g.dp() ? g.nd() : prec) - g.dp(), 0);
    return fixed(g, decimals);
  }

  /** d.ddd…e±XX with {@code decimals} digits after the point. */
  private static String exponent(Digits g, int decimals) {
    StringBuilder out = new StringBuilder().append(g.digit(0));
    if (decimals > 0) {
      out.append('.');
      for (int i = 1; i <= decimals; i++) out.append(g.digit(i));
    }
    int exp = g.isZero() ? 0 : g.dp() - 1;
    out.append('e').append(exp < 0 ? '-' : '+');
    if (Math.abs(exp) < 10) out.append('0');
    return out.append(Math.abs(exp)).toString();
  }

  /** ddd.ddd with {@code decimals} digits after the point. */
  private static String fixed(Digits g, int decimals) {
    StringBuilder out = new StringBuilder();
    if (g.dp() <= 0) out.append('0');
    else for (int i = 0; i < g.dp(); i++) out.append(g.digit(i));
    if (decimals > 0) {
      out.append('.');
      for (int i = 0; i < decimals; i++) out.append(g.digit(g.dp() + i));
    }
    return out.toString();
  }

  /**
   * Significant digits without trailing zeros, and the decimal point's position: 0.0125 is "125"
   * with dp -1 (Go's decimal slice).
   */
  private record Digits(String digits, int dp) {
    static Digits of(BigDecimal exact, int significant) {
      if (exact.signum() == 0) return new Digits("0", 1);
      BigDecimal rounded =
          exact.round(new MathContext(significant, RoundingMode.HALF_EVEN)).stripTrailingZeros();
      String digits = rounded.unscaledValue().toString();
      return new Digits(digits, digits.length() - rounded.scale());
    }

    int nd() {
      return digits.length();
    }

    boolean isZero() {
      return digits.equals("0");
    }

    char digit(int i) {
      return i >= 0 && i < digits.length() ? digits.charAt(i) : '0';
    }
  }
}
