package dev.lattice.policy.internal.rego.builtins;

import dev.lattice.policy.internal.rego.value.Value;
import java.math.BigDecimal;

/** Operand checks that raise OPA-style type errors. */
final class Args {
  private Args() {}

  static BuiltinException typeErr(int i, String want, Value got) {
    return BuiltinException.type(
        "operand " + (i + 1) + " must be " + want + " but got " + got.typeName());
  }

  static String str(Value[] a, int i) {
    if (a[i] instanceof Value.Str s) return s.value;
    throw typeErr(i, "string", a[i]);
  }

  static Value.Num num(Value[] a, int i) {
    if (a[i] instanceof Value.Num n) return n;
    throw typeErr(i, "number", a[i]);
  }

  static long integer(Value[] a, int i) {
    Value.Num n = num(a, i);
    if (n.isSmall()) return n.small;
    if (!n.isInteger())
      throw BuiltinException.type(
          "operand " + (i + 1) + " must be integer number but got floating-point number");
    try {
      return n.big.longValueExact();
    } catch (ArithmeticException e) {
      throw BuiltinException.error("operand " + (i + 1) + " out of range");
    }
  }

  static int intArg(Value[] a, int i) {
    long l = integer(a, i);
    if (l > Integer.MAX_VALUE) return Integer.MAX_VALUE;
    if (l < Integer.MIN_VALUE) return Integer.MIN_VALUE;
    return (int) l;
  }

  static BigDecimal big(Value[] a, int i) {
    return num(a, i).toBig();
  }

  static boolean bool(Value[] a, int i) {
    if (a[i] instanceof Value.Bool b) return b.value;
    throw typeErr(i, "boolean", a[i]);
  }

  static Value.Obj obj(Value[] a, int i) {
    if (a[i] instanceof Value.Obj o) return o;
    throw typeErr(i, "object", a[i]);
  }

  static Value.Arr arr(Value[] a, int i) {
    if (a[i] instanceof Value.Arr x) return x;
    throw typeErr(i, "array", a[i]);
  }

  static Value.SetV set(Value[] a, int i) {
    if (a[i] instanceof Value.SetV x) return x;
    throw typeErr(i, "set", a[i]);
  }

  /** Elements of an array or set. */
  static java.util.List<Value> collection(Value[] a, int i, String want) {
    if (a[i] instanceof Value.Arr x) return x.list();
    if (a[i] instanceof Value.SetV s) return s.sortedList();
    throw typeErr(i, want, a[i]);
  }
}
