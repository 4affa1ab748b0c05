package dev.lattice.policy.internal.rego.builtins;

import static dev.lattice.policy.internal.rego.builtins.Args.*;
import static dev.lattice.policy.internal.rego.builtins.Builtins.add;

import dev.lattice.policy.internal.rego.value.Value;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.function.BinaryOperator;

/**
 * {@code bits.*} on arbitrary-precision integers, as OPA (Go's {@code big.Int}), and {@code
 * rand.intn}.
 */
final class Numbers {
  private Numbers() {}

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int MAX_SHIFT = 1 << 16;

  static void register() {
    arity2("bits.or", BigInteger::or);
    arity2("bits.and", BigInteger::and);
    arity2("bits.xor", BigInteger::xor);
    add("bits.negate", 1, (a, c) -> Value.Num.of(bigInt(a, 0).not()));
    add("bits.lsh", 2, (a, c) -> Value.Num.of(bigInt(a, 0).shiftLeft(shift(a, 1))));
    add("bits.rsh", 2, (a, c) -> Value.Num.of(bigInt(a, 0).shiftRight(shift(a, 1))));
    add(
        "rand.intn",
        2,
        (a, c) -> {
          String key = str(a, 0);
          long n = integer(a, 1);
          if (n == 0) return Value.num(0);
          long bound = Math.abs(n);
          String memoKey = "rand.intn\u0000" + key + "\u0000" + n;
          return c.memo().computeIfAbsent(memoKey, k -> Value.num(RANDOM.nextLong(bound)));
        });
  }

  private static void arity2(String name, BinaryOperator<BigInteger> op) {
    add(name, 2, (a, c) -> Value.Num.of(op.apply(bigInt(a, 0), bigInt(a, 1))));
  }

  static BigInteger bigInt(Value[] a, int i) {
    Value.Num n = num(a, i);
    if (!n.isInteger())
      throw BuiltinException.type(
          "operand " + (i + 1) + " must be integer number but got floating-point number");
    return n.toBig().toBigIntegerExact();
  }

  private static int shift(Value[] a, int i) {
    BigInteger s = bigInt(a, i);
    if (s.signum() < 0)
      throw BuiltinException.type(
          "operand " + (i + 1) + " must be an unsigned integer number but got a negative integer");
    if (s.compareTo(BigInteger.valueOf(MAX_SHIFT)) > 0)
      throw BuiltinException.error("operand " + (i + 1) + " out of range");
    return s.intValue();
  }
}
