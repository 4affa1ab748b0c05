package dev.lattice.policy.internal.rego.builtins;

import static dev.lattice.policy.internal.rego.builtins.Args.*;
import static dev.lattice.policy.internal.rego.builtins.Builtins.add;
import static dev.lattice.policy.internal.rego.builtins.Builtins.addMulti;

import dev.lattice.policy.internal.rego.value.Json;
import dev.lattice.policy.internal.rego.value.Value;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Comparison, arithmetic, aggregates, types, walk and print. */
final class Core {
  private Core() {}

  static final MathContext MC = new MathContext(34, RoundingMode.HALF_EVEN);

  static void register() {
    add("equal", 2, (a, c) -> Value.bool(a[0].equals(a[1])));
    add("neq", 2, (a, c) -> Value.bool(!a[0].equals(a[1])));
    add("lt", 2, (a, c) -> Value.bool(a[0].compareTo(a[1]) < 0));
    add("lte", 2, (a, c) -> Value.bool(a[0].compareTo(a[1]) <= 0));
    add("gt", 2, (a, c) -> Value.bool(a[0].compareTo(a[1]) > 0));
    add("gte", 2, (a, c) -> Value.bool(a[0].compareTo(a[1]) >= 0));
    add("internal.member_2", 2, (a, c) -> Value.bool(member(a[0], a[1])));
    add(
        "internal.member_3",
        3,
        (a, c) -> {
          Value v = lookup(a[2], a[0]);
          return Value.bool(v != null && v.equals(a[1]));
        });

    add("plus", 2, (a, c) -> plus(num(a, 0), num(a, 1)));
    add(
        "minus",
        2,
        (a, c) -> {
          if (a[0] instanceof Value.SetV x && a[1] instanceof Value.SetV y) {
            Value.SetV.Builder out = Value.SetV.builder(x.size());
            for (int i = 0; i < x.size(); i++) if (!y.contains(x.get(i))) out.add(x.get(i));
            return out.build();
          }
          if (a[0] instanceof Value.SetV) throw typeErr(1, "set", a[1]);
          if (a[0] instanceof Value.Num && !(a[1] instanceof Value.Num))
            throw typeErr(1, "number", a[1]);
          if (!(a[0] instanceof Value.Num)) throw typeErr(0, "number or set", a[0]);
          Value.Num x = (Value.Num) a[0];
          Value.Num y = (Value.Num) a[1];
          if (x.isSmall() && y.isSmall()) {
            long r = x.small - y.small;
            if (((x.small ^ y.small) & (x.small ^ r)) >= 0) return Value.num(r);
          }
          return Value.Num.of(x.toBig().subtract(y.toBig()));
        });
    add(
        "mul",
        2,
        (a, c) -> {
          Value.Num x = num(a, 0), y = num(a, 1);
          if (x.isSmall() && y.isSmall()) {
            long hi = Math.multiplyHigh(x.small, y.small);
            long lo = x.small * y.small;
            if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) return Value.num(lo);
          }
          return Value.Num.of(x.toBig().multiply(y.toBig()));
        });
    add(
        "div",
        2,
        (a, c) -> {
          Value.Num x = num(a, 0), y = num(a, 1);
          if (y.toBig().signum() == 0) throw BuiltinException.error("divide by zero");
          if (x.isSmall() && y.isSmall() && x.small % y.small == 0)
            return Value.num(x.small / y.small);
          return Value.Num.of(x.toBig().divide(y.toBig(), MC));
        });
    add(
        "rem",
        2,
        (a, c) -> {
          Value.Num x = num(a, 0), y = num(a, 1);
          if (!x.isInteger() || !y.isInteger())
            throw BuiltinException.error("modulo on floating-point number");
          if (y.toBig().signum() == 0) throw BuiltinException.error("modulo by zero");
          if (x.isSmall() && y.isSmall()) return Value.num(x.small % y.small);
          return Value.Num.of(x.toBig().toBigInteger().remainder(y.toBig().toBigInteger()));
        });
    add("abs", 1, (a, c) -> Value.Num.of(big(a, 0).abs()));
    add("round", 1, (a, c) -> Value.Num.of(big(a, 0).setScale(0, RoundingMode.HALF_UP)));
    add("ceil", 1, (a, c) -> Value.Num.of(big(a, 0).setScale(0, RoundingMode.CEILING)));
    add("floor", 1, (a, c) -> Value.Num.of(big(a, 0).setScale(0, RoundingMode.FLOOR)));
    add("numbers.range", 2, (a, c) -> range(a, 1, c));
    add(
        "numbers.range_step",
        3,
        (a, c) -> {
          Value.Num n = num(a, 2);
          if (!n.isInteger())
            throw BuiltinException.type(
                "operand 3 must be integer number but got floating-point number");
          // a step beyond the range gives just the start, however big it is
          long step = n.toBig().toBigInteger().min(BigInteger.valueOf(Long.MAX_VALUE)).longValue();
          if (step <= 0)
            throw BuiltinException.error("numbers.range_step: step must be a positive integer");
          return range(a, step, c);
        });
    add(
        "and",
        2,
        (a, c) -> {
          Value.SetV x = set(a, 0), y = set(a, 1);
          Value.SetV.Builder out = Value.SetV.builder(Math.min(x.size(), y.size()));
          for (int i = 0; i < x.size(); i++) if (y.contains(x.get(i))) out.add(x.get(i));
          return out.build();
        });
    add(
        "or",
        2,
        (a, c) -> {
          Value.SetV x = set(a, 0), y = set(a, 1);
          Value.SetV.Builder out = x.toBuilder();
          for (int i = 0; i < y.size(); i++) out.add(y.get(i));
          return out.build();
        });

    // aggregates
    add(
        "count",
        1,
        (a, c) ->
            switch (a[0]) {
              case Value.Arr x -> Value.num(x.size());
              case Value.SetV x -> Value.num(x.size());
              case Value.Obj x -> Value.num(x.size());
              case Value.Str s -> Value.num(s.value.codePointCount(0, s.value.length()));
              default -> throw typeErr(0, "one of {array, object, set, string}", a[0]);
            });
    add(
        "sum",
        1,
        (a, c) -> {
          Value.Num acc = Value.num(0);
          for (Value v : collection(a, 0, "one of {array, set}")) {
            if (!(v instanceof Value.Num n))
              throw BuiltinException.type(
                  "operand 1 must be one of {array, set} containing numbers but got "
                      + v.typeName());
            acc = plus(acc, n);
          }
          return acc;
        });
    add(
        "product",
        1,
        (a, c) -> {
          BigDecimal acc = BigDecimal.ONE;
          for (Value v : collection(a, 0, "one of {array, set}")) {
            if (!(v instanceof Value.Num n))
              throw BuiltinException.type(
                  "operand 1 must be one of {array, set} containing numbers but got "
                      + v.typeName());
            acc = acc.multiply(n.toBig());
          }
          return Value.Num.of(acc);
        });
    add(
        "max",
        1,
        (a, c) -> {
          List<Value> l = collection(a, 0, "one of {array, set}");
          Value m = null;
          for (Value v : l) if (m == null || v.compareTo(m) > 0) m = v;
          return m;
        });
    add(
        "min",
        1,
        (a, c) -> {
          List<Value> l = collection(a, 0, "one of {array, set}");
          Value m = null;
          for (Value v : l) if (m == null || v.compareTo(m) < 0) m = v;
          return m;
        });
    add(
        "sort",
        1,
        (a, c) -> {
          List<Value> l = new ArrayList<>(collection(a, 0, "one of {array, set}"));
          java.util.Collections.sort(l);
          return Value.Arr.of(l);
        });
    add(
        "all",
        1,
        (a, c) -> {
          for (Value v : collection(a, 0, "one of {array, set}"))
            if (v != Value.TRUE) return Value.FALSE;
          return Value.TRUE;
        });
    add(
        "any",
        1,
        (a, c) -> {
          for (Value v : collection(a, 0, "one of {array, set}"))
            if (v == Value.TRUE) return Value.TRUE;
          return Value.FALSE;
        });

    // types
    add("is_number", 1, (a, c) -> Value.bool(a[0] instanceof Value.Num));
    add("is_string", 1, (a, c) -> Value.bool(a[0] instanceof Value.Str));
    add("is_boolean", 1, (a, c) -> Value.bool(a[0] instanceof Value.Bool));
    add("is_array", 1, (a, c) -> Value.bool(a[0] instanceof Value.Arr));
    add("is_set", 1, (a, c) -> Value.bool(a[0] instanceof Value.SetV));
    add("is_object", 1, (a, c) -> Value.bool(a[0] instanceof Value.Obj));
    add("is_null", 1, (a, c) -> Value.bool(a[0] instanceof Value.Null));
    add("type_name", 1, (a, c) -> Value.str(a[0].typeName()));
    // Declared so that policies mocking it (`with http.send as ...`) compile; Lattice evaluates
    // without network access, so an unmocked call is an error after OPA's argument checks.
    add(
        "http.send",
        1,
        (a, c) -> {
          // OPA's checks of the request object, with its wording (unknown keys, then missing ones)
          AwsSignatures.checkRequestKeys(obj(a, 0));
          throw BuiltinException.error(
              "network access is disabled: Lattice evaluates policies without it (mock http.send"
                  + " with `with http.send as ...`)");
        });
    add(
        "to_number",
        1,
        (a, c) ->
            switch (a[0]) {
              case Value.Num n -> n;
              case Value.Null n -> Value.num(0);
              case Value.Bool b -> Value.num(b.value ? 1 : 0);
              case Value.Str s -> {
                if (s.value.matches("(?i)[+-]?(nan|inf|infinity)"))
                  // Go's ParseFloat accepts these; OPA then rejects them as a type error
                  throw BuiltinException.type(
                      "operand 1 must be a number string but got \"" + s.value + "\"");
                yield goParseFloat(s.value);
              }
              default -> throw typeErr(0, "one of {null, boolean, number, string}", a[0]);
            });

    addMulti(
        "walk",
        1,
        (a, c) -> {
          List<Value> out = new ArrayList<>();
          walk(a[0], new ArrayList<>(), out, c);
          return Value.Arr.of(out);
        });
    add(
        "print",
        -1,
        (a, c) -> {
          StringBuilder b = new StringBuilder();
          for (int i = 0; i < a.length; i++) {
            if (i > 0) b.append(' ');
            b.append(a[i] instanceof Value.Str s ? s.value : Json.term(a[i]));
          }
          c.print(b.toString());
          return Value.TRUE;
        });
    add(
        "trace",
        1,
        (a, c) -> {
          c.note(str(a, 0));
          return Value.TRUE;
        });
    add("opa.runtime", 0, (a, c) -> Value.EMPTY_OBJECT);
  }

  static Value.Num plus(Value.Num x, Value.Num y) {
    if (x.isSmall() && y.isSmall()) {
      long r = x.small + y.small;
      if (((x.small ^ r) & (y.small ^ r)) >= 0) return Value.num(r);
    }
    return Value.Num.of(x.toBig().add(y.toBig()));
  }

  private static Value range(Value[] a, long step, BuiltinContext c) {
    Value.Num x = num(a, 0), y = num(a, 1);
    // OPA's builtins.BigIntOperand: an operand type error, as OPA words it
    if (!x.isInteger())
      throw BuiltinException.type("operand 1 must be integer number but got floating-point number");
    if (!y.isInteger())
      throw BuiltinException.type("operand 2 must be integer number but got floating-point number");
    BigInteger from = x.toBig().toBigInteger(), to = y.toBig().toBigInteger();
    BigInteger len = to.subtract(from).abs().divide(BigInteger.valueOf(step)).add(BigInteger.ONE);
    c.step(len.min(BigInteger.valueOf(Long.MAX_VALUE / 2)).longValue());
    List<Value> out = new ArrayList<>();
    BigInteger s = BigInteger.valueOf(from.compareTo(to) <= 0 ? step : -step);
    for (BigInteger i = from;
        from.compareTo(to) <= 0 ? i.compareTo(to) <= 0 : i.compareTo(to) >= 0;
        i = i.add(s)) {
      out.add(Value.Num.of(i));
    }
    return Value.Arr.of(out);
  }

  static boolean member(Value x, Value coll) {
    return switch (coll) {
      case Value.Arr a -> {
        for (int i = 0; i < a.size(); i++) if (a.get(i).equals(x)) yield true;
        yield false;
      }
      case Value.SetV s -> s.contains(x);
      case Value.Obj o -> {
        for (int i = 0; i < o.size(); i++) if (o.value(i).equals(x)) yield true;
        yield false;
      }
      default -> false;
    };
  }

  static Value lookup(Value v, Value key) {
    switch (v) {
      case Value.Obj o -> {
        return o.get(key);
      }
      case Value.Arr a -> {
        if (key instanceof Value.Num n && n.intValue() != null) {
          int i = n.intValue();
          return i >= 0 && i < a.size() ? a.get(i) : null;
        }
        return null;
      }
      case Value.SetV s -> {
        return s.contains(key) ? key : null;
      }
      default -> {
        return null;
      }
    }
  }

  private static void walk(Value v, List<Value> path, List<Value> out, BuiltinContext c) {
    c.step(1);
    out.add(new Value.Arr(new Value[] {Value.Arr.of(path), v}));
    switch (v) {
      case Value.Arr a -> {
        for (int i = 0; i < a.size(); i++) {
          path.add(Value.num(i));
          walk(a.get(i), path, out, c);
          path.remove(path.size() - 1);
        }
      }
      case Value.Obj o -> {
        for (Map.Entry<Value, Value> e : o.map().entrySet()) {
          path.add(e.getKey());
          walk(e.getValue(), path, out, c);
          path.remove(path.size() - 1);
        }
      }
      case Value.SetV s -> {
        for (Value e : s.set()) {
          path.add(e);
          walk(e, path, out, c);
          path.remove(path.size() - 1);
        }
      }
      default -> {}
    }
  }

  static TreeMap<Value, Value> newMap() {
    return new TreeMap<>();
  }

  /** Go's decimal float syntax: an optional sign, digits with an optional point, an exponent. */
  private static final java.util.regex.Pattern GO_DECIMAL =
      java.util.regex.Pattern.compile("[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");

  /** Go's hexadecimal float syntax ({@code 0x1.8p1}): the binary exponent is required. */
  private static final java.util.regex.Pattern GO_HEX =
      java.util.regex.Pattern.compile(
          "[+-]?0[xX](?:[0-9a-fA-F]+\\.?[0-9a-fA-F]*|\\.[0-9a-fA-F]+)[pP][+-]?[0-9]+");

  /**
   * {@code to_number} of a string as OPA: the string must be what Go's {@code strconv.ParseFloat}
   * reads ({@code +1.5}, {@code .5}, {@code 1.}, {@code 0x1p-2}) and within float64's range; the
   * number is then the string's value (exactly, for a decimal). Go's error texts.
   */
  static Value.Num goParseFloat(String text) {
    String quoted = dev.lattice.policy.internal.rego.value.Json.goQuote(text);
    Value.Num n;
    if (GO_DECIMAL.matcher(text).matches()) {
      n = Value.Num.parse(text.startsWith("+") ? text.substring(1) : text);
    } else if (GO_HEX.matcher(text).matches()) {
      n = Value.Num.of(new java.math.BigDecimal(Double.parseDouble(text)));
    } else {
      throw BuiltinException.error("strconv.ParseFloat: parsing " + quoted + ": invalid syntax");
    }
    if (n == null) {
      throw BuiltinException.error("strconv.ParseFloat: parsing " + quoted + ": invalid syntax");
    }
    if (Double.isInfinite(n.toBig().doubleValue())) {
      throw BuiltinException.error(
          "strconv.ParseFloat: parsing " + quoted + ": value out of range");
    }
    return n;
  }
}
